import { Args, Command } from "@effect/cli";
import { ChainClient, type ContractRevert, Deployment, TcmReader, TxBuilder, technoCapitalMachineAbi } from "@tcm/chain";
import { Effect, Either } from "effect";
import { zeroAddress } from "viem";
import { type SendFlags, sendOptions, toFlag } from "../context.js";
import { table } from "../output.js";
import { withChain, withSigner } from "../run.js";
import { execute, gasLine, say } from "../send.js";
import { formatUnits, parseIds } from "../units.js";

const ids = Args.text({ name: "project-id" }).pipe(Args.withDescription("One or more project ids (1 2 3 or 1,2,3)"), Args.atLeast(1));

const flagOf = toFlag([
  ["projectId", "<project-id>", "existing project ids"],
  ["projectIds", "<project-id>", "existing project ids, each listed once"],
]);

const price = (x: bigint) => (x === 0n ? "—" : formatUnits(x, 18, 12));

/** What a step did, in words: opened the pool, traded, or waited (spot above the price the machine trusts). */
const actionOf = (r: { readonly tokensSeeded: bigint; readonly ceilingPrice: bigint; readonly wstEthSwapped: bigint; readonly wstEthAdded: bigint }) =>
  r.tokensSeeded > 0n
    ? "open pool"
    : r.ceilingPrice > 0n
      ? r.wstEthSwapped + r.wstEthAdded > 0n
        ? "buy + add"
        : "nothing to do"
      : r.wstEthAdded > 0n
        ? "add"
        : "wait (spot above reference)";

const deploy = (flags: SendFlags & { readonly projectId: ReadonlyArray<string> }) =>
  withChain(
    flags,
    withSigner(flags, (from) =>
      Effect.gen(function* () {
        const projectIds = yield* parseIds("<project-id>", flags.projectId);
        const reader = yield* TcmReader;
        const builder = yield* TxBuilder;
        const chain = yield* ChainClient;
        const deployment = yield* Deployment;
        const snapshot = yield* reader.snapshot();
        const buildOptions = { projectCount: snapshot.protocol.projectCount };
        // Validates the ids (each exists, none twice) with the shared rules before anything else.
        yield* builder.deployMany({ projectIds }, buildOptions).pipe(Effect.catchTag("InvalidInput", (e) => Effect.fail(flagOf(e))));

        // The contract's own answer for each project, as a static call: the step's report, or why it is not due.
        const simulations = yield* Effect.forEach(projectIds, (id) =>
          chain
            .request("simulate deploy", (c) =>
              c.simulateContract({
                address: deployment.machine,
                abi: technoCapitalMachineAbi,
                functionName: "deploy",
                args: [Number(id)],
                account: from ?? zeroAddress,
                blockNumber: snapshot.blockNumber,
              }),
            )
            .pipe(
              Effect.map((r) => r.result),
              Effect.either,
            ),
        );
        const failures = simulations.flatMap((s, i) => (Either.isLeft(s) ? [[projectIds[i], s.left] as const] : []));
        for (const [, error] of failures) if (error._tag !== "ContractRevert") return yield* Effect.fail(error);
        const due = projectIds.flatMap((id, i) => {
          const s = simulations[i];
          return s !== undefined && Either.isRight(s) ? [{ id, report: s.right }] : [];
        });
        if (due.length === 0) {
          const [, error] = failures[0] as readonly [bigint, ContractRevert];
          return yield* Effect.fail(error);
        }

        yield* say(flags)(`Deploy step for ${due.map((r) => `#${r.id}`).join(", ")}`);
        yield* say(flags)(
          table(
            ["project", "action", "pending wstETH", "swapped", "tokens bought", "wstETH added", "LP minted", "bounty wstETH", "pending after", "spot", "reference", "ceiling"],
            due.map(({ id, report: r }) => [
              `#${id}`,
              actionOf(r),
              formatUnits(r.pendingIn),
              formatUnits(r.wstEthSwapped),
              formatUnits(r.tokensBought),
              formatUnits(r.wstEthAdded),
              formatUnits(r.liquidityMinted),
              formatUnits(r.bounty),
              formatUnits(r.pendingOut),
              price(r.spotPrice),
              price(r.referencePrice),
              price(r.ceilingPrice),
            ]),
          ),
        );
        yield* say(flags)(
          `Prices are wstETH per token. A step buys only while the price stays under spot × (1 + ${snapshot.protocol.config.maxImpactBps} bps) ` +
            "and never above the price the machine trusts; what it cannot deploy waits for the next step.",
        );
        for (const [id, error] of failures) yield* say(flags)(`  #${id} skipped: ${error.message}`);

        const tx =
          due.length === 1 && projectIds.length === 1
            ? yield* builder.deploy({ projectId: due[0]!.id }, { ...buildOptions, ...(from ? { from } : {}) })
            : yield* builder.deployMany({ projectIds: due.map((r) => r.id) }, { ...buildOptions, ...(from ? { from } : {}) });
        yield* say(flags)(`gas  ${gasLine([{ label: "deploy", tx }])}`);
        yield* execute(flags, [{ label: `deploy step ${due.map((r) => `#${r.id}`).join(", ")}`, tx }], "Run the deploy step?");
      }),
    ),
  );

export const deployCommand = Command.make("deploy", { ...sendOptions, projectId: ids }, deploy).pipe(
  Command.withDescription(
    "Run the deploy step of one or several projects (anyone may; the caller earns a small wstETH bounty). A step is due every " +
      "stepInterval while the project has pending wstETH from its harvests: the first opens the pool at the launch price, the " +
      "next ones buy the token with at most half of it and lock what they bought with the wstETH the reserves need, as liquidity " +
      "nobody can withdraw. Previews each step; projects whose step is not due are skipped with the reason (and when it will be).",
  ),
);
