import { Args, Command, Options } from "@effect/cli";
import { ChainClient, type ContractRevert, Deployment, TcmReader, TxBuilder, technoCapitalMachineAbi } from "@tcm/chain";
import { Console, Effect, Either } from "effect";
import { zeroAddress } from "viem";
import { type SendFlags, sendOptions, toFlag } from "../context.js";
import { BadInput } from "../errors.js";
import { keyValues, table } from "../output.js";
import { buyImpact, minOutFor } from "../preview.js";
import { withChain, withSigner } from "../run.js";
import { execute, gasLine, say } from "../send.js";
import { formatBps, formatUnits, parseBps, parseIds } from "../units.js";

const options = {
  ...sendOptions,
  slippage: Options.text("slippage").pipe(
    Options.withDescription("Tolerance below the expected tokens bought, bps or percent (default 1%); sets minTokensOut"),
    Options.withDefault("1%"),
  ),
};
const ids = Args.text({ name: "project-id" }).pipe(Args.withDescription("One or more project ids (1 2 3 or 1,2,3)"), Args.atLeast(1));

const flagOf = toFlag([
  ["projectId", "<project-id>", "existing project ids"],
  ["projectIds", "<project-id>", "existing project ids, each listed once"],
  ["minTokensOut", "--slippage"],
]);

const harvest = (flags: SendFlags & { readonly slippage: string; readonly projectId: ReadonlyArray<string> }) =>
  withChain(
    flags,
    withSigner(flags, (from) =>
      Effect.gen(function* () {
        const projectIds = yield* parseIds("<project-id>", flags.projectId);
        const slippage = yield* parseBps("--slippage", flags.slippage);
        if (slippage > 10_000n) return yield* new BadInput({ flag: "--slippage", message: `accepted 0..10000 bps (0%..100%), got ${slippage}` });
        const reader = yield* TcmReader;
        const builder = yield* TxBuilder;
        const chain = yield* ChainClient;
        const deployment = yield* Deployment;
        const snapshot = yield* reader.snapshot();
        const buildOptions = { projectCount: snapshot.protocol.projectCount };
        // Validates the ids (each exists, none twice) with the shared rules before anything else.
        yield* builder.harvestMany({ projectIds }, buildOptions).pipe(Effect.catchTag("InvalidInput", (e) => Effect.fail(flagOf(e))));

        // The contract's own answer for each project, as a static call; the domain math prices the buy.
        const simulations = yield* Effect.forEach(projectIds, (id) =>
          chain
            .request("simulate harvest", (c) =>
              c.simulateContract({
                address: deployment.machine,
                abi: technoCapitalMachineAbi,
                functionName: "harvest",
                args: [Number(id), 0n],
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
        const ready = projectIds.flatMap((id, i) => {
          const s = simulations[i];
          return s !== undefined && Either.isRight(s) ? [{ id, report: s.right }] : [];
        });
        if (ready.length === 0) {
          const [, error] = failures[0] as readonly [bigint, ContractRevert];
          return yield* Effect.fail(error);
        }

        const rows = ready.map(({ id, report }) => {
          const details = snapshot.projects[Number(id) - 1];
          const seeding = report.tokensSeeded > 0n;
          const impact = details === undefined || seeding ? undefined : buyImpact(details, report.wstEthSwapped);
          const minOut = seeding ? 0n : minOutFor(report.tokensBought, slippage);
          return { id, report, seeding, impact, minOut };
        });
        yield* say(flags)(`Harvest ${rows.map((r) => `#${r.id}`).join(", ")} (epoch ${snapshot.protocol.currentEpoch})`);
        yield* say(flags)(
          table(
            ["project", "yield stETH", "bounty stETH", "wstETH in", "action", "tokens", "domain est.", "price impact", "min tokens out", "LP minted"],
            rows.map(({ id, report, seeding, impact, minOut }) => [
              `#${id}`,
              formatUnits(report.yieldStEth),
              formatUnits(report.bountyStEth),
              formatUnits(report.wstEthWrapped + report.carryWstEthIn),
              seeding ? "seed pool" : "buy + add",
              formatUnits(seeding ? report.tokensSeeded : report.tokensBought),
              impact === undefined ? "—" : formatUnits(impact.expectedOut),
              impact === undefined ? "—" : formatBps(impact.impactBps),
              formatUnits(minOut),
              formatUnits(report.liquidityMinted),
            ]),
          ),
        );
        for (const [id, error] of failures) yield* say(flags)(`  #${id} skipped: ${error.message}`);

        const tx =
          rows.length === 1 && projectIds.length === 1
            ? yield* builder.harvest({ projectId: rows[0]!.id, minTokensOut: rows[0]!.minOut }, { ...buildOptions, ...(from ? { from } : {}) })
            : yield* builder.harvestMany(
                { projectIds: rows.map((r) => r.id), minTokensOut: rows.map((r) => r.minOut) },
                { ...buildOptions, ...(from ? { from } : {}) },
              );
        yield* say(flags)(keyValues([["slippage", formatBps(slippage)], ["gas", gasLine([{ label: "harvest", tx }])]]));
        yield* execute(flags, [{ label: `harvest ${rows.map((r) => `#${r.id}`).join(", ")}`, tx }], "Harvest?");
      }),
    ),
  );

export const harvestCommand = Command.make("harvest", { ...options, projectId: ids }, harvest).pipe(
  Command.withDescription(
    "Harvest one or several projects (anyone may; the caller earns the bounty): half the yield buys the token, the rest is added as " +
      "locked liquidity. Previews yield, bounty, tokens bought, price impact and minTokensOut (from --slippage). Projects that are not " +
      "ready are skipped with the reason.",
  ),
);
