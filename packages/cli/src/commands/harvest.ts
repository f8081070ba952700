import { Command } from "@effect/cli";
import type { Snapshot } from "@tcm/chain";
import { type SendFlags, sendOptions } from "../context.js";
import { table } from "../output.js";
import { formatUnits } from "../units.js";
import { allProjectsOption, projectIdsArg, runProjectStep } from "./shared.js";

/** What follows the collection in the same transaction: a step is due once stepInterval has passed. */
const stepOf = (snapshot: Snapshot, id: bigint): string => {
  const details = snapshot.projects[Number(id) - 1];
  if (details === undefined) return "—";
  const readyAt = details.project.lastStepTime + snapshot.protocol.config.stepInterval;
  if (snapshot.timestamp + 1n < readyAt) return `next step at ${new Date(Number(readyAt) * 1000).toISOString()}`;
  return details.project.seeded ? "a deploy step" : "opens the pool";
};

const harvest = (flags: SendFlags & { readonly projectId: ReadonlyArray<string>; readonly all: boolean }) =>
  runProjectStep(flags, {
    functionName: "harvest",
    label: (ids) => `harvest ${ids}`,
    question: "Harvest?",
    preview: (snapshot, ready) => [
      `Harvest ${ready.map((r) => `#${r.id}`).join(", ")} (epoch ${snapshot.protocol.currentEpoch})`,
      table(
        ["project", "yield stETH", "bounty stETH", "wstETH wrapped", "pending wstETH after", "then"],
        ready.map(({ id, report }) => [
          `#${id}`,
          formatUnits(report.yieldStEth),
          formatUnits(report.bountyStEth),
          formatUnits(report.wstEthWrapped),
          formatUnits(report.pendingWstEth),
          stepOf(snapshot, id),
        ]),
      ),
      "The yield waits as pending wstETH; deploy steps (tcm deploy, or any keeper) put it into the pool, one every " +
        `${snapshot.protocol.config.stepInterval / 60n} min.`,
    ],
  });

export const harvestCommand = Command.make(
  "harvest",
  { ...sendOptions, projectId: projectIdsArg, all: allProjectsOption },
  harvest,
).pipe(
  Command.withDescription(
    "Harvest one or several projects (anyone may, once per epoch; the caller earns the bounty): collects the yield into the " +
      "project's pending wstETH, then runs one deploy step if one is due (the first opens the pool at the launch price). " +
      "Previews yield, bounty and pending wstETH. Projects that are not ready are skipped with the reason.",
  ),
);
