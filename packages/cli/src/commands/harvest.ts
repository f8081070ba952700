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

const harvest = (flags: SendFlags & { readonly projectId: ReadonlyArray<string> }) =>
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
        yield* builder.harvestMany({ projectIds }, buildOptions).pipe(Effect.catchTag("InvalidInput", (e) => Effect.fail(flagOf(e))));

        // The contract's own answer for each project, as a static call.
        const simulations = yield* Effect.forEach(projectIds, (id) =>
            chain
              .request("simulate harvest", (c) =>
                c.simulateContract({
                  address: deployment.machine,
                  abi: technoCapitalMachineAbi,
                  functionName: "harvest",
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
        const ready = projectIds.flatMap((id, i) => {
          const s = simulations[i];
          return s !== undefined && Either.isRight(s) ? [{ id, report: s.right }] : [];
        });
        if (ready.length === 0) {
          const [, error] = failures[0] as readonly [bigint, ContractRevert];
          return yield* Effect.fail(error);
        }

        /** What follows the collection in the same transaction: a step is due once stepInterval has passed. */
        const stepOf = (id: bigint): string => {
          const details = snapshot.projects[Number(id) - 1];
          if (details === undefined) return "—";
          const readyAt = details.project.lastStepTime + snapshot.protocol.config.stepInterval;
          if (snapshot.timestamp + 1n < readyAt) return `next step at ${new Date(Number(readyAt) * 1000).toISOString()}`;
          return details.project.seeded ? "a deploy step" : "opens the pool";
        };
        yield* say(flags)(`Harvest ${ready.map((r) => `#${r.id}`).join(", ")} (epoch ${snapshot.protocol.currentEpoch})`);
        yield* say(flags)(
          table(
            ["project", "yield stETH", "bounty stETH", "wstETH wrapped", "pending wstETH after", "then"],
            ready.map(({ id, report }) => [
              `#${id}`,
              formatUnits(report.yieldStEth),
              formatUnits(report.bountyStEth),
              formatUnits(report.wstEthWrapped),
              formatUnits(report.pendingWstEth),
              stepOf(id),
            ]),
          ),
        );
        yield* say(flags)(
          "The yield waits as pending wstETH; deploy steps (tcm deploy, or any keeper) put it into the pool, one every " +
            `${snapshot.protocol.config.stepInterval / 60n} min.`,
        );
        for (const [id, error] of failures) yield* say(flags)(`  #${id} skipped: ${error.message}`);

        const tx =
          ready.length === 1 && projectIds.length === 1
            ? yield* builder.harvest({ projectId: ready[0]!.id }, { ...buildOptions, ...(from ? { from } : {}) })
            : yield* builder.harvestMany({ projectIds: ready.map((r) => r.id) }, { ...buildOptions, ...(from ? { from } : {}) });
        yield* say(flags)(`gas  ${gasLine([{ label: "harvest", tx }])}`);
        yield* execute(flags, [{ label: `harvest ${ready.map((r) => `#${r.id}`).join(", ")}`, tx }], "Harvest?");
      }),
    ),
  );

export const harvestCommand = Command.make("harvest", { ...sendOptions, projectId: ids }, harvest).pipe(
  Command.withDescription(
    "Harvest one or several projects (anyone may, once per epoch; the caller earns the bounty): collects the yield into the " +
      "project's pending wstETH, then runs one deploy step if one is due (the first opens the pool at the launch price). " +
      "Previews yield, bounty and pending wstETH. Projects that are not ready are skipped with the reason.",
  ),
);
