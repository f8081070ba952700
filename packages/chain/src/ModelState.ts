import type { ProjectState, State } from "@tcm/domain";
import { positionOf, previewAccYield, unpackIds } from "@tcm/domain";
import { Data, Effect } from "effect";
import { type Address, type Hex, encodeAbiParameters, hexToBigInt, keccak256, toHex } from "viem";
import { ChainClient } from "./ChainClient.js";
import { Deployment } from "./Deployment.js";
import { mockStETHAbi, technoCapitalMachineAbi } from "./generated/artifacts.js";
import { type Position, type Snapshot, TcmReader } from "./TcmReader.js";

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
 * `previewDeploy`, `isHarvestReady`, `isDeployReady`, `previewPendingYield` and `execute(…harvest / deploy…)` read. Not
 * in the snapshot: positions (`positions`/`entries`) and stETH shares of accounts, which `withAccounts` adds for the
 * accounts a preview names (read at the same block); balances of other accounts; metadata URIs.
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

// ------------------------------------------------------------------ accounts

/**
 * Where TechnoCapitalMachine keeps the position ledgers the model mirrors (`State.positions` / `State.entries`):
 * `_positions` (mapping(address => uint256)) at slot 4 and `_entries` (mapping(address => uint256[4])) at slot 5,
 * as `forge inspect TechnoCapitalMachine storageLayout` reports them (the chain tests compare the two). Previews read
 * these words as they are, so nothing outside the contract and the domain model packs them; and every read is
 * checked against `positionOf` (see `ModelMismatch`), so a layout change fails loudly instead of previewing nonsense.
 */
export const STORAGE_SLOTS = { positions: 4n, entries: 5n } as const;
/** `_entries[account]` is a uint256[4]: two entries a word, at most 8 entries a position. */
export const ENTRY_WORDS = 4;

const mappingSlot = (account: Address, slot: bigint): bigint =>
  hexToBigInt(keccak256(encodeAbiParameters([{ type: "address" }, { type: "uint256" }], [account, slot])));

/** The storage slots of one account's position word and its four entry words. */
export const accountSlots = (account: Address): { readonly position: Hex; readonly entries: ReadonlyArray<Hex> } => {
  const base = mappingSlot(account, STORAGE_SLOTS.entries);
  return {
    position: toHex(mappingSlot(account, STORAGE_SLOTS.positions), { size: 32 }),
    entries: Array.from({ length: ENTRY_WORDS }, (_, k) => toHex(base + BigInt(k), { size: 32 })),
  };
};

/** One account's part of the model, as the chain holds it at a block: its storage words and its stETH shares. */
export interface AccountStorage {
  /** Lowercase, as the model keys its ledgers. */
  readonly account: Address;
  /** `_positions[account]`: principal (96) | project ids (20 bits each); 0 without a position. */
  readonly position: bigint;
  /** `_entries[account][0..3]`: bps (16) | rewardDebt (96) per entry, two entries a word. */
  readonly entries: ReadonlyArray<bigint>;
  /** stETH `sharesOf(account)`. */
  readonly stEthShares: bigint;
}

/** The model with these accounts' storage put in (a new State; the one given is not changed). */
export const withAccounts = (state: State, accounts: ReadonlyArray<AccountStorage>): State => ({
  ...state,
  positions: { ...state.positions, ...Object.fromEntries(accounts.map((a) => [lower(a.account), a.position])) },
  entries: { ...state.entries, ...Object.fromEntries(accounts.map((a) => [lower(a.account), [...a.entries]])) },
  lido: {
    ...state.lido,
    shares: { ...state.lido.shares, ...Object.fromEntries(accounts.map((a) => [lower(a.account), a.stEthShares])) },
  },
});

/**
 * A preview's stand-in depositor: no position, and just enough stETH shares that `stEthAmount` can be taken from it
 * (shares rounded up, plus one).
 */
export const standInAccount = (state: State, account: Address, stEthAmount: bigint): AccountStorage => {
  const { totalShares, totalPooledEther } = state.lido;
  return {
    account: lower(account),
    position: 0n,
    entries: Array.from({ length: ENTRY_WORDS }, () => 0n),
    stEthShares: (stEthAmount * totalShares + totalPooledEther - 1n) / totalPooledEther + 1n,
  };
};

/**
 * The model read from an account's storage disagrees with the contract's own `positionOf` at the same block: the
 * storage layout moved (STORAGE_SLOTS is stale) or the model is wrong. Previews on such a state would be wrong, so
 * none is made.
 */
export class ModelMismatch extends Data.TaggedError("ModelMismatch")<{
  readonly account: Address;
  readonly blockNumber: bigint;
  /** The first field that differs, e.g. `principal`, `entries[1].pendingRewards`. */
  readonly field: string;
  readonly chain: string;
  readonly model: string;
  readonly message: string;
}> {}

/**
 * The first field where the model's positionOf (over `state`, with the account's storage in it) differs from the
 * chain's positionOf view at the same block, or undefined when they agree on everything: principal, and per entry
 * the project, bps, part and pending rewards.
 */
