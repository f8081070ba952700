/**
 * A state-transition model of TechnoCapitalMachine and everything it touches (Lido stETH/wstETH mocks, the
 * project tokens, the Uniswap V2 pairs), over a state that mirrors the contract storage word for word.
 *
 * `execute(state, action)` returns the next state (never mutating its argument) or the revert, with the
 * contract's custom error name and values. A revert leaves nothing half-written, like a reverted transaction.
 * Simplifications: allowances are not modelled (every approval is assumed), ether is not modelled (`submit` mints
 * stETH for ether from nowhere), one action is one transaction at `state.now`.
 */
import { MAX_PROJECTS_PER_POSITION, split } from "./allocation.js";
import { emittedUpTo } from "./emission.js";
import { EPOCH_SECONDS, nextHarvestTime } from "./epoch.js";
import { pendingYieldOf } from "./figures.js";
import type { DomainError, InvalidInput, LidoError, TcmError, TokenError } from "./errors.js";
import { invalidInput } from "./errors.js";
import {
  type DeployReport,
  type HarvestPlan,
  type HarvestProject,
  type HarvestReport,
  type HarvestStatus,
  type StepPlan,
  MAX_IMPACT_BPS_LIMIT,
  MIN_DEPLOY,
  nextDeployTime,
  planHarvest,
  planStep,
  stepDue,
} from "./harvest.js";
import { type ShareRate, pooledEthByShares, sharesByPooledEth } from "./lido.js";
import { BPS, UINT256_MAX, UINT96_MAX, checked, mulDivDown, sub, wrap } from "./math.js";
import { DomainFailure, type Result, err, ok } from "./result.js";
import { type RewardBook, accrue, owedOf, previewRewardAcc, rewardDebtFor } from "./rewards.js";
import { type Address, type Bps, type Shares, type Wei, ZERO_ADDRESS, asBps, asShares, asWei } from "./units.js";
import { type PairState, emptyPair, getAmountOut, pairSwap, pairSwapPrecheck, pairSync } from "./uniswap.js";
import {
  type LidoView,
  assignedSharesUp,
  availableForPrincipal,
  checkpoint,
  moveYieldDebt,
  pendingYieldScaled,
  valueHeldForPrincipal,
  YIELD_SHIFT,
} from "./yield.js";

// ------------------------------------------------------------------ constants (TechnoCapitalMachine)

export const MIN_DEPOSIT = 10n ** 9n;
export const MIN_LAUNCH_PRICE = 10n ** 6n;
export const MAX_LAUNCH_PRICE = 10n ** 24n; // F11: above it a day's yield opens a pool no step can trade in
export const MAX_DECAY_BPS = 5_000n;
export const MAX_CONTRIBUTOR_BPS = 2_000n;
export const MAX_SUPPLY_LIMIT = (1n << 95n) - 1n;
/** The constructor refuses a larger maxBounty (TCM_InvalidConfig(6)). */
export const MAX_BOUNTY_LIMIT = 1_000n * 10n ** 18n;
export const MIN_MAX_SUPPLY = 10n ** 18n;
/** LaunchLogic.MIN_SEED_RESERVE: the seed reserve is at least 0.001 token and at most half of maxSupply. */
export const MIN_SEED_RESERVE = 10n ** 15n;
/** LaunchLogic's limits on the token's texts, in UTF-8 bytes (every reader gets them back through eth_call). */
export const MAX_NAME_BYTES = 64n;
export const MAX_SYMBOL_BYTES = 32n;
export const MAX_METADATA_URI_BYTES = 512n;

/** A string's length as Solidity's bytes(s).length: its UTF-8 bytes. */
export const utf8Length = (text: string): bigint => BigInt(new TextEncoder().encode(text).length);

/** LaunchLogic.validateMetadataURI (launch and setMetadataURI). */
export const metadataURIError = (metadataURI: string): TcmError | undefined => {
  const length = utf8Length(metadataURI);
  return length > MAX_METADATA_URI_BYTES
    ? { _tag: "TCM_MetadataURITooLong", length, max: MAX_METADATA_URI_BYTES }
    : undefined;
};
/** The constructor's bounds on the step parameters (TCM_InvalidConfig(10..13)). */
export const MIN_STEP_INTERVAL = 60n;
export const MAX_STEP_INTERVAL = EPOCH_SECONDS;
export const MIN_FOLLOW_WINDOW = EPOCH_SECONDS;
export const MAX_FOLLOW_WINDOW = 30n * EPOCH_SECONDS;
export const MAX_STEP_BOUNTY_BPS = 100n;
export const MAX_STEP_BOUNTY_LIMIT = 10n * 10n ** 18n;
const DEAD: Address = "0x000000000000000000000000000000000000dead";

// ------------------------------------------------------------------ rules (the contract's input checks, as data)

/** _validateLaunch's bounds (the machine's public constants; MIN_MAX_SUPPLY and MIN_SEED_RESERVE are internal). */
export interface LaunchBounds {
  readonly minLaunchPrice: bigint;
  readonly maxLaunchPrice: bigint;
  readonly minMaxSupply: bigint;
  readonly maxSupplyLimit: bigint;
  readonly maxDecayBps: bigint;
  readonly maxContributorBps: bigint;
  /** The seed reserve's minimum; its maximum is maxSupply / 2. */
  readonly minSeedReserve: bigint;
}

export const DEFAULT_LAUNCH_BOUNDS: LaunchBounds = {
  minLaunchPrice: MIN_LAUNCH_PRICE,
  maxLaunchPrice: MAX_LAUNCH_PRICE,
  minMaxSupply: MIN_MAX_SUPPLY,
  maxSupplyLimit: MAX_SUPPLY_LIMIT,
  maxDecayBps: MAX_DECAY_BPS,
  maxContributorBps: MAX_CONTRIBUTOR_BPS,
  minSeedReserve: MIN_SEED_RESERVE,
};

/**
 * LaunchLogic.validate (_validateLaunch): the first launch parameter the contract refuses, as its custom error, in
 * the contract's order (name, symbol, metadata URI — each at most its MAX_…_BYTES of UTF-8 —, launch price, max supply, seed reserve, daily emission, decay, contributor
 * share, contributor recipient); undefined when the launch passes. The seed reserve may be at most maxSupply / 2 and
 * the daily emission at most maxSupply − seedReserve (the emission cap).
 */
export const launchParamsError = (
  params: Omit<LaunchParams, "metadataURI"> & { readonly metadataURI?: string },
  bounds: LaunchBounds = DEFAULT_LAUNCH_BOUNDS,
): TcmError | undefined => {
  const nameLength = utf8Length(params.name);
  if (nameLength === 0n) return { _tag: "TCM_EmptyName" };
  if (nameLength > MAX_NAME_BYTES) return { _tag: "TCM_NameTooLong", length: nameLength, max: MAX_NAME_BYTES };
  const symbolLength = utf8Length(params.symbol);
  if (symbolLength === 0n) return { _tag: "TCM_EmptySymbol" };
  if (symbolLength > MAX_SYMBOL_BYTES)
    return { _tag: "TCM_SymbolTooLong", length: symbolLength, max: MAX_SYMBOL_BYTES };
  const uriFailure = metadataURIError(params.metadataURI ?? "");
  if (uriFailure !== undefined) return uriFailure;
  if (params.launchPrice < bounds.minLaunchPrice || params.launchPrice > bounds.maxLaunchPrice) {
    return {
      _tag: "TCM_LaunchPriceOutOfBounds",
      value: params.launchPrice,
      min: bounds.minLaunchPrice,
      max: bounds.maxLaunchPrice,
    };
  }
  if (params.maxSupply < bounds.minMaxSupply || params.maxSupply > bounds.maxSupplyLimit) {
    return {
      _tag: "TCM_MaxSupplyOutOfBounds",
      value: params.maxSupply,
      min: bounds.minMaxSupply,
      max: bounds.maxSupplyLimit,
    };
  }
  const maxSeed = params.maxSupply / 2n;
  if (params.seedReserve < bounds.minSeedReserve || params.seedReserve > maxSeed) {
    return { _tag: "TCM_SeedReserveOutOfBounds", value: params.seedReserve, min: bounds.minSeedReserve, max: maxSeed };
  }
  const emissionCap = params.maxSupply - params.seedReserve;
  if (params.dailyEmission === 0n || params.dailyEmission > emissionCap) {
    return { _tag: "TCM_DailyEmissionOutOfBounds", value: params.dailyEmission, min: 1n, max: emissionCap };
  }
  if (params.decayBps > bounds.maxDecayBps)
    return { _tag: "TCM_DecayOutOfBounds", value: params.decayBps, max: bounds.maxDecayBps };
  if (params.contributorBps > bounds.maxContributorBps) {
    return { _tag: "TCM_ContributorShareOutOfBounds", value: params.contributorBps, max: bounds.maxContributorBps };
  }
  if (params.contributorBps !== 0n && params.contributorRecipient === ZERO_ADDRESS)
    return { _tag: "TCM_ContributorRecipientZero" };
  return undefined;
};

