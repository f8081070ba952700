/**
 * What the machine's events say about each project's wstETH: harvested into pending (Σ HarvestReport.wstEthWrapped),
 * deployed into the pool (Σ the domain's deployedWstEthOf over its DeployReports), paid as step bounties, and the last
 * step. The contract keeps no running totals (they would cost every harvest and step a storage write); the subgraph
 * keeps them for the API, and this read gives the same sums to tools that talk to a node only (the CLI, `npm start`
 * without graph-node). Logs are read in ranges of `blockRange` blocks from the deployment block up to `toBlock`.
 */
import { type DeployReport, deployedWstEthOf, deploymentRatio } from "@tcm/domain";
import { Effect } from "effect";
import { ChainClient } from "./ChainClient.js";
import { Deployment } from "./Deployment.js";
import type { ChainError } from "./errors.js";
import { technoCapitalMachineAbi } from "./generated/artifacts.js";

export interface ProjectDeployTotals {
  readonly projectId: number;
  /** Σ HarvestReport.wstEthWrapped: wstETH the harvests put into the project's pending. */
  readonly harvestedWstEth: bigint;
  /** Σ deployedWstEthOf(DeployReport): wstETH the steps put into the pool (opening, buys and adds). */
  readonly deployedWstEth: bigint;
  /** Σ DeployReport.bounty: wstETH paid to the callers of the steps. */
  readonly stepBounties: bigint;
  readonly harvests: number;
  readonly steps: number;
  /** deploymentRatio(deployed, harvested), 1e18-scaled; null before the first harvest. */
  readonly ratio: bigint | null;
  /** The last step's report and where it was mined; undefined before the first step. */
  readonly lastStep: { readonly blockNumber: bigint; readonly report: DeployReport } | undefined;
}

export interface DeployTotalsOptions {
  /** The last block to read (the caller's snapshot block). */
  readonly toBlock: bigint;
  /** Blocks per eth_getLogs (default 50,000: under the common provider limits for one contract's logs). */
  readonly blockRange?: bigint;
}

const empty = (projectId: number): ProjectDeployTotals => ({
  projectId,
  harvestedWstEth: 0n,
  deployedWstEth: 0n,
  stepBounties: 0n,
  harvests: 0,
  steps: 0,
  ratio: null,
  lastStep: undefined,
});

/** Deploy totals for `projectIds` (every one gets an entry, zeros when it has no events) up to `options.toBlock`. */
export const deployTotals = (
  projectIds: ReadonlyArray<number>,
  options: DeployTotalsOptions,
): Effect.Effect<ReadonlyArray<ProjectDeployTotals>, ChainError, ChainClient | Deployment> =>
  Effect.gen(function* () {
    const chain = yield* ChainClient;
    const deployment = yield* Deployment;
    const range = options.blockRange ?? 50_000n;
    const totals = new Map(projectIds.map((id) => [id, { ...empty(id) }] as const));
    type Mutable = { -readonly [K in keyof ProjectDeployTotals]: ProjectDeployTotals[K] };
    const entry = (id: number) => totals.get(id) as Mutable | undefined;
    for (let from = deployment.deployBlock; from <= options.toBlock; from += range) {
      const to = from + range - 1n < options.toBlock ? from + range - 1n : options.toBlock;
      const [harvested, deployed] = yield* chain.read(`machine logs ${from}-${to}`, (c) =>
        Promise.all([
          c.getContractEvents({
            address: deployment.machine,
            abi: technoCapitalMachineAbi,
            eventName: "Harvested",
            fromBlock: from,
            toBlock: to,
            strict: true,
          }),
          c.getContractEvents({
            address: deployment.machine,
            abi: technoCapitalMachineAbi,
            eventName: "Deployed",
            fromBlock: from,
            toBlock: to,
            strict: true,
          }),
        ]),
      );
      for (const log of harvested) {
        const t = entry(log.args.projectId);
        if (t === undefined) continue;
        t.harvestedWstEth += log.args.report.wstEthWrapped;
        t.harvests += 1;
      }
      for (const log of deployed) {
        const t = entry(log.args.projectId);
        if (t === undefined) continue;
        const report = log.args.report as DeployReport;
        t.deployedWstEth += deployedWstEthOf(report);
        t.stepBounties += report.bounty;
        t.steps += 1;
        t.lastStep = { blockNumber: log.blockNumber, report };
      }
    }
    return projectIds.map((id) => {
      const t = totals.get(id) as ProjectDeployTotals;
      return { ...t, ratio: deploymentRatio(t.deployedWstEth, t.harvestedWstEth) };
    });
  });