export const positionMismatch = (
  state: State,
  view: Position,
): { readonly field: string; readonly chain: string; readonly model: string } | undefined => {
  const account = lower(view.account);
  // Words from a wrong slot can name a project that does not exist: say so before the model reads it.
  const ids = unpackIds(state.positions[account] ?? 0n);
  const unknown = ids.findIndex((id) => state.projects[id] === undefined);
  if (unknown >= 0) {
    const chain = String(view.entries[unknown]?.projectId ?? "none");
    return { field: `entries[${unknown}].projectId`, chain, model: String(ids[unknown]) };
  }
  const model = positionOf(state, account);
  const pairs: Array<readonly [string, bigint | number, bigint | number]> = [
    ["principal", view.principal, model.principal],
    ["entries.length", view.entries.length, model.entries.length],
  ];
  view.entries.forEach((e, i) => {
    const m = model.entries[i];
    pairs.push(
      [`entries[${i}].projectId`, e.projectId, m?.projectId ?? -1],
      [`entries[${i}].bps`, e.bps, Number(m?.bps ?? -1n)],
      [`entries[${i}].principal`, e.principal, m?.principal ?? -1n],
      [`entries[${i}].pendingRewards`, e.pendingRewards, m?.pendingRewards ?? -1n],
    );
  });
  const differing = pairs.find(([, chain, modelValue]) => chain !== modelValue);
  return differing === undefined
    ? undefined
    : { field: differing[0], chain: String(differing[1]), model: String(differing[2]) };
};

const make = Effect.gen(function* () {
  const reader = yield* TcmReader;
  const chain = yield* ChainClient;
  const deployment = yield* Deployment;
  const extras: ModelExtras = { stEth: deployment.stETH, wstEth: deployment.wstETH };

  /** Each account's storage words, stETH shares and positionOf view at `blockNumber`, in one batch. */
  const readAccounts = (blockNumber: bigint, accounts: ReadonlyArray<Address>) =>
    chain.read("accountStorage", (c) =>
      Promise.all(
        accounts.map(lower).map(async (account) => {
          const slots = accountSlots(account);
          const word = (slot: Hex) =>
            c
              .getStorageAt({ address: deployment.machine, slot, blockNumber })
              .then((v) => (v === undefined ? 0n : hexToBigInt(v)));
          const stETH = { address: deployment.stETH, abi: mockStETHAbi } as const;
          const machine = { address: deployment.machine, abi: technoCapitalMachineAbi } as const;
          const [position, entries, stEthShares, [principal, viewEntries]] = await Promise.all([
            word(slots.position),
            Promise.all(slots.entries.map(word)),
            c.readContract({ ...stETH, functionName: "sharesOf", args: [account], blockNumber }),
            c.readContract({ ...machine, functionName: "positionOf", args: [account], blockNumber }),
          ]);
          const storage: AccountStorage = { account, position, entries, stEthShares };
          const view: Position = { account, principal, entries: viewEntries };
          return { storage, view };
        }),
      ),
    );

  /**
   * `state` (the model at `blockNumber`) with these accounts' storage read at that same block, each checked against
   * the contract's positionOf there.
   */
  const withAccountsAt = Effect.fn("ModelState.withAccounts")(function* (
    state: State,
    blockNumber: bigint,
    accounts: ReadonlyArray<Address>,
  ) {
    if (accounts.length === 0) return state;
    const read = yield* readAccounts(blockNumber, accounts);
    const next = withAccounts(
      state,
      read.map((r) => r.storage),
    );
    for (const { view } of read) {
      const mismatch = positionMismatch(next, view);
      if (mismatch !== undefined) {
        return yield* new ModelMismatch({
          account: view.account,
          blockNumber,
          ...mismatch,
          message:
            `the model of ${view.account}'s position at block ${blockNumber} disagrees with positionOf: ${mismatch.field} is ` +
            `${mismatch.chain} on chain, ${mismatch.model} in the model (storage layout changed, or a model bug)`,
        });
      }
    }
    return next;
  });

  return {
    /**
     * The domain `State` at `blockNumber` (latest when omitted), read in one pinned snapshot (4 round trips), with
     * the storage of `accounts` (position and entry words, stETH shares) read at the same block.
     */
    load: Effect.fn("ModelState.load")(function* (blockNumber?: bigint, accounts: ReadonlyArray<Address> = []) {
      const snapshot = yield* reader.snapshot(blockNumber);
      return {
        state: yield* withAccountsAt(modelStateFromSnapshot(snapshot, extras), snapshot.blockNumber, accounts),
        snapshot,
        blockNumber: snapshot.blockNumber,
        timestamp: snapshot.timestamp,
      } satisfies LoadedModel;
    }),
    /** The same, from a snapshot the caller already has (no accounts: add them with `withAccounts`). */
    fromSnapshot: Effect.fn("ModelState.fromSnapshot")(function* (snapshot: Snapshot) {
      return modelStateFromSnapshot(snapshot, extras);
    }),
    /**
     * A model already loaded at `blockNumber` with the storage of `accounts` read at that block and put in: what a
     * preview of a deposit, topUp, reallocate, withdraw or claim by those accounts needs. Fails with ModelMismatch
     * when the words read do not give the contract's own positionOf.
     */
    withAccounts: withAccountsAt,
    /** The storage of `accounts` at `blockNumber`, as `withAccounts` puts it in. */
    accounts: Effect.fn("ModelState.accounts")(function* (blockNumber: bigint, accounts: ReadonlyArray<Address>) {
      return (yield* readAccounts(blockNumber, accounts)).map((r) => r.storage);
    }),
  } as const;
});

/**
 * The one place that turns chain state into @tcm/domain's model `State`, accounts included, so keeper, API and CLI
 * previews agree with the contract to the wei. `Default` includes TcmReader; needs ChainClient and Deployment.
 */
export class ModelState extends Effect.Service<ModelState>()("@tcm/chain/ModelState", {
  effect: make,
  dependencies: [TcmReader.Default],
}) {}