/**
 * _parseAllocation: the first entry the contract refuses, in its order (1..8 entries; per entry: ids strictly
 * ascending from 1, known, bps > 0; then the bps sum to exactly 10,000); undefined when the allocation passes. An id
 * that is not a uint32 or bps that are not a uint16 (the ABI's types) is an InvalidInput naming the entry.
 */
export const allocationError = (
  allocation: ReadonlyArray<AllocationInput>,
  projectCount: number,
): TcmError | InvalidInput | undefined => {
  const length = allocation.length;
  if (length === 0) return { _tag: "TCM_AllocationEmpty" };
  if (length > MAX_PROJECTS_PER_POSITION) {
    return { _tag: "TCM_AllocationTooLong", length: BigInt(length), max: BigInt(MAX_PROJECTS_PER_POSITION) };
  }
  let sum = 0n;
  let previous = 0;
  for (const [i, { projectId, bps: weight }] of allocation.entries()) {
    if (!Number.isInteger(projectId) || projectId < 0 || projectId > 0xffffffff) {
      return invalidInput(`allocation[${i}].projectId`, "not a uint32", projectId);
    }
    if (weight < 0n || weight > 0xffffn) return invalidInput(`allocation[${i}].bps`, "not a uint16", weight);
    if (projectId <= previous) return { _tag: "TCM_AllocationNotSorted", index: BigInt(i), projectId };
    if (projectId > projectCount) return { _tag: "TCM_UnknownProject", projectId };
    if (weight === 0n) return { _tag: "TCM_AllocationZeroBps", projectId };
    sum += weight;
    previous = projectId;
  }
  return sum === BPS ? undefined : { _tag: "TCM_AllocationSumNot10000", sum };
};

// ------------------------------------------------------------------ state

export interface MachineConfig {
  readonly machine: Address;
  readonly stEth: Address;
  readonly wstEth: Address;
  readonly genesis: bigint;
  readonly bountyBps: bigint;
  readonly maxBounty: bigint;
  readonly maxImpactBps: bigint;
  readonly minHarvestValue: bigint;
  readonly stepInterval: bigint;
  readonly followWindow: bigint;
  readonly stepBountyBps: bigint;
  readonly maxStepBounty: bigint;
}

/** TechnoCapitalMachine.Project, plus the metadata URI kept beside it. */
export interface ProjectState extends RewardBook, HarvestProject {
  allocatedPrincipal: bigint;
  yieldDebt: bigint;
  lastAccrual: bigint;
  rewardAcc: bigint;
  contributorOwed: bigint;
  dailyEmission: bigint;
  decayBps: bigint;
  contributorBps: bigint;
  startTime: bigint;
  emissionCap: bigint;
  token: Address;
  lastHarvestEpoch: bigint;
  lastStepTime: bigint;
  tokenIsToken0: boolean;
  seeded: boolean;
  pair: Address;
  observationCumulative: bigint;
  pendingWstEth: bigint;
  carryTokens: bigint;
  totalYieldShares: bigint;
  totalLiquidity: bigint;
  owner: Address;
  contributorRecipient: Address;
  launchPrice: bigint;
  seedReserve: bigint;
  /** UQ112x112: the price the machine trusts, set by its own trading steps (0 until the pool opens). */
  referencePrice: bigint;
  observationTime: bigint;
  metadataURI: string;
}

/** An ERC-20 ledger (wstETH or a project token). */
export interface TokenLedger {
  totalSupply: bigint;
  balances: Record<Address, bigint>;
}

export interface ProjectTokenLedger extends TokenLedger {
  maxSupply: bigint;
  pair: Address;
  poolOpen: boolean;
}

export interface LidoState {
  totalShares: bigint;
  totalPooledEther: bigint;
  shares: Record<Address, bigint>;
}

export interface State {
  /** block.timestamp of the next transaction. */
  now: bigint;
  config: MachineConfig;
  guardian: Address;
  totalPrincipal: bigint;
  assignedScaled: bigint;
  accYield: bigint;
  depositsPaused: boolean;
  harvestsPaused: boolean;
  projectCount: number;
  projects: Record<number, ProjectState>;
  /** _positions: principal (96) | up to 8 project ids, 20 bits each from bit 96, ascending; a zero id ends the list. */
  positions: Record<Address, bigint>;
  /**
   * _entries: 4 words a position, two entries a word (entry i in word i / 2, the low 112 bits for even i, the next
   * 112 for odd i), each bps (16) | rewardDebt (96, mod 2^96) << 16. Parts are not stored: split(principal, bps).
   */
  entries: Record<Address, bigint[]>;
  lido: LidoState;
  wstEth: TokenLedger;
  tokens: Record<Address, ProjectTokenLedger>;
  pairs: Record<Address, PairState>;
}

/** A fresh deployment: MockStETH bootstrapped with `initialPooledEther` shares at 0xdead, genesis = now. */
export const initialState = (params: {
  readonly now: bigint;
  readonly machine: Address;
  readonly stEth: Address;
  readonly wstEth: Address;
  readonly guardian: Address;
  readonly bountyBps: bigint;
  readonly maxBounty: bigint;
  readonly maxImpactBps: bigint;
  readonly minHarvestValue: bigint;
  readonly stepInterval: bigint;
  readonly followWindow: bigint;
  readonly stepBountyBps: bigint;
  readonly maxStepBounty: bigint;
  readonly initialPooledEther?: bigint;
}): Result<State, DomainError> => {
  // The constructor's checks, in its order (the parameter numbers are TCM_InvalidConfig's).
  const tcm = (parameter: bigint) => err<TcmError>({ _tag: "TCM_InvalidConfig", parameter });
  if (params.stEth === ZERO_ADDRESS) return tcm(0n);
  if (params.wstEth === ZERO_ADDRESS) return tcm(1n);
  if (params.bountyBps > 1_000n) return tcm(5n);
  if (params.maxBounty > MAX_BOUNTY_LIMIT) return tcm(6n);
  if (params.maxImpactBps === 0n || params.maxImpactBps > MAX_IMPACT_BPS_LIMIT) return tcm(9n);
  if (params.minHarvestValue < 10n ** 9n) return tcm(8n);
  if (params.stepInterval < MIN_STEP_INTERVAL || params.stepInterval > MAX_STEP_INTERVAL) return tcm(10n);
  if (params.followWindow < MIN_FOLLOW_WINDOW || params.followWindow > MAX_FOLLOW_WINDOW) return tcm(11n);
  if (params.stepBountyBps > MAX_STEP_BOUNTY_BPS) return tcm(12n);
  if (params.maxStepBounty > MAX_STEP_BOUNTY_LIMIT) return tcm(13n);
  const initial = params.initialPooledEther ?? 10n ** 18n;
  return ok({
    now: params.now,
    config: {
      machine: params.machine,
      stEth: params.stEth,
      wstEth: params.wstEth,
      genesis: params.now,
      bountyBps: params.bountyBps,
      maxBounty: params.maxBounty,
      maxImpactBps: params.maxImpactBps,
      minHarvestValue: params.minHarvestValue,
      stepInterval: params.stepInterval,
      followWindow: params.followWindow,
      stepBountyBps: params.stepBountyBps,
      maxStepBounty: params.maxStepBounty,
    },
    guardian: params.guardian,
    totalPrincipal: 0n,
    assignedScaled: 0n,
    accYield: 0n,
    depositsPaused: false,
    harvestsPaused: false,
    projectCount: 0,
    projects: {},
    positions: {},
    entries: {},
    lido: { totalShares: initial, totalPooledEther: initial, shares: { [DEAD]: initial } },
    wstEth: { totalSupply: 0n, balances: {} },
    tokens: {},
    pairs: {},
  });
};

// ------------------------------------------------------------------ packed storage words

