import type { PairState as DomainPairState } from "@tcm/domain";
import { Effect } from "effect";
import type { Address, ContractFunctionReturnType, PublicClient } from "viem";
import { ChainClient } from "./ChainClient.js";
import { Deployment } from "./Deployment.js";
import {
  mockStETHAbi,
  mockWstETHAbi,
  projectTokenAbi,
  technoCapitalMachineAbi,
  uniswapV2PairAbi,
} from "./generated/artifacts.js";

/** Reads at this block when given (every read of one call then sees the same state). */
export interface ReadOptions {
  readonly blockNumber?: bigint;
}

export type ProjectView = ContractFunctionReturnType<typeof technoCapitalMachineAbi, "view", "getProject">;
export type PositionEntry = ContractFunctionReturnType<typeof technoCapitalMachineAbi, "view", "positionOf">[1][number];

export interface MachineConfig {
  readonly epoch: bigint;
  readonly genesis: bigint;
  readonly bountyBps: bigint;
  readonly maxBounty: bigint;
  readonly minHarvestValue: bigint;
  /** A deploy step's buy lifts the price at most this far above spot (bps). */
  readonly maxImpactBps: bigint;
  /** Seconds between two deploy steps of a project. */
  readonly stepInterval: bigint;
  /** How long a price raised by others must hold before steps follow it (seconds). */
  readonly followWindow: bigint;
  /** A step's bounty: stepBountyBps of the wstETH it deployed, capped by maxStepBounty (wstETH wei). */
  readonly stepBountyBps: bigint;
  readonly maxStepBounty: bigint;
  /** A step is due only with at least this much pending wstETH (MIN_DEPLOY). */
  readonly minDeploy: bigint;
}

export interface ProtocolState {
  readonly totalPrincipal: bigint;
  readonly accYieldIndex: bigint;
  readonly assignedYieldScaled: bigint;
  readonly projectCount: number;
  readonly currentEpoch: bigint;
  readonly depositsPaused: boolean;
  readonly harvestsPaused: boolean;
  readonly guardian: Address;
  readonly deficit: {
    readonly inDeficit: boolean;
    readonly sharesHeld: bigint;
    readonly sharesRequired: bigint;
    readonly valueHeldForPrincipal: bigint;
  };
  readonly config: MachineConfig;
}

/** The pair as read from the chain: the domain's pair storage (without per-holder LP balances) and what TCM derives. */
export interface PairState extends Omit<DomainPairState, "token0" | "token1" | "lpBalances"> {
  readonly address: Address;
  readonly token0: Address;
  readonly token1: Address;
  /** Protocol-owned liquidity: LP tokens held (forever) by the machine. */
  readonly lpHeldByMachine: bigint;
  readonly reserveWstEth: bigint;
  readonly reserveTokens: bigint;
  /** Raw balances (they differ from reserves when someone donated to the pair). */
  readonly wstEthBalance: bigint;
  readonly tokenBalance: bigint;
}

export interface TokenState {
  readonly address: Address;
  readonly totalSupply: bigint;
  readonly maxSupply: bigint;
  readonly machineBalance: bigint;
}

export interface ProjectDetails {
  readonly project: ProjectView;
  readonly pair: PairState;
  readonly token: TokenState;
}

export interface Position {
  readonly account: Address;
  readonly principal: bigint;
  readonly entries: ReadonlyArray<PositionEntry>;
}

/** Everything the domain model needs for previews, all read at one block. */
export interface Snapshot {
  readonly blockNumber: bigint;
  readonly timestamp: bigint;
  readonly chainId: number;
  readonly machine: Address;
  readonly protocol: ProtocolState;
  readonly lido: {
    readonly totalShares: bigint;
    readonly totalPooledEther: bigint;
    /** stETH shares held by the machine. */
    readonly machineShares: bigint;
    /** stETH shares held by the wstETH contract (= wstETH supply backing). */
    readonly wstEthShares: bigint;
  };
  readonly wstEth: { readonly totalSupply: bigint; readonly machineBalance: bigint };
  readonly projects: ReadonlyArray<ProjectDetails>;
}

/** The machine's views that take one project id. */
type PerProjectView = "isHarvestReady" | "nextHarvestTime" | "isDeployReady" | "nextDeployTime";

const pin = (options: ReadOptions) => (options.blockNumber === undefined ? {} : { blockNumber: options.blockNumber });

