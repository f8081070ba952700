import type { ProjectState, State } from "@tcm/domain";
import { previewAccYield } from "@tcm/domain";
import { Effect } from "effect";
import type { Address } from "viem";
import { Deployment } from "./Deployment.js";
import { type Snapshot, TcmReader } from "./TcmReader.js";

const UINT128 = (1n << 128n) - 1n;

/** The domain model keys ledgers by lowercase address (its `address()` constructor lowercases). */
const lower = (a: Address): Address => a.toLowerCase() as Address;

/** What the snapshot does not carry: the Lido token addresses (the machine's immutables are in its config). */
export interface ModelExtras {
  readonly stEth: Address;
  readonly wstEth: Address;
}

/** A loaded model: the domain `State` at one block, and the snapshot it was built from. */
export interface LoadedModel {
  readonly state: State;
  readonly snapshot: Snapshot;
  readonly blockNumber: bigint;
  /** The block's timestamp (`state.now`); previews for the next block pass their own `now`. */
  readonly timestamp: bigint;
}

/**
 * Builds the domain model's `State` from a snapshot pinned at one block: everything `previewHarvest`,
 * `previewDeploy`, `isHarvestReady`, `isDeployReady`, `previewPendingYield` and `execute(…harvest / deploy…)` read. Not loaded (not in any snapshot, not
 * needed by previews): positions (`positions`/`entries`), balances of other accounts, metadata URIs.
 *
 * The one derived field is a project's `yieldDebt` (storage, not exposed): getProject returns
 * `pendingYieldScaled = uint128(allocatedPrincipal * acc − yieldDebt)` at the index a checkpoint would leave now, so
 * `yieldDebt = uint128(allocatedPrincipal * acc − pendingYieldScaled)` with the same `acc` reproduces it exactly
 * (mod 2^128, like the contract's unchecked arithmetic).
 */
export const modelStateFromSnapshot = (snapshot: Snapshot, extras: ModelExtras): State => {
  const machine = lower(snapshot.machine);
  const { protocol, lido } = snapshot;
  const base: State = {
    now: snapshot.timestamp,
    config: {
      machine,
      stEth: lower(extras.stEth),
      wstEth: lower(extras.wstEth),
      genesis: protocol.config.genesis,
      bountyBps: protocol.config.bountyBps,
      maxBounty: protocol.config.maxBounty,
      maxImpactBps: protocol.config.maxImpactBps,
      minHarvestValue: protocol.config.minHarvestValue,
      stepInterval: protocol.config.stepInterval,
      followWindow: protocol.config.followWindow,
      stepBountyBps: protocol.config.stepBountyBps,
      maxStepBounty: protocol.config.maxStepBounty,
    },
    guardian: lower(protocol.guardian),
    totalPrincipal: protocol.totalPrincipal,
    assignedScaled: protocol.assignedYieldScaled,
    accYield: protocol.accYieldIndex,
    depositsPaused: protocol.depositsPaused,
    harvestsPaused: protocol.harvestsPaused,
    projectCount: protocol.projectCount,
    projects: {},
    positions: {},
    entries: {},
    lido: {
      totalShares: lido.totalShares,
      totalPooledEther: lido.totalPooledEther,
      shares: { [machine]: lido.machineShares },
    },
    wstEth: { totalSupply: snapshot.wstEth.totalSupply, balances: { [machine]: snapshot.wstEth.machineBalance } },
    tokens: {},
    pairs: {},
  };
  // The index a checkpoint would produce now: the same one getProject used for pendingYieldScaled.
  const acc = previewAccYield(base);
  for (const { project: v, pair, token } of snapshot.projects) {
    const tokenAddress = lower(v.token);
    const pairAddress = lower(v.pair);
    const project: ProjectState = {
      allocatedPrincipal: v.allocatedPrincipal,
      yieldDebt: (v.allocatedPrincipal * acc - v.pendingYieldScaled) & UINT128,
      lastAccrual: v.lastAccrual,
      rewardAcc: v.rewardAcc,
      contributorOwed: v.contributorOwed,
      dailyEmission: v.dailyEmission,
      decayBps: v.decayBps,
      contributorBps: v.contributorBps,
      startTime: v.startTime,
      emissionCap: v.emissionCap,
      token: tokenAddress,
      lastHarvestEpoch: v.lastHarvestEpoch,
      lastStepTime: v.lastStepTime,
      tokenIsToken0: v.tokenIsToken0,
      seeded: v.seeded,
      pair: pairAddress,
      observationTime: v.observationTime,
      observationCumulative: v.observationCumulative,
      pendingWstEth: v.pendingWstEth,
      carryTokens: v.carryTokens,
      launchPrice: v.launchPrice,
      seedReserve: v.seedReserve,
      referencePrice: v.referencePrice,
      totalYieldShares: v.totalYieldShares,
      owner: lower(v.owner),
      contributorRecipient: lower(v.contributorRecipient),
      totalLiquidity: v.totalLiquidity,
      metadataURI: "",
    };
    base.projects[v.id] = project;
    base.tokens[tokenAddress] = {
      totalSupply: token.totalSupply,
      maxSupply: token.maxSupply,
      pair: pairAddress,
      // ProjectToken opens its pool when the machine's first deploy step seeds it, and only then.
      poolOpen: v.seeded,
      balances: { [machine]: token.machineBalance, [pairAddress]: pair.tokenBalance },
    };
    base.wstEth.balances[pairAddress] = pair.wstEthBalance;
    base.pairs[pairAddress] = {
      token0: lower(pair.token0),
      token1: lower(pair.token1),
      reserve0: pair.reserve0,
      reserve1: pair.reserve1,
      blockTimestampLast: pair.blockTimestampLast,
      price0CumulativeLast: pair.price0CumulativeLast,
      price1CumulativeLast: pair.price1CumulativeLast,
      totalSupply: pair.totalSupply,
      lpBalances: { [machine]: pair.lpHeldByMachine },
    };
  }
  return base;
};

const make = Effect.gen(function* () {
  const reader = yield* TcmReader;
  const deployment = yield* Deployment;
  const extras: ModelExtras = { stEth: deployment.stETH, wstEth: deployment.wstETH };

  return {
    /** The domain `State` at `blockNumber` (latest when omitted), read in one pinned snapshot (4 round trips). */
    load: Effect.fn("ModelState.load")(function* (blockNumber?: bigint) {
      const snapshot = yield* reader.snapshot(blockNumber);
      return {
        state: modelStateFromSnapshot(snapshot, extras),
        snapshot,
        blockNumber: snapshot.blockNumber,
        timestamp: snapshot.timestamp,
      } satisfies LoadedModel;
    }),
    /** The same, from a snapshot the caller already has. */
    fromSnapshot: Effect.fn("ModelState.fromSnapshot")(function* (snapshot: Snapshot) {
      return modelStateFromSnapshot(snapshot, extras);
    }),
  } as const;
});

/**
 * The one place that turns chain state into @tcm/domain's model `State`, so keeper, API and CLI previews agree
 * with the contract to the wei. `Default` includes TcmReader; needs ChainClient and Deployment.
 */
export class ModelState extends Effect.Service<ModelState>()("@tcm/chain/ModelState", {
  effect: make,
  dependencies: [TcmReader.Default],
}) {}