/** The largest project id a position word can hold (ids are 20 bits wide there). */
export const MAX_PROJECT_ID = (1 << 20) - 1;
const ID_MASK = BigInt(MAX_PROJECT_ID);
const ENTRY_MASK = (1n << 112n) - 1n;

/** One entry of an `_entries` word: bps (16) | rewardDebt (96) << 16. */
export const unpackEntry = (half: bigint): { readonly bps: bigint; readonly rewardDebt: bigint } => ({
  bps: half & 0xffffn,
  rewardDebt: (half >> 16n) & UINT96_MAX,
});

export const packEntry = (bps: bigint, rewardDebt: bigint): bigint =>
  (bps & 0xffffn) | ((rewardDebt & UINT96_MAX) << 16n);

/** The project ids of a `_positions` word. */
export const unpackIds = (word: bigint): number[] => {
  const ids: number[] = [];
  for (let i = 0n; i < BigInt(MAX_PROJECTS_PER_POSITION); i++) {
    const id = Number((word >> (96n + 20n * i)) & ID_MASK);
    if (id === 0) break;
    ids.push(id);
  }
  return ids;
};

/** A `_positions` word: principal | ids (0 for no position). */
export const packPosition = (principal: bigint, ids: ReadonlyArray<number>): bigint =>
  ids.length === 0
    ? 0n
    : ids.reduce((word, id, i) => word | (BigInt(id) << (96n + 20n * BigInt(i))), principal & UINT96_MAX);

// ------------------------------------------------------------------ actions

export interface AllocationInput {
  readonly projectId: number;
  readonly bps: bigint;
}

export interface LaunchParams {
  readonly name: string;
  readonly symbol: string;
  readonly metadataURI: string;
  readonly launchPrice: bigint;
  readonly dailyEmission: bigint;
  readonly decayBps: bigint;
  readonly maxSupply: bigint;
  /** Tokens set aside inside maxSupply, never emitted, to open the pool at the launch price. */
  readonly seedReserve: bigint;
  readonly contributorBps: bigint;
  readonly contributorRecipient: Address;
}

export type Action =
  | { readonly type: "submit"; readonly account: Address; readonly amount: bigint }
  | { readonly type: "transferStEth"; readonly from: Address; readonly to: Address; readonly amount: bigint }
  | { readonly type: "wrap"; readonly account: Address; readonly amount: bigint }
  | { readonly type: "unwrap"; readonly account: Address; readonly amount: bigint }
  | {
      readonly type: "deposit";
      readonly account: Address;
      readonly amount: bigint;
      readonly allocation: ReadonlyArray<AllocationInput>;
    }
  | { readonly type: "topUp"; readonly account: Address; readonly amount: bigint }
  | { readonly type: "reallocate"; readonly account: Address; readonly allocation: ReadonlyArray<AllocationInput> }
  | { readonly type: "withdraw"; readonly account: Address; readonly amount: bigint; readonly receiver: Address }
  | {
      readonly type: "claim";
      readonly account: Address;
      readonly projectIds: ReadonlyArray<number>;
      readonly receiver: Address;
    }
  | { readonly type: "claimContributor"; readonly caller: Address; readonly projectId: number }
  | {
      readonly type: "lowerContributorShare";
      readonly caller: Address;
      readonly projectId: number;
      readonly newBps: bigint;
    }
  | {
      readonly type: "setMetadataURI";
      readonly caller: Address;
      readonly projectId: number;
      readonly metadataURI: string;
    }
  | {
      readonly type: "setContributorRecipient";
      readonly caller: Address;
      readonly projectId: number;
      readonly recipient: Address;
    }
  | {
      readonly type: "transferProjectOwnership";
      readonly caller: Address;
      readonly projectId: number;
      readonly newOwner: Address;
    }
  | { readonly type: "harvest"; readonly caller: Address; readonly projectId: number }
  | { readonly type: "harvestMany"; readonly caller: Address; readonly projectIds: ReadonlyArray<number> }
  | { readonly type: "deploy"; readonly caller: Address; readonly projectId: number }
  | { readonly type: "deployMany"; readonly caller: Address; readonly projectIds: ReadonlyArray<number> }
  | {
      readonly type: "launch";
      readonly caller: Address;
      readonly params: LaunchParams;
      readonly token: Address;
      readonly pair: Address;
    }
  | {
      readonly type: "setPaused";
      readonly caller: Address;
      readonly depositsPaused: boolean;
      readonly harvestsPaused: boolean;
    }
  /** An oracle report: totalPooledEther moves by `delta` (negative = slashing). */
  | { readonly type: "rebase"; readonly delta: bigint }
  /** A gift: stETH to the machine, or wstETH / project tokens to a project's pair (without sync). */
  | {
      readonly type: "donate";
      readonly from: Address;
      readonly asset: "stETH" | "wstETH" | "token";
      readonly amount: bigint;
      /** The project whose pair receives wstETH or tokens (ignored for stETH, which goes to the machine). */
      readonly projectId?: number;
    }
  /**
   * A trader swapping directly against a project's pair: sends `amountIn` then calls swap for `amountOut`
   * (default: getAmountOut on the reserves, as a router would).
   */
  | {
      readonly type: "swap";
      readonly trader: Address;
      readonly projectId: number;
      readonly side: "buyTokens" | "sellTokens";
      readonly amountIn: bigint;
      readonly amountOut?: bigint;
    }
  | { readonly type: "sync"; readonly projectId: number }
  | { readonly type: "advanceTime"; readonly seconds: bigint };

/** What a transaction returned, beside the new state. */
export type ActionOutput =
  | { readonly type: "none" }
  | { readonly type: "deposit"; readonly principal: bigint; readonly sharesAdded: bigint }
  | { readonly type: "withdraw"; readonly sharesPaid: bigint; readonly stEthPaid: bigint; readonly deficit: boolean }
  | { readonly type: "claim"; readonly amounts: ReadonlyArray<bigint> }
  | { readonly type: "amount"; readonly amount: bigint }
  /** The collection's report (what harvest returns) and the deploy step it ran, if one was due (its Deployed event). */
  | { readonly type: "harvest"; readonly report: HarvestReport; readonly deploy: DeployReport | undefined }
  /** Per id of the call: the status ("Skipped" for unknown ids), the collection's report when Done, the step it ran. */
  | {
      readonly type: "harvestMany";
      readonly harvested: number;
      readonly statuses: ReadonlyArray<HarvestStatus | "Skipped">;
      readonly reports: ReadonlyArray<HarvestReport | undefined>;
      readonly deploys: ReadonlyArray<DeployReport | undefined>;
    }
  | { readonly type: "deploy"; readonly report: DeployReport }
  /** Per id of the call: the step's report, or undefined when skipped (unknown id, step not due). */
  | { readonly type: "deployMany"; readonly stepped: number; readonly reports: ReadonlyArray<DeployReport | undefined> }
  | { readonly type: "launch"; readonly projectId: number; readonly token: Address; readonly pair: Address }
  | { readonly type: "swap"; readonly amountOut: bigint };

export interface Transition {
  readonly state: State;
  readonly output: ActionOutput;
}

// ------------------------------------------------------------------ revert machinery

const revert = (error: TcmError | TokenError | LidoError): never => {
  throw new DomainFailure(error);
};

/** A stETH / wstETH revert with Lido's reason string. */
const lidoRevert = (reason: LidoError["reason"]): never => revert({ _tag: "LidoError", reason });

const run = <A>(body: () => A): Result<A, DomainError> => {
  try {
    return ok(body());
  } catch (failure) {
    if (failure instanceof DomainFailure) return err(failure.error as DomainError);
    throw failure;
  }
};

// ------------------------------------------------------------------ ledgers

const rateOf = (s: State): ShareRate => ({
  totalShares: s.lido.totalShares,
  totalPooledEther: s.lido.totalPooledEther,
});

const sharesOf = (s: State, account: Address): bigint => s.lido.shares[account] ?? 0n;

/** Lido's `a.mul(b).div(d)` (Aragon SafeMath): MATH_MUL_OVERFLOW past 2^256 - 1, then MATH_DIV_ZERO. */
const lidoMulDiv = (a: bigint, b: bigint, d: bigint): bigint => {
  if (a * b > UINT256_MAX) lidoRevert("MATH_MUL_OVERFLOW");
  if (d === 0n) lidoRevert("MATH_DIV_ZERO");
  return mulDivDown(a, b, d);
};

