import { Command, Options } from "@effect/cli";
import { TcmReader, TxBuilder } from "@tcm/chain";
import { Effect, Option } from "effect";
import { type SendFlags, sendOptions, toFlag } from "../context.js";
import { CommandFailed } from "../errors.js";
import { keyValues, table } from "../output.js";
import { withChain, withSigner } from "../run.js";
import { execute, gasLine, say } from "../send.js";
import { formatUnits, parseIds } from "../units.js";
import { requireAccount } from "./shared.js";

const options = {
  ...sendOptions,
  project: Options.text("project").pipe(
    Options.withAlias("p"),
    Options.withDescription("Project ids to claim, e.g. 1,2 (repeatable; default: every project with pending rewards)"),
    Options.repeated,
  ),
  to: Options.text("to").pipe(
    Options.withDescription("Receiver of the tokens (default: the signer)"),
    Options.optional,
  ),
};

const flagOf = toFlag([
  ["projectIds", "--project", "existing project ids, each listed once"],
  ["receiver", "--to", "a non-zero 0x address"],
]);

const claim = (flags: SendFlags & { readonly project: ReadonlyArray<string>; readonly to: Option.Option<string> }) =>
  withChain(
    flags,
    withSigner(flags, (from) =>
      Effect.gen(function* () {
        const account = yield* requireAccount(from, "claim");
        const requested = yield* parseIds("--project", flags.project);
        const snapshot = yield* (yield* TcmReader).snapshot();
        const reader = yield* TcmReader;
        // Default: every project with rewards waiting, including ones the position no longer allocates to (a
        // reallocation settles their rewards and they stay claimable).
        const everyId = Array.from({ length: snapshot.protocol.projectCount }, (_, i) => i + 1);
        const waiting =
          requested.length > 0
            ? []
            : yield* Effect.forEach(everyId, (id) =>
                reader.pendingRewards(account, id, { blockNumber: snapshot.blockNumber }),
              );
        const ids =
          requested.length > 0 ? requested : everyId.filter((_, i) => (waiting[i] ?? 0n) > 0n).map((id) => BigInt(id));
        if (ids.length === 0) {
          // Nothing named, nothing pending: no flag is wrong, there is just nothing to claim.
          return yield* new CommandFailed({
            message: `${account} has no pending rewards to claim in any project (tcm status --account ${account})`,
          });
        }
        const receiver = Option.getOrElse(flags.to, () => account);
        const builder = yield* TxBuilder;
        const buildOptions = { projectCount: snapshot.protocol.projectCount };
        yield* builder
          .claim({ projectIds: ids, receiver }, buildOptions)
          .pipe(Effect.catchTag("InvalidInput", (e) => Effect.fail(flagOf(e))));
        const tx = yield* builder.claim({ projectIds: ids, receiver }, { ...buildOptions, from: account });
        const pending = yield* Effect.forEach(ids, (id) =>
          reader.pendingRewards(account, Number(id), { blockNumber: snapshot.blockNumber }),
        );
        yield* say(flags)(`Claim rewards of ${account} → ${receiver}`);
        yield* say(flags)(
          table(
            ["project", "token", "pending tokens"],
            ids.map((id, i) => [
              `#${id}`,
              snapshot.projects[Number(id) - 1]?.token.address ?? "?",
              formatUnits(pending[i] ?? 0n),
            ]),
          ),
        );
        yield* say(flags)(keyValues([["gas", gasLine([{ label: "claim", tx }])]]));
        yield* execute(flags, [{ label: `claim ${ids.map((i) => `#${i}`).join(", ")}`, tx }], "Claim?");
      }),
    ),
  );

export const claimCommand = Command.make("claim", options, claim).pipe(
  Command.withDescription(
    "Mint the project tokens your position has earned (--project 1,2; --to receiver). Never blocked by harvests or the AMM.",
  ),
);