const make = Effect.gen(function* () {
  const chain = yield* ChainClient;
  const deployment = yield* Deployment;
  const machine = { address: deployment.machine, abi: technoCapitalMachineAbi } as const;
  const stETH = { address: deployment.stETH, abi: mockStETHAbi } as const;
  const wstETH = { address: deployment.wstETH, abi: mockWstETHAbi } as const;

  /** One of the machine's per-project views for each of `projectIds`, at the block of `options` (in one tick). */
  const projectViews = <F extends PerProjectView>(
    c: PublicClient,
    functionName: F,
    projectIds: ReadonlyArray<number>,
    options: ReadOptions,
  ) =>
    Promise.all(
      projectIds.map(
        (id) =>
          c.readContract({
            ...machine,
            functionName: functionName as PerProjectView,
            args: [id],
            ...pin(options),
          }) as Promise<ContractFunctionReturnType<typeof technoCapitalMachineAbi, "view", F>>,
      ),
    );

  /** The same view of one project, as a reader method. */
  const projectView = <F extends PerProjectView>(functionName: F) =>
    Effect.fn(`TcmReader.${functionName}`)(function* (projectId: number, options: ReadOptions = {}) {
      const [value] = yield* chain.read(functionName, (c) => projectViews(c, functionName, [projectId], options));
      return value as ContractFunctionReturnType<typeof technoCapitalMachineAbi, "view", F>;
    });

  // Each helper issues its calls in one tick, so ChainClient aggregates them (multicall and/or JSON-RPC batch).
  const protocolCalls = (c: PublicClient, at: ReadOptions) => {
    const r = pin(at);
    return Promise.all([
      c.readContract({ ...machine, functionName: "totalPrincipal", ...r }),
      c.readContract({ ...machine, functionName: "accYieldIndex", ...r }),
      c.readContract({ ...machine, functionName: "assignedYieldScaled", ...r }),
      c.readContract({ ...machine, functionName: "projectCount", ...r }),
      c.readContract({ ...machine, functionName: "currentEpoch", ...r }),
      c.readContract({ ...machine, functionName: "depositsPaused", ...r }),
      c.readContract({ ...machine, functionName: "harvestsPaused", ...r }),
      c.readContract({ ...machine, functionName: "guardian", ...r }),
      c.readContract({ ...machine, functionName: "deficitStatus", ...r }),
      c.readContract({ ...machine, functionName: "EPOCH", ...r }),
      c.readContract({ ...machine, functionName: "genesis", ...r }),
      c.readContract({ ...machine, functionName: "bountyBps", ...r }),
      c.readContract({ ...machine, functionName: "maxBounty", ...r }),
      c.readContract({ ...machine, functionName: "minHarvestValue", ...r }),
      c.readContract({ ...machine, functionName: "maxImpactBps", ...r }),
      c.readContract({ ...machine, functionName: "stepInterval", ...r }),
      c.readContract({ ...machine, functionName: "followWindow", ...r }),
      c.readContract({ ...machine, functionName: "stepBountyBps", ...r }),
      c.readContract({ ...machine, functionName: "maxStepBounty", ...r }),
      c.readContract({ ...machine, functionName: "MIN_DEPLOY", ...r }),
    ]).then(
      ([
        totalPrincipal,
        accYieldIndex,
        assignedYieldScaled,
        projectCount,
        currentEpoch,
        depositsPaused,
        harvestsPaused,
        guardian,
        [inDeficit, sharesHeld, sharesRequired, valueHeldForPrincipal],
        epoch,
        genesis,
        bountyBps,
        maxBounty,
        minHarvestValue,
        maxImpactBps,
        stepInterval,
        followWindow,
        stepBountyBps,
        maxStepBounty,
        minDeploy,
      ]): ProtocolState => ({
        totalPrincipal,
        accYieldIndex,
        assignedYieldScaled,
        projectCount,
        currentEpoch,
        depositsPaused,
        harvestsPaused,
        guardian,
        deficit: { inDeficit, sharesHeld, sharesRequired, valueHeldForPrincipal },
        config: {
          epoch,
          genesis,
          bountyBps,
          maxBounty,
          minHarvestValue,
          maxImpactBps,
          stepInterval,
          followWindow,
          stepBountyBps,
          maxStepBounty,
          minDeploy,
        },
      }),
    );
  };

  const projectViewCalls = (c: PublicClient, ids: ReadonlyArray<number>, at: ReadOptions) =>
    Promise.all(ids.map((id) => c.readContract({ ...machine, functionName: "getProject", args: [id], ...pin(at) })));

  const pairCalls = (c: PublicClient, project: ProjectView, at: ReadOptions): Promise<ProjectDetails> => {
    const r = pin(at);
    const pair = { address: project.pair, abi: uniswapV2PairAbi } as const;
    const token = { address: project.token, abi: projectTokenAbi } as const;
    return Promise.all([
      c.readContract({ ...pair, functionName: "getReserves", ...r }),
      c.readContract({ ...pair, functionName: "price0CumulativeLast", ...r }),
      c.readContract({ ...pair, functionName: "price1CumulativeLast", ...r }),
      c.readContract({ ...pair, functionName: "totalSupply", ...r }),
      c.readContract({ ...pair, functionName: "balanceOf", args: [deployment.machine], ...r }),
      c.readContract({ ...wstETH, functionName: "balanceOf", args: [project.pair], ...r }),
      c.readContract({ ...token, functionName: "balanceOf", args: [project.pair], ...r }),
      c.readContract({ ...token, functionName: "totalSupply", ...r }),
      c.readContract({ ...token, functionName: "balanceOf", args: [deployment.machine], ...r }),
    ]).then(
      ([
        [reserve0, reserve1, blockTimestampLast],
        price0CumulativeLast,
        price1CumulativeLast,
        lpTotalSupply,
        lpHeldByMachine,
        wstEthBalance,
        tokenBalance,
        tokenTotalSupply,
        machineTokenBalance,
      ]) => {
        const [token0, token1] = project.tokenIsToken0
          ? [project.token, deployment.wstETH]
          : [deployment.wstETH, project.token];
        return {
          project,
          pair: {
            address: project.pair,
            token0,
            token1,
            reserve0,
            reserve1,
            blockTimestampLast: BigInt(blockTimestampLast),
            price0CumulativeLast,
            price1CumulativeLast,
            totalSupply: lpTotalSupply,
            lpHeldByMachine,
            reserveWstEth: project.tokenIsToken0 ? reserve1 : reserve0,
            reserveTokens: project.tokenIsToken0 ? reserve0 : reserve1,
            wstEthBalance,
            tokenBalance,
          },
          token: {
            address: project.token,
            totalSupply: tokenTotalSupply,
            maxSupply: project.maxSupply,
            machineBalance: machineTokenBalance,
          },
        };
      },
    );
  };

  const range = (count: number) => Array.from({ length: count }, (_, i) => i + 1);
  const countAt = (at: ReadOptions) =>
    chain.read("projectCount", (c) => c.readContract({ ...machine, functionName: "projectCount", ...pin(at) }));

  return {
    protocolState: Effect.fn("TcmReader.protocolState")(function* (options: ReadOptions = {}) {
      return yield* chain.read("protocolState", (c) => protocolCalls(c, options));
    }),

    /** Every project (getProject for 1..projectCount), batched. */
    projects: Effect.fn("TcmReader.projects")(function* (options: ReadOptions = {}) {
      const count = yield* countAt(options);
      return yield* chain.read("projects", (c) => projectViewCalls(c, range(count), options));
    }),

    /** One project with its pair (reserves, cumulatives, LP supply and the machine's LP) and token supply. */
    project: Effect.fn("TcmReader.project")(function* (projectId: number, options: ReadOptions = {}) {
      const [view] = yield* chain.read("getProject", (c) => projectViewCalls(c, [projectId], options));
      // projectViewCalls returns one view per id; a missing project reverts with TCM_UnknownProject above.
      return yield* chain.read("projectPair", (c) => pairCalls(c, view as ProjectView, options));
    }),

    position: Effect.fn("TcmReader.position")(function* (account: Address, options: ReadOptions = {}) {
      const [principal, entries] = yield* chain.read("positionOf", (c) =>
        c.readContract({ ...machine, functionName: "positionOf", args: [account], ...pin(options) }),
      );
      return { account, principal, entries } satisfies Position;
    }),

    pendingRewards: Effect.fn("TcmReader.pendingRewards")(function* (
      account: Address,
      projectId: number,
      options: ReadOptions = {},
    ) {
      return yield* chain.read("pendingRewards", (c) =>
        c.readContract({ ...machine, functionName: "pendingRewards", args: [account, projectId], ...pin(options) }),
      );
    }),

    pendingYield: Effect.fn("TcmReader.pendingYield")(function* (projectId: number, options: ReadOptions = {}) {
      const [shares, stEth] = yield* chain.read("pendingYield", (c) =>
        c.readContract({ ...machine, functionName: "pendingYield", args: [projectId], ...pin(options) }),
      );
      return { shares, stEth } as const;
    }),

    isHarvestReady: projectView("isHarvestReady"),

    nextHarvestTime: projectView("nextHarvestTime"),

    /** Harvest readiness of many projects in one batch (keeper's poll). */
    harvestReadiness: Effect.fn("TcmReader.harvestReadiness")(function* (
      projectIds: ReadonlyArray<number>,
      options: ReadOptions = {},
    ) {
      const ready = yield* chain.read("isHarvestReady", (c) => projectViews(c, "isHarvestReady", projectIds, options));
      return projectIds.map((projectId, i) => ({ projectId, ready: ready[i] === true }));
    }),

    isDeployReady: projectView("isDeployReady"),

    /** When the project's next deploy step may run: lastStepTime + stepInterval (if it has pending wstETH). */
    nextDeployTime: projectView("nextDeployTime"),

    /** Deploy-step readiness of many projects in one batch, with each one's next step time (keeper's poll). */
    deployReadiness: Effect.fn("TcmReader.deployReadiness")(function* (
      projectIds: ReadonlyArray<number>,
      options: ReadOptions = {},
    ) {
      const [ready, next] = yield* chain.read("isDeployReady", (c) =>
        Promise.all([
          projectViews(c, "isDeployReady", projectIds, options),
          projectViews(c, "nextDeployTime", projectIds, options),
        ]),
      );
      return projectIds.map((projectId, i) => ({
        projectId,
        ready: ready[i] === true,
        nextDeployTime: next[i] as bigint,
      }));
    }),

    /**
     * Everything at one block (latest when not given): protocol state, Lido totals, the machine's shares and
     * wstETH, every project with its pair and token. Four round trips whatever the project count (block;
     * protocol + Lido; project views; pairs + tokens), each one aggregated eth_call.
     */
    snapshot: Effect.fn("TcmReader.snapshot")(function* (blockNumber?: bigint) {
      const block = yield* chain.read("getBlock", (c) =>
        blockNumber === undefined ? c.getBlock({ blockTag: "latest" }) : c.getBlock({ blockNumber }),
      );
      const at: ReadOptions = { blockNumber: block.number };
      const r = pin(at);
      const [protocol, lido, wstEth] = yield* chain.read("snapshot", (c) =>
        Promise.all([
          protocolCalls(c, at),
          Promise.all([
            c.readContract({ ...stETH, functionName: "getTotalShares", ...r }),
            c.readContract({ ...stETH, functionName: "getTotalPooledEther", ...r }),
            c.readContract({ ...stETH, functionName: "sharesOf", args: [deployment.machine], ...r }),
            c.readContract({ ...stETH, functionName: "sharesOf", args: [deployment.wstETH], ...r }),
          ]),
          Promise.all([
            c.readContract({ ...wstETH, functionName: "totalSupply", ...r }),
            c.readContract({ ...wstETH, functionName: "balanceOf", args: [deployment.machine], ...r }),
          ]),
        ]),
      );
      const projects = yield* chain.read("snapshotProjects", (c) =>
        projectViewCalls(c, range(protocol.projectCount), at).then((views) =>
          Promise.all(views.map((view) => pairCalls(c, view, at))),
        ),
      );
      return {
        blockNumber: block.number,
        timestamp: block.timestamp,
        chainId: deployment.chainId,
        machine: deployment.machine,
        protocol,
        lido: { totalShares: lido[0], totalPooledEther: lido[1], machineShares: lido[2], wstEthShares: lido[3] },
        wstEth: { totalSupply: wstEth[0], machineBalance: wstEth[1] },
        projects,
      } satisfies Snapshot;
    }),

    /** The chain id matches the deployment and the machine has code (call once at startup). */
    verifyDeployment: Effect.fn("TcmReader.verifyDeployment")(function* () {
      const [chainId, code] = yield* chain.read("verifyDeployment", (c) =>
        Promise.all([c.getChainId(), c.getCode({ address: deployment.machine })]),
      );
      return {
        chainIdMatches: chainId === deployment.chainId,
        machineHasCode: code !== undefined && code !== "0x",
        chainId,
      } as const;
    }),
  } as const;
});

/** Batched, block-pinnable reads of the machine, Lido and the pairs. Needs ChainClient and Deployment. */
export class TcmReader extends Effect.Service<TcmReader>()("@tcm/chain/TcmReader", { effect: make }) {}