/** Lido's SafeMath add: MATH_ADD_OVERFLOW past 2^256 - 1. */
const lidoAdd = (a: bigint, b: bigint): bigint => (a + b > UINT256_MAX ? lidoRevert("MATH_ADD_OVERFLOW") : a + b);

/** stETH.getSharesByPooledEth with its reverts. */
const sharesByPooledEthChecked = (s: State, amount: bigint): bigint =>
  lidoMulDiv(amount, s.lido.totalShares, s.lido.totalPooledEther);

/** stETH.getPooledEthByShares with its reverts. */
const pooledEthBySharesChecked = (s: State, shares: bigint): bigint =>
  lidoMulDiv(shares, s.lido.totalPooledEther, s.lido.totalShares);

/** MockStETH._transferShares: its checks in Lido's order. */
const moveShares = (s: State, from: Address, to: Address, amount: bigint): void => {
  if (from === ZERO_ADDRESS) lidoRevert("TRANSFER_FROM_ZERO_ADDR");
  if (to === ZERO_ADDRESS) lidoRevert("TRANSFER_TO_ZERO_ADDR");
  if (to === s.config.stEth) lidoRevert("TRANSFER_TO_STETH_CONTRACT");
  const balance = sharesOf(s, from);
  if (amount > balance) lidoRevert("BALANCE_EXCEEDED");
  s.lido.shares[from] = balance - amount;
  s.lido.shares[to] = sharesOf(s, to) + amount;
};

/** MockStETH.transfer(amount): moves floor(amount * totalShares / totalPooledEther) shares. */
const transferStEth = (s: State, from: Address, to: Address, amount: bigint): bigint => {
  const moved = sharesByPooledEthChecked(s, amount);
  moveShares(s, from, to, moved);
  return moved;
};

/** MockWstETH._mint (OpenZeppelin 3.4). */
const mintWstEth = (s: State, to: Address, amount: bigint): void => {
  if (to === ZERO_ADDRESS) lidoRevert("ERC20: mint to the zero address");
  if (s.wstEth.totalSupply + amount > UINT256_MAX) lidoRevert("SafeMath: addition overflow");
  s.wstEth.totalSupply += amount;
  s.wstEth.balances[to] = (s.wstEth.balances[to] ?? 0n) + amount;
};

/** MockWstETH.wrap: the zero check, mint getSharesByPooledEth(amount), then pull the stETH (the same shares). */
const wrapStEth = (s: State, account: Address, amount: bigint): bigint => {
  if (amount === 0n) lidoRevert("wstETH: can't wrap zero stETH");
  const minted = sharesByPooledEthChecked(s, amount);
  mintWstEth(s, account, minted);
  transferStEth(s, account, s.config.wstEth, amount);
  return minted;
};

/**
 * A token transfer: OpenZeppelin 3.4's ERC20._transfer for wstETH (reason strings), OpenZeppelin 5's for a
 * project token (custom error; its zero-address checks are never reached by the machine).
 */
const moveToken = (s: State, ledger: TokenLedger, from: Address, to: Address, amount: bigint): void => {
  const balance = ledger.balances[from] ?? 0n;
  if (ledger === s.wstEth) {
    if (from === ZERO_ADDRESS) lidoRevert("ERC20: transfer from the zero address");
    if (to === ZERO_ADDRESS) lidoRevert("ERC20: transfer to the zero address");
    if (amount > balance) lidoRevert("ERC20: transfer amount exceeds balance");
  } else if (amount > balance) {
    revert({ _tag: "ERC20InsufficientBalance", sender: from, balance, needed: amount });
  }
  ledger.balances[from] = balance - amount;
  ledger.balances[to] = (ledger.balances[to] ?? 0n) + amount;
};

/** ProjectToken._update for a transfer: nothing may reach the pair before the pool is open. */
const moveProjectToken = (s: State, ledger: ProjectTokenLedger, from: Address, to: Address, amount: bigint): void => {
  if (to === ledger.pair && !ledger.poolOpen) revert({ _tag: "ProjectToken_PoolNotOpen", pair: to });
  moveToken(s, ledger, from, to, amount);
};

/** ProjectToken.mint: pool check, then the cap. */
const mintProjectToken = (ledger: ProjectTokenLedger, to: Address, amount: bigint): void => {
  if (to === ledger.pair && !ledger.poolOpen) revert({ _tag: "ProjectToken_PoolNotOpen", pair: to });
  ledger.totalSupply += amount;
  ledger.balances[to] = (ledger.balances[to] ?? 0n) + amount;
  if (ledger.totalSupply > ledger.maxSupply) {
    revert({ _tag: "ProjectToken_CapExceeded", supplyAfter: ledger.totalSupply, maxSupply: ledger.maxSupply });
  }
};

const tokenOf = (s: State, p: ProjectState): ProjectTokenLedger => s.tokens[p.token] as ProjectTokenLedger;
const pairOf = (s: State, p: ProjectState): PairState => s.pairs[p.pair] as PairState;

// ------------------------------------------------------------------ machine internals

const currentEpoch = (s: State): bigint => sub(s.now, s.config.genesis, "_currentEpoch") / EPOCH_SECONDS;

const projectOrRevert = (s: State, projectId: number): ProjectState => {
  if (projectId === 0 || projectId > s.projectCount) revert({ _tag: "TCM_UnknownProject", projectId });
  return s.projects[projectId] as ProjectState;
};

/** _onlyProjectOwner. */
const onlyProjectOwner = (s: State, projectId: number, caller: Address): ProjectState => {
  const p = projectOrRevert(s, projectId);
  if (caller !== p.owner) revert({ _tag: "TCM_NotProjectOwner", projectId, caller });
  return p;
};

/** _checkpoint, writing the book. */
const doCheckpoint = (s: State): LidoView => {
  const result = checkpoint(s, asShares(sharesOf(s, s.config.machine)), rateOf(s));
  s.accYield = result.book.accYield;
  s.assignedScaled = result.book.assignedScaled;
  return result.lido;
};

/** _accrue, writing the project. */
const doAccrue = (s: State, p: ProjectState): void => {
  const a = accrue(p, s.now);
  p.rewardAcc = a.rewardAcc;
  p.contributorOwed = a.contributorOwed;
  p.lastAccrual = a.lastAccrual;
};

interface Position {
  projectIds: number[];
  bps: bigint[];
  parts: bigint[];
  debts: bigint[];
  principal: bigint;
}

const emptyPosition = (): Position => ({ projectIds: [], bps: [], parts: [], debts: [], principal: 0n });

const NOT_FOUND = -1;

/** _loadPosition. */
const loadPosition = (s: State, account: Address): Position => {
  const word = s.positions[account] ?? 0n;
  const projectIds = unpackIds(word);
  const principal = word & UINT96_MAX;
  const words = s.entries[account] ?? [];
  const bps: bigint[] = [];
  const debts: bigint[] = [];
  projectIds.forEach((_, i) => {
    const entry = unpackEntry(((words[i >> 1] ?? 0n) >> (112n * BigInt(i & 1))) & ENTRY_MASK);
    bps.push(entry.bps);
    debts.push(entry.rewardDebt);
  });
  return { projectIds, bps, debts, principal, parts: splitParts(principal, bps) };
};

/** _storeEntries: writes the entry words whose bit is set in `mask`. */
const storeEntries = (s: State, account: Address, pos: Position, mask: number): void => {
  const words = (s.entries[account] ??= [0n, 0n, 0n, 0n]);
  for (let k = 0; mask >> k !== 0; k++) {
    if (((mask >> k) & 1) === 0) continue;
    const i = k << 1;
    let word = packEntry(pos.bps[i] as bigint, pos.debts[i] as bigint);
    if (i + 1 < pos.projectIds.length) word |= packEntry(pos.bps[i + 1] as bigint, pos.debts[i + 1] as bigint) << 112n;
    words[k] = word;
  }
};

/** _storePosition: the position word and its entry words; clears the words a longer old position used. */
const storePosition = (s: State, account: Address, pos: Position, oldCount: number): void => {
  s.positions[account] = packPosition(pos.principal, pos.projectIds);
  const used = (pos.projectIds.length + 1) >> 1;
  storeEntries(s, account, pos, (1 << used) - 1);
  const words = (s.entries[account] ??= [0n, 0n, 0n, 0n]);
  for (let k = used; k < (oldCount + 1) >> 1; k++) words[k] = 0n;
};

