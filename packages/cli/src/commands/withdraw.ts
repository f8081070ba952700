import { Command, Options } from "@effect/cli";
import { TcmReader, TxBuilder } from "@tcm/chain";
import { Effect, Option } from "effect";
import { type SendFlags, sendOptions, toFlag } from "../context.js";
import { BadInput, CommandFailed } from "../errors.js";
import { keyValues } from "../output.js";
import { withdrawalPreview } from "../preview.js";
import { withChain, withSigner } from "../run.js";
import { execute, gasLine, say } from "../send.js";
import { formatUnits, parseDecimal } from "../units.js";
import { allocationTable, positionAt, requireAccount } from "./shared.js";

const options = {
  ...sendOptions,
  amount: Options.text("amount").pipe(
    Options.withDescription("stETH principal to withdraw, e.g. 0.5"),
    Options.optional,
  ),
  all: Options.boolean("all").pipe(Options.withDescription("Withdraw the whole principal and close the position")),
  to: Options.text("to").pipe(Options.withDescription("Receiver of the stETH (default: the signer)"), Options.optional),
};

type Flags = SendFlags & {
  readonly amount: Option.Option<string>;
  readonly all: boolean;
  readonly to: Option.Option<string>;
};

const flagOf = toFlag([
  ["amount", "--amount", "a positive stETH amount no larger than your principal"],
  ["receiver", "--to", "a 0x address"],
]);

const withdraw = (flags: Flags) =>
  withChain(
    flags,
    withSigner(flags, (from) =>
      Effect.gen(function* () {
        if (flags.all && Option.isSome(flags.amount)) {
          return yield* new BadInput({ flag: "--all", message: "give either --amount <stETH> or --all, not both" });
        }
        if (!flags.all && Option.isNone(flags.amount)) {
          return yield* new BadInput({
            flag: "--amount",
            message: "say how much: --amount <stETH>, or --all for the whole principal",
          });
        }
        const account = yield* requireAccount(from, "withdraw");
        const snapshot = yield* (yield* TcmReader).snapshot();
        const current = yield* positionAt(account, snapshot);
        if (current.principal === 0n) {
          return yield* new CommandFailed({
            message: `${account} has no position to withdraw from (deposit first: tcm deposit)`,
          });
        }
        const amount = Option.isSome(flags.amount)
          ? yield* parseDecimal("--amount", flags.amount.value, 18, "stETH")
          : current.principal;
        if (amount > current.principal) {
          return yield* new BadInput({
            flag: "--amount",
            message: `${formatUnits(amount, 18, 18)} stETH exceeds your principal of ${formatUnits(current.principal, 18, 18)} stETH (use --all to withdraw everything)`,
          });
        }
        const receiver = Option.getOrElse(flags.to, () => account);
        const builder = yield* TxBuilder;
        yield* builder
          .withdraw({ amount, receiver })
          .pipe(Effect.catchTag("InvalidInput", (e) => Effect.fail(flagOf(e))));
        const tx = yield* builder.withdraw({ amount, receiver }, { from: account });
        const { deficit } = snapshot.protocol;
        const payout = withdrawalPreview(snapshot, current.principal, amount);
        const paid = payout.stEthPaid;
        const remaining = current.principal - payout.principalRemoved;
        yield* say(flags)(`Withdraw from ${account}'s position`);
        yield* say(flags)(
          keyValues([
            ["amount", `${formatUnits(amount, 18, 18)} stETH of ${formatUnits(current.principal, 18, 18)} principal`],
            [
              "you receive",
              `${formatUnits(paid, 18, 18)} stETH → ${receiver}${deficit.inDeficit ? " (the machine is in deficit: pro-rata payout, the position closes)" : ""}`,
            ],
            ["principal after", `${formatUnits(remaining)} stETH`],
            ["gas", gasLine([{ label: "withdraw", tx }])],
          ]),
        );
        const entries = current.holdings.map((h) => ({ projectId: h.projectId, bps: h.bps }));
        yield* say(flags)(
          allocationTable(snapshot, current, { principal: remaining, entries: remaining === 0n ? [] : entries }),
        );
        yield* execute(flags, [{ label: `withdraw ${formatUnits(amount, 18, 18)} stETH`, tx }], "Withdraw?");
      }),
    ),
  );

export const withdrawCommand = Command.make("withdraw", options, withdraw).pipe(
  Command.withDescription(
    "Withdraw principal (--amount or --all). Never paused; during a deficit a withdrawal pays its pro-rata share and closes the position. " +
      "A full withdrawal also mints the position's pending rewards to you; after a partial one they stay claimable.",
  ),
);