/** _parseAllocation. */
const parseAllocation = (s: State, allocation: ReadonlyArray<AllocationInput>): Position => {
  const failure = allocationError(allocation, s.projectCount);
  if (failure !== undefined) {
    if (failure._tag === "InvalidInput") throw new DomainFailure(failure);
    revert(failure);
  }
  return {
    projectIds: allocation.map((a) => a.projectId),
    bps: allocation.map((a) => a.bps),
    parts: [],
    debts: [],
    principal: 0n,
  };
};

/** _movePart: accrues the project and moves its allocated principal; returns what the old entry is owed. */
const movePart = (
  s: State,
  id: number,
  oldPart: bigint,
  newPart: bigint,
  oldDebt: bigint,
  accYield: bigint,
): { owed: bigint; rewardAcc: bigint } => {
  const p = s.projects[id] as ProjectState;
  doAccrue(s, p);
  const owed = owedOf(oldPart, oldDebt, p.rewardAcc);
  if (newPart !== oldPart) {
    p.yieldDebt = moveYieldDebt(p.yieldDebt, oldPart, newPart, accYield);
    p.allocatedPrincipal = wrap(sub(checked(p.allocatedPrincipal + newPart, "_movePart"), oldPart, "_movePart"), 96);
  }
  return { owed, rewardAcc: p.rewardAcc };
};

/**
 * _applyPosition: moves the account from `oldPos` to `newPos` with `parts`, writing `newPos.debts`; a project that
 * leaves mints what it owes the account. `oldPos` and `newPos` may be the same object.
 */
const applyPosition = (
  s: State,
  account: Address,
  oldPos: Position,
  newPos: Position,
  parts: ReadonlyArray<bigint>,
): void => {
  const accYield = s.accYield;
  oldPos.projectIds.forEach((id, i) => {
    if (newPos.projectIds.includes(id)) return;
    const { owed } = movePart(s, id, oldPos.parts[i] as bigint, 0n, oldPos.debts[i] as bigint, accYield);
    if (owed !== 0n) mintProjectToken(tokenOf(s, s.projects[id] as ProjectState), account, owed);
  });
  newPos.projectIds.forEach((id, j) => {
    const i = oldPos.projectIds.indexOf(id);
    const [oldPart, oldDebt] = i === NOT_FOUND ? [0n, 0n] : [oldPos.parts[i] as bigint, oldPos.debts[i] as bigint];
    const newPart = parts[j] as bigint;
    const { owed, rewardAcc } = movePart(s, id, oldPart, newPart, oldDebt, accYield);
    newPos.debts[j] = rewardDebtFor(newPart, rewardAcc, owed);
  });
};

/** _pullStEth: checkpoint, refuse in a deficit, pull, measure what arrived. */
const pullStEth = (s: State, account: Address, amount: bigint): { principal: bigint; sharesAdded: bigint } => {
  const lido = doCheckpoint(s);
  if (lido.deficit) revert({ _tag: "TCM_InDeficit", sharesHeld: lido.held, sharesRequired: lido.required });
  transferStEth(s, account, s.config.machine, amount);
  const sharesAdded = sub(sharesOf(s, s.config.machine), lido.held, "_pullStEth");
  const principal = mulDivDown(sharesAdded, lido.pooled, lido.totalShares);
  if (principal < MIN_DEPOSIT) revert({ _tag: "TCM_DepositTooSmall", principal, minimum: MIN_DEPOSIT });
  return { principal, sharesAdded };
};

const splitParts = (principal: bigint, bps: ReadonlyArray<bigint>): bigint[] => split(asWei(principal), bps.map(asBps));

/** Applies a collection's writes and ledger moves (bounty transferShares, then the wrap) to the state. */
const commitHarvest = (s: State, p: ProjectState, plan: HarvestPlan, caller: Address): void => {
  Object.assign(p, plan.project);
  s.assignedScaled = plan.assignedScaled;
  const machine = s.config.machine;
  const r = plan.report;
  if (r.bountyShares !== 0n) moveShares(s, machine, caller, r.bountyShares);
  if (plan.stEthWrapped !== 0n) {
    const minted = wrapStEth(s, machine, plan.stEthWrapped);
    if (minted !== r.wstEthWrapped) revert({ _tag: "TCM_TransferFailed" });
  }
};

const harvestInput = (s: State, p: ProjectState) => ({
  config: s.config,
  now: s.now,
  rate: rateOf(s),
  accYield: s.accYield,
  assignedScaled: s.assignedScaled,
  project: p,
});

const stepInput = (s: State, p: ProjectState) => {
  const token = tokenOf(s, p);
  const machine = s.config.machine;
  return {
    config: s.config,
    now: s.now,
    machine,
    pairAddress: p.pair,
    project: p,
    pair: pairOf(s, p),
    pairWstBalance: s.wstEth.balances[p.pair] ?? 0n,
    pairTokenBalance: token.balances[p.pair] ?? 0n,
    machineWstBalance: s.wstEth.balances[machine] ?? 0n,
    machineTokenBalance: token.balances[machine] ?? 0n,
    tokenTotalSupply: token.totalSupply,
    tokenMaxSupply: token.maxSupply,
  };
};

/** Applies a deploy step's writes to the state, then pays the caller's bounty in wstETH (the step's last transfer). */
const commitStep = (s: State, p: ProjectState, plan: StepPlan, caller: Address): void => {
  Object.assign(p, plan.project);
  const machine = s.config.machine;
  s.wstEth.balances[machine] = plan.machineWstBalance;
  s.wstEth.balances[p.pair] = plan.pairWstBalance;
  const token = tokenOf(s, p);
  token.balances[machine] = plan.machineTokenBalance;
  token.balances[p.pair] = plan.pairTokenBalance;
  token.totalSupply = plan.tokenTotalSupply;
  if (plan.opened) token.poolOpen = true;
  s.pairs[p.pair] = plan.pair;
  if (plan.report.bounty !== 0n) moveToken(s, s.wstEth, machine, caller, plan.report.bounty);
};

/** TechnoCapitalMachine._step: one deploy step, written to the state; returns its report (the Deployed event). */
const doStep = (s: State, p: ProjectState, caller: Address): DeployReport => {
  const plan = planStep(stepInput(s, p));
  commitStep(s, p, plan, caller);
  return plan.report;
};

/** _validateLaunch: each launch-time failure, in the contract's order. */
const validateLaunch = (params: LaunchParams): void => {
  const failure = launchParamsError(params);
  if (failure !== undefined) revert(failure);
};

const harvestStatusError = (projectId: number, plan: HarvestPlan, minimum: bigint): TcmError | undefined => {
  switch (plan.status) {
    case "Done":
      return undefined;
    case "AlreadyHarvested":
      return { _tag: "TCM_AlreadyHarvested", projectId, epoch: plan.report.epoch };
    case "NothingToHarvest":
      return { _tag: "TCM_NothingToHarvest", projectId, value: plan.report.yieldStEth, minimum };
  }
};

// ------------------------------------------------------------------ the transition function

const NONE: ActionOutput = { type: "none" };

/** Runs one action against a private copy of the state (mutable). */
const step = (s: State, action: Action): ActionOutput => {
  const machine = s.config.machine;
  switch (action.type) {
    case "advanceTime": {
      if (action.seconds < 0n)
        throw new DomainFailure(invalidInput("seconds", "time only moves forward", action.seconds));
      s.now += action.seconds;
      return NONE;
    }
    case "submit": {
      // Lido._submit: the zero check, the shares, _mintShares, then the pooled ether.
      if (action.amount === 0n) lidoRevert("ZERO_DEPOSIT");
      const minted = sharesByPooledEthChecked(s, action.amount);
      if (action.account === ZERO_ADDRESS) lidoRevert("MINT_TO_ZERO_ADDR");
      s.lido.totalShares = lidoAdd(s.lido.totalShares, minted);
      s.lido.shares[action.account] = sharesOf(s, action.account) + minted;
      s.lido.totalPooledEther = lidoAdd(s.lido.totalPooledEther, action.amount);
      return { type: "amount", amount: minted };
    }
    case "rebase": {
      const post =
        action.delta >= 0n
          ? s.lido.totalPooledEther + action.delta
          : sub(s.lido.totalPooledEther, -action.delta, "rebase");
      if (post === 0n) revert({ _tag: "MockStETH_RebaseToZero" });
      s.lido.totalPooledEther = post;
      return NONE;
    }
    case "transferStEth":
      return { type: "amount", amount: transferStEth(s, action.from, action.to, action.amount) };
    case "wrap":
      return { type: "amount", amount: wrapStEth(s, action.account, action.amount) };
    case "unwrap": {
      // MockWstETH.unwrap: the zero check, getPooledEthByShares, _burn (OpenZeppelin 3.4), then the stETH transfer.
      if (action.amount === 0n) lidoRevert("wstETH: zero amount unwrap not allowed");
      const stEth = pooledEthBySharesChecked(s, action.amount);
      if (action.account === ZERO_ADDRESS) lidoRevert("ERC20: burn from the zero address");
      const balance = s.wstEth.balances[action.account] ?? 0n;
      if (action.amount > balance) lidoRevert("ERC20: burn amount exceeds balance");
      s.wstEth.balances[action.account] = balance - action.amount;
      s.wstEth.totalSupply -= action.amount;
      transferStEth(s, s.config.wstEth, action.account, stEth);
      return { type: "amount", amount: stEth };
    }
    case "donate": {
      if (action.asset === "stETH") {
        transferStEth(s, action.from, machine, action.amount);
        return NONE;
      }
      const p = projectOrRevert(s, action.projectId ?? 0);
      if (action.asset === "wstETH") moveToken(s, s.wstEth, action.from, p.pair, action.amount);
      else moveProjectToken(s, tokenOf(s, p), action.from, p.pair, action.amount);
      return NONE;
    }
    case "sync": {
      const p = projectOrRevert(s, action.projectId);
      const pair = pairOf(s, p);
      const b0 = (pair.token0 === p.token ? tokenOf(s, p).balances : s.wstEth.balances)[p.pair] ?? 0n;
      const b1 = (pair.token1 === p.token ? tokenOf(s, p).balances : s.wstEth.balances)[p.pair] ?? 0n;
      s.pairs[p.pair] = pairSync(pair, b0, b1, s.now);
      return NONE;
    }
    case "swap": {
      const p = projectOrRevert(s, action.projectId);
      const token = tokenOf(s, p);
      const pair = pairOf(s, p);
      const [inLedger, outLedger] = action.side === "buyTokens" ? [s.wstEth, token] : [token, s.wstEth];
      const inIs0 = (action.side === "buyTokens") === !p.tokenIsToken0;
      const [reserveIn, reserveOut] = inIs0 ? [pair.reserve0, pair.reserve1] : [pair.reserve1, pair.reserve0];
      const amountOut = action.amountOut ?? getAmountOut(action.amountIn, reserveIn, reserveOut);
      if (inLedger === token) moveProjectToken(s, token, action.trader, p.pair, action.amountIn);
      else moveToken(s, inLedger, action.trader, p.pair, action.amountIn);
      const [out0, out1] = inIs0 ? [0n, amountOut] : [amountOut, 0n];
      pairSwapPrecheck(pair, out0, out1, action.trader);
      moveToken(s, outLedger, p.pair, action.trader, amountOut);
      const b0 = (pair.token0 === p.token ? token.balances : s.wstEth.balances)[p.pair] ?? 0n;
      const b1 = (pair.token1 === p.token ? token.balances : s.wstEth.balances)[p.pair] ?? 0n;
      s.pairs[p.pair] = pairSwap(pair, out0, out1, b0, b1, s.now).pair;
      return { type: "swap", amountOut };
    }
    case "setPaused": {
      if (action.caller !== s.guardian) revert({ _tag: "TCM_NotGuardian", caller: action.caller });
      s.depositsPaused = action.depositsPaused;
      s.harvestsPaused = action.harvestsPaused;
      return NONE;
    }
    case "launch": {
      if (s.projectCount >= MAX_PROJECT_ID) revert({ _tag: "TCM_ProjectLimit", max: BigInt(MAX_PROJECT_ID) });
      validateLaunch(action.params);
      const params = action.params;
      const projectId = ++s.projectCount;
      const wst = s.config.wstEth;
      if (s.tokens[action.token] !== undefined) {
        throw new DomainFailure(invalidInput("token", "an existing token address", action.token));
      }
      const tokenIsToken0 = BigInt(action.token) < BigInt(wst);
      s.pairs[action.pair] ??= tokenIsToken0 ? emptyPair(action.token, wst) : emptyPair(wst, action.token);
      s.tokens[action.token] = {
        totalSupply: 0n,
        balances: {},
        maxSupply: params.maxSupply,
        pair: action.pair,
        poolOpen: false,
      };
      s.projects[projectId] = {
        allocatedPrincipal: 0n,
        yieldDebt: 0n,
        lastAccrual: wrap(s.now, 32),
        rewardAcc: 0n,
        contributorOwed: 0n,
        dailyEmission: wrap(params.dailyEmission, 96),
        decayBps: wrap(params.decayBps, 16),
        contributorBps: wrap(params.contributorBps, 16),
        startTime: wrap(s.now, 32),
        emissionCap: wrap(params.maxSupply - params.seedReserve, 96),
        token: action.token,
        lastHarvestEpoch: wrap(currentEpoch(s), 32),
        lastStepTime: 0n,
        tokenIsToken0,
        seeded: false,
        pair: action.pair,
        observationCumulative: 0n,
        pendingWstEth: 0n,
        carryTokens: 0n,
        totalYieldShares: 0n,
        totalLiquidity: 0n,
        owner: action.caller,
        contributorRecipient: params.contributorRecipient,
        launchPrice: wrap(params.launchPrice, 128),
        seedReserve: wrap(params.seedReserve, 96),
        referencePrice: 0n,
        // LaunchLogic.store: slot 11 is never zero (the opening rewrites it).
        observationTime: wrap(s.now, 32),
        metadataURI: params.metadataURI,
      };
      return { type: "launch", projectId, token: action.token, pair: action.pair };
    }
    case "deposit": {
      if (s.depositsPaused) revert({ _tag: "TCM_DepositsPaused" });
      const existing = s.positions[action.account] ?? 0n;
      if (existing !== 0n)
        revert({ _tag: "TCM_PositionExists", account: action.account, principal: existing & UINT96_MAX });
      const pos = parseAllocation(s, action.allocation);
      const { principal, sharesAdded } = pullStEth(s, action.account, action.amount);
      s.totalPrincipal = wrap(checked(s.totalPrincipal + principal, "_deposit"), 128);
      applyPosition(s, action.account, emptyPosition(), pos, splitParts(principal, pos.bps));
      pos.principal = principal;
      storePosition(s, action.account, pos, 0);
      return { type: "deposit", principal, sharesAdded };
    }
    case "topUp": {
      if (s.depositsPaused) revert({ _tag: "TCM_DepositsPaused" });
      const pos = loadPosition(s, action.account);
      if (pos.projectIds.length === 0) revert({ _tag: "TCM_NoPosition", account: action.account });
      const { principal, sharesAdded } = pullStEth(s, action.account, action.amount);
      s.totalPrincipal = wrap(checked(s.totalPrincipal + principal, "topUp"), 128);
      applyPosition(s, action.account, pos, pos, splitParts(pos.principal + principal, pos.bps));
      pos.principal += principal;
      storePosition(s, action.account, pos, pos.projectIds.length);
      return { type: "deposit", principal, sharesAdded };
    }
    case "reallocate": {
      const oldPos = loadPosition(s, action.account);
      if (oldPos.projectIds.length === 0) revert({ _tag: "TCM_NoPosition", account: action.account });
      const newPos = parseAllocation(s, action.allocation);
      doCheckpoint(s);
      applyPosition(s, action.account, oldPos, newPos, splitParts(oldPos.principal, newPos.bps));
      newPos.principal = oldPos.principal;
      storePosition(s, action.account, newPos, oldPos.projectIds.length);
      return NONE;
    }
    case "withdraw": {
      if (action.receiver === ZERO_ADDRESS) revert({ _tag: "TCM_ZeroReceiver" });
      if (action.amount === 0n) revert({ _tag: "TCM_ZeroAmount" });
      const pos = loadPosition(s, action.account);
      if (pos.projectIds.length === 0) revert({ _tag: "TCM_NoPosition", account: action.account });
      if (action.amount > pos.principal) {
        revert({ _tag: "TCM_WithdrawExceedsPrincipal", amount: action.amount, principal: pos.principal });
      }
      const lido = doCheckpoint(s);
      const remaining = pos.principal - action.amount;
      let total = s.totalPrincipal;
      let sharesPaid: bigint;
      if (lido.deficit) {
        if (remaining !== 0n) {
          revert({ _tag: "TCM_DeficitRequiresFullWithdrawal", amount: action.amount, principal: pos.principal });
        }
        sharesPaid = mulDivDown(availableForPrincipal(asShares(lido.held), s.assignedScaled), pos.principal, total);
      } else {
        if (remaining !== 0n && remaining < MIN_DEPOSIT) {
          revert({ _tag: "TCM_RemainingPrincipalTooSmall", remaining, minimum: MIN_DEPOSIT });
        }
        sharesPaid = mulDivDown(action.amount, lido.totalShares, lido.pooled);
      }
      total = sub(total, action.amount, "withdraw");
      s.totalPrincipal = wrap(total, 128);
      const oldCount = pos.projectIds.length;
      if (remaining === 0n) {
        // Every project leaves (each pays what it owes the account) and the position's words are cleared.
        const none = emptyPosition();
        applyPosition(s, action.account, pos, none, []);
        storePosition(s, action.account, none, oldCount);
      } else {
        applyPosition(s, action.account, pos, pos, splitParts(remaining, pos.bps));
        pos.principal = remaining;
        storePosition(s, action.account, pos, oldCount);
      }
      let stEthPaid = 0n;
      if (sharesPaid !== 0n) {
        moveShares(s, machine, action.receiver, sharesPaid);
        stEthPaid = pooledEthByShares(rateOf(s), asShares(sharesPaid));
      }
      return { type: "withdraw", sharesPaid, stEthPaid, deficit: lido.deficit };
    }
    case "claim": {
      if (action.receiver === ZERO_ADDRESS) revert({ _tag: "TCM_ZeroReceiver" });
      const pos = loadPosition(s, action.account);
      let dirty = 0;
      const amounts = action.projectIds.map((id) => {
        const j = pos.projectIds.indexOf(id);
        if (j === NOT_FOUND) {
          projectOrRevert(s, id);
          return 0n; // a project outside the position owes nothing: leaving paid it out
        }
        const p = s.projects[id] as ProjectState;
        // The reward index brought to now without writing the project's books (claims do not persist the accrual).
        const rewardAcc = previewRewardAcc(p, s.now);
        const part = pos.parts[j] as bigint;
        const owed = owedOf(part, pos.debts[j] as bigint, rewardAcc);
        if (owed === 0n) return 0n;
        pos.debts[j] = rewardDebtFor(part, rewardAcc, 0n);
        dirty |= 1 << (j >> 1);
        mintProjectToken(tokenOf(s, p), action.receiver, owed);
        return owed;
      });
      if (dirty !== 0) storeEntries(s, action.account, pos, dirty);
      return { type: "claim", amounts };
    }
    case "claimContributor": {
      const p = projectOrRevert(s, action.projectId);
      doAccrue(s, p);
      const amount = p.contributorOwed;
      if (amount === 0n) return { type: "amount", amount };
      p.contributorOwed = 0n;
      mintProjectToken(tokenOf(s, p), p.contributorRecipient, amount);
      return { type: "amount", amount };
    }
    case "lowerContributorShare": {
      const p = onlyProjectOwner(s, action.projectId, action.caller);
      if (action.newBps >= p.contributorBps) {
        revert({ _tag: "TCM_ContributorShareNotLower", current: p.contributorBps, requested: action.newBps });
      }
      doAccrue(s, p);
      p.contributorBps = wrap(action.newBps, 16);
      return NONE;
    }
    case "setMetadataURI": {
      const p = onlyProjectOwner(s, action.projectId, action.caller);
      const failure = metadataURIError(action.metadataURI);
      if (failure !== undefined) revert(failure);
      p.metadataURI = action.metadataURI;
      return NONE;
    }
    case "setContributorRecipient": {
      const p = onlyProjectOwner(s, action.projectId, action.caller);
      if (action.recipient === ZERO_ADDRESS) revert({ _tag: "TCM_ContributorRecipientZero" });
      p.contributorRecipient = action.recipient;
      return NONE;
    }
    case "transferProjectOwnership": {
      onlyProjectOwner(s, action.projectId, action.caller).owner = action.newOwner;
      return NONE;
    }
    case "harvest": {
      if (s.harvestsPaused) revert({ _tag: "TCM_HarvestsPaused" });
      const p = projectOrRevert(s, action.projectId);
      doCheckpoint(s);
      const plan = planHarvest(harvestInput(s, p));
      const failure = harvestStatusError(action.projectId, plan, s.config.minHarvestValue);
      if (failure !== undefined) revert(failure);
      commitHarvest(s, p, plan, action.caller);
      const deploy = stepDue(p, s.now, s.config.stepInterval) ? doStep(s, p, action.caller) : undefined;
      return { type: "harvest", report: plan.report, deploy };
    }
    case "harvestMany": {
      if (s.harvestsPaused) revert({ _tag: "TCM_HarvestsPaused" });
      doCheckpoint(s);
      let harvested = 0;
      const reports: Array<HarvestReport | undefined> = [];
      const deploys: Array<DeployReport | undefined> = [];
      const statuses = action.projectIds.map((id): HarvestStatus | "Skipped" => {
        reports.push(undefined);
        deploys.push(undefined);
        if (id === 0 || id > s.projectCount) return "Skipped";
        const p = s.projects[id] as ProjectState;
        const plan = planHarvest(harvestInput(s, p));
        if (plan.status !== "Done") return plan.status;
        commitHarvest(s, p, plan, action.caller);
        harvested++;
        reports[reports.length - 1] = plan.report;
        if (stepDue(p, s.now, s.config.stepInterval)) deploys[deploys.length - 1] = doStep(s, p, action.caller);
        return plan.status;
      });
      return { type: "harvestMany", harvested, statuses, reports, deploys };
    }
    case "deploy": {
      if (s.harvestsPaused) revert({ _tag: "TCM_HarvestsPaused" });
      const p = projectOrRevert(s, action.projectId);
      const pending = p.pendingWstEth;
      if (pending < MIN_DEPLOY)
        revert({ _tag: "TCM_NothingToDeploy", projectId: action.projectId, pending, minimum: MIN_DEPLOY });
      const readyAt = nextDeployTime(p, s.config.stepInterval);
      if (s.now < readyAt) revert({ _tag: "TCM_StepNotDue", projectId: action.projectId, readyAt });
      return { type: "deploy", report: doStep(s, p, action.caller) };
    }
    case "deployMany": {
      if (s.harvestsPaused) revert({ _tag: "TCM_HarvestsPaused" });
      let stepped = 0;
      const reports = action.projectIds.map((id): DeployReport | undefined => {
        if (id === 0 || id > s.projectCount) return undefined;
        const p = s.projects[id] as ProjectState;
        if (!stepDue(p, s.now, s.config.stepInterval)) return undefined;
        stepped++;
        return doStep(s, p, action.caller);
      });
      return { type: "deployMany", stepped, reports };
    }
  }
};

/** One transaction: the next state and what the call returned, or the revert. The input state is never changed. */
export const execute = (state: State, action: Action): Result<Transition, DomainError> => {
  const draft = structuredClone(state);
  return run(() => {
    const output = step(draft, action);
    return { state: draft, output };
  });
};

/** One transaction: the next state, or the revert. */
export const apply = (state: State, action: Action): Result<State, DomainError> => {
  const result = execute(state, action);
  return result.ok ? ok(result.value.state) : result;
};

/** Several transactions in order; stops at the first revert, reporting its index. */
export const applyAll = (
  state: State,
  actions: ReadonlyArray<Action>,
): Result<State, { readonly index: number; readonly error: DomainError }> => {
  let current = state;
  for (const [index, action] of actions.entries()) {
    const result = apply(current, action);
    if (!result.ok) return err({ index, error: result.error });
    current = result.value;
  }
  return ok(current);
};

// ------------------------------------------------------------------ previews (views, no writes)

const withTime = (state: State, now: bigint | undefined): bigint => now ?? state.now;

/** The yield index as a checkpoint at `now` would leave it (_previewAccYield). */
export const previewAccYield = (state: State): bigint =>
  checkpoint(state, asShares(sharesOf(state, state.config.machine)), rateOf(state)).book.accYield;

/** pendingYield(projectId): whole shares and their stETH value, as of a checkpoint now. */
export const previewPendingYield = (
  state: State,
  projectId: number,
): Result<{ shares: Shares; stEth: Wei }, DomainError> =>
  run(() => {
    const p = projectOrRevert(state, projectId);
    const { shares, stEth } = pendingYieldOf(
      pendingYieldScaled(p.allocatedPrincipal, p.yieldDebt, previewAccYield(state)),
      rateOf(state),
    );
    return { shares: asShares(shares), stEth: asWei(stEth) };
  });

/**
 * What `harvest(projectId)` would do at `now` (default: state.now): the collection's status and report, like a
 * static call that returns the would-be revert status instead of reverting, and, when it is Done and a deploy step
 * is then due, that step's report. O(1): no copy of the state.
 */
export const previewHarvest = (
  state: State,
  projectId: number,
  now?: bigint,
): Result<
  { readonly status: HarvestStatus; readonly report: HarvestReport; readonly deploy: DeployReport | undefined },
  DomainError
> =>
  run(() => {
    if (state.harvestsPaused) revert({ _tag: "TCM_HarvestsPaused" });
    const p = projectOrRevert(state, projectId);
    const at = withTime(state, now);
    const book = checkpoint(state, asShares(sharesOf(state, state.config.machine)), rateOf(state)).book;
    const view: State = { ...state, now: at, accYield: book.accYield, assignedScaled: book.assignedScaled };
    const plan = planHarvest(harvestInput(view, p));
    if (plan.status !== "Done" || !stepDue(plan.project, at, state.config.stepInterval)) {
      return { status: plan.status, report: plan.report, deploy: undefined };
    }
    // The step after the collection: the project's new books and the machine's wstETH after the wrap.
    const minted = plan.stEthWrapped === 0n ? 0n : sharesByPooledEth(rateOf(state), asWei(plan.stEthWrapped));
    const input = stepInput(view, { ...p, ...plan.project });
    const step = planStep({ ...input, machineWstBalance: input.machineWstBalance + minted });
    return { status: plan.status, report: plan.report, deploy: step.report };
  });

/**
 * What `deploy(projectId)` would do at `now` (default: state.now): the step's report, or the revert a static call
 * would give (TCM_HarvestsPaused, TCM_UnknownProject, TCM_NothingToDeploy, TCM_StepNotDue, or a revert inside the
 * step). O(1): no copy of the state.
 */
export const previewDeploy = (state: State, projectId: number, now?: bigint): Result<DeployReport, DomainError> =>
  run(() => {
    if (state.harvestsPaused) revert({ _tag: "TCM_HarvestsPaused" });
    const p = projectOrRevert(state, projectId);
    const at = withTime(state, now);
    if (p.pendingWstEth < MIN_DEPLOY)
      revert({ _tag: "TCM_NothingToDeploy", projectId, pending: p.pendingWstEth, minimum: MIN_DEPLOY });
    const readyAt = nextDeployTime(p, state.config.stepInterval);
    if (at < readyAt) revert({ _tag: "TCM_StepNotDue", projectId, readyAt });
    return planStep(stepInput({ ...state, now: at }, p)).report;
  });

/** isDeployReady(projectId): not paused, pending wstETH ≥ MIN_DEPLOY and stepInterval elapsed (at `now`). */
export const isDeployReady = (state: State, projectId: number, now?: bigint): Result<boolean, DomainError> =>
  run(
    () =>
      !state.harvestsPaused &&
      stepDue(projectOrRevert(state, projectId), withTime(state, now), state.config.stepInterval),
  );

/** nextDeployTime(projectId): lastStepTime + stepInterval. */
export const nextDeployTimeOf = (state: State, projectId: number): Result<bigint, DomainError> =>
  run(() => nextDeployTime(projectOrRevert(state, projectId), state.config.stepInterval));

/** isHarvestReady. */
export const isHarvestReady = (state: State, projectId: number, now?: bigint): Result<boolean, DomainError> =>
  run(() => {
    const p = projectOrRevert(state, projectId);
    const view: State = { ...state, now: withTime(state, now) };
    if (p.lastHarvestEpoch >= currentEpoch(view) || state.harvestsPaused) return false;
    const shares = pendingYieldScaled(p.allocatedPrincipal, p.yieldDebt, previewAccYield(state)) >> YIELD_SHIFT;
    return pooledEthByShares(rateOf(state), asShares(shares)) >= state.config.minHarvestValue;
  });

/** pendingRewards(account, projectId) at `now`. */
export const pendingRewardsOf = (
  state: State,
  account: Address,
  projectId: number,
  now?: bigint,
): Result<bigint, DomainError> =>
  run(() => {
    const p = projectOrRevert(state, projectId);
    const pos = loadPosition(state, account);
    const j = pos.projectIds.indexOf(projectId);
    if (j === NOT_FOUND) return 0n;
    return owedOf(pos.parts[j] as bigint, pos.debts[j] as bigint, previewRewardAcc(p, withTime(state, now)));
  });

export interface PositionEntryView {
  readonly projectId: number;
  readonly bps: Bps;
  readonly principal: Wei;
  readonly pendingRewards: bigint;
}

/** positionOf(account). */
export const positionOf = (
  state: State,
  account: Address,
  now?: bigint,
): { principal: Wei; entries: PositionEntryView[] } => {
  const pos = loadPosition(state, account);
  const at = withTime(state, now);
  return {
    principal: asWei(pos.principal),
    entries: pos.projectIds.map((projectId, i) => {
      const p = state.projects[projectId] as ProjectState;
      return {
        projectId,
        bps: asBps(pos.bps[i] as bigint),
        principal: asWei(pos.parts[i] as bigint),
        pendingRewards: owedOf(pos.parts[i] as bigint, pos.debts[i] as bigint, previewRewardAcc(p, at)),
      };
    }),
  };
};

/** deficitStatus(). */
export const deficitStatus = (state: State) => {
  const held = asShares(sharesOf(state, state.config.machine));
  const lido = checkpoint(state, held, rateOf(state)).lido;
  return {
    inDeficit: lido.deficit,
    sharesHeld: lido.held,
    sharesRequired: lido.required,
    valueHeldForPrincipal: valueHeldForPrincipal(held, state.assignedScaled, rateOf(state)),
  };
};

/** emittedUpTo(projectId, timestamp). */
export const projectEmittedUpTo = (state: State, projectId: number, timestamp: bigint): Result<bigint, DomainError> =>
  run(() => emittedUpTo(projectOrRevert(state, projectId), timestamp));

/** currentEpoch(). */
export const epochNow = (state: State): bigint => currentEpoch(state);

/** The contract's view of assigned yield in whole shares, rounded up. */
export const assignedShares = (state: State): bigint => assignedSharesUp(state.assignedScaled);

/** Σ of a ledger's balances (for invariants and tests). */
export const sumBalances = (balances: Readonly<Record<string, bigint>>): bigint =>
  Object.values(balances).reduce((a, b) => a + b, 0n);

/** getProject(projectId): the ProjectView struct, field for field (pendingYieldScaled as of a checkpoint now). */
export const projectView = (state: State, projectId: number) =>
  run(() => {
    const p = projectOrRevert(state, projectId);
    const token = tokenOf(state, p);
    return {
      id: projectId,
      token: p.token,
      pair: p.pair,
      owner: p.owner,
      contributorRecipient: p.contributorRecipient,
      tokenIsToken0: p.tokenIsToken0,
      seeded: p.seeded,
      launchPrice: p.launchPrice,
      dailyEmission: p.dailyEmission,
      decayBps: p.decayBps,
      maxSupply: token.maxSupply,
      contributorBps: p.contributorBps,
      startTime: p.startTime,
      emissionCap: p.emissionCap,
      allocatedPrincipal: p.allocatedPrincipal,
      lastAccrual: p.lastAccrual,
      rewardAcc: p.rewardAcc,
      contributorOwed: p.contributorOwed,
      lastHarvestEpoch: p.lastHarvestEpoch,
      lastStepTime: p.lastStepTime,
      seedReserve: p.seedReserve,
      referencePrice: p.referencePrice,
      observationTime: p.observationTime,
      observationCumulative: p.observationCumulative,
      pendingWstEth: p.pendingWstEth,
      carryTokens: p.carryTokens,
      pendingYieldScaled: pendingYieldScaled(p.allocatedPrincipal, p.yieldDebt, previewAccYield(state)),
      totalYieldShares: p.totalYieldShares,
      totalLiquidity: p.totalLiquidity,
      metadataURI: p.metadataURI,
    };
  });

/** nextHarvestTime(projectId). */
export const nextHarvestTimeOf = (state: State, projectId: number): Result<bigint, DomainError> =>
  run(() => nextHarvestTime(state.config.genesis, projectOrRevert(state, projectId).lastHarvestEpoch));
