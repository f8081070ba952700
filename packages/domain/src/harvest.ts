import { type EmissionSchedule, emittedUpTo } from "./emission.js";
import { EPOCH_SECONDS } from "./epoch.js";
import type { TcmError, TokenError } from "./errors.js";
import { type ShareRate, pooledEthByShares, sharesByPooledEth } from "./lido.js";
import { BPS, UINT256_MAX, addUint, checked, divDown, min, mulDivDown, panic, sub, wrap } from "./math.js";
import { DomainFailure } from "./result.js";
import { type Address, asShares, asWei } from "./units.js";
import {
  MINIMUM_LIQUIDITY,
  type PairState,
  currentCumulative,
  getAmountOut,
  pairMint,
  pairSwap,
  pairSwapPrecheck,
  sqrt,
  uqToWad,
} from "./uniswap.js";
import { YIELD_SHIFT, assignedAfterHarvest, debtAfterHarvest, pendingYieldScaled } from "./yield.js";

const WAD = 10n ** 18n;

/** Everything a harvest did: the Solidity HarvestReport struct, field for field. */
export interface HarvestReport {
  epoch: bigint;
  yieldShares: bigint;
  yieldStEth: bigint;
  bountyShares: bigint;
  bountyStEth: bigint;
  wstEthWrapped: bigint;
  carryWstEthIn: bigint;
  carryTokensIn: bigint;
  wstEthSwapped: bigint;
  tokensBought: bigint;
  tokensSeeded: bigint;
  wstEthAdded: bigint;
  tokensAdded: bigint;
  liquidityMinted: bigint;
  carryWstEthOut: bigint;
  carryTokensOut: bigint;
  spotPrice: bigint;
  twapPrice: bigint;
  reserveWstEth: bigint;
  reserveTokens: bigint;
  lpTotalSupply: bigint;
}

export const HARVEST_REPORT_FIELDS = [
  "epoch", "yieldShares", "yieldStEth", "bountyShares", "bountyStEth", "wstEthWrapped", "carryWstEthIn",
  "carryTokensIn", "wstEthSwapped", "tokensBought", "tokensSeeded", "wstEthAdded", "tokensAdded",
  "liquidityMinted", "carryWstEthOut", "carryTokensOut", "spotPrice", "twapPrice", "reserveWstEth",
  "reserveTokens", "lpTotalSupply",
] as const satisfies ReadonlyArray<keyof HarvestReport>;

export const emptyReport = (epoch: bigint): HarvestReport => ({
  epoch, yieldShares: 0n, yieldStEth: 0n, bountyShares: 0n, bountyStEth: 0n, wstEthWrapped: 0n, carryWstEthIn: 0n,
  carryTokensIn: 0n, wstEthSwapped: 0n, tokensBought: 0n, tokensSeeded: 0n, wstEthAdded: 0n, tokensAdded: 0n,
  liquidityMinted: 0n, carryWstEthOut: 0n, carryTokensOut: 0n, spotPrice: 0n, twapPrice: 0n, reserveWstEth: 0n,
  reserveTokens: 0n, lpTotalSupply: 0n,
});

/** The machine's immutable harvest parameters. */
export interface HarvestConfig {
  readonly genesis: bigint;
  readonly bountyBps: bigint;
  readonly maxBounty: bigint;
  readonly maxDeviationBps: bigint;
  /** A harvest's buy may lift the price at most this far above the TWAP (the rest waits as carry). */
  readonly maxImpactBps: bigint;
  readonly minHarvestValue: bigint;
}

/** The project fields a harvest reads and writes (TechnoCapitalMachine.Project). */
export interface HarvestProject extends EmissionSchedule {
  readonly allocatedPrincipal: bigint;
  readonly yieldDebt: bigint;
  readonly lastHarvestEpoch: bigint;
  readonly tokenIsToken0: boolean;
  readonly seeded: boolean;
  readonly launchPrice: bigint;
  readonly observationTime: bigint;
  readonly observationCumulative: bigint;
  readonly carryWstEth: bigint;
  readonly carryTokens: bigint;
  readonly totalYieldShares: bigint;
  readonly totalLiquidity: bigint;
}

/** Everything a harvest of one project touches, read before it runs (after the checkpoint). */
export interface HarvestInput {
  readonly config: HarvestConfig;
  readonly now: bigint;
  readonly machine: Address;
  readonly pairAddress: Address;
  readonly rate: ShareRate;
  /** The yield index and assigned total after this call's checkpoint. */
  readonly accYield: bigint;
  readonly assignedScaled: bigint;
  readonly project: HarvestProject;
  readonly pair: PairState;
  /** Token balances of the pair and of the machine, and the project token's supply. */
  readonly pairWstBalance: bigint;
  readonly pairTokenBalance: bigint;
  readonly machineShares: bigint;
  readonly machineWstBalance: bigint;
  readonly machineTokenBalance: bigint;
  readonly tokenTotalSupply: bigint;
  readonly tokenMaxSupply: bigint;
  readonly minTokensOut: bigint;
}

export type HarvestStatus = "Done" | "AlreadyHarvested" | "NothingToHarvest" | "PriceDeviation" | "InsufficientOutput";

/** A harvest's outcome: a status (the contract's HarvestStatus), its report and, when Done, every write. */
export interface HarvestPlan {
  readonly status: HarvestStatus;
  readonly report: HarvestReport;
  readonly project: HarvestProject;
  readonly assignedScaled: bigint;
  readonly pair: PairState;
  readonly pairWstBalance: bigint;
  readonly pairTokenBalance: bigint;
  /** Machine balances after (shares paid as bounty and moved into wstETH, wstETH and tokens moved). */
  readonly machineShares: bigint;
  readonly machineWstBalance: bigint;
  readonly machineTokenBalance: bigint;
  readonly tokenTotalSupply: bigint;
  /** stETH shares moved into the wstETH contract by the wrap (= wstEthWrapped) and the stETH amount wrapped. */
  readonly stEthWrapped: bigint;
}

const revert = (error: TcmError | TokenError): never => {
  throw new DomainFailure(error);
};

/** The pair's (wstETH, token) reserves in the project's orientation (_reserves). */
export const reservesOf = (pair: PairState, tokenIsToken0: boolean): { reserveWst: bigint; reserveTokens: bigint } =>
  tokenIsToken0
    ? { reserveTokens: pair.reserve0, reserveWst: pair.reserve1 }
    : { reserveTokens: pair.reserve1, reserveWst: pair.reserve0 };

/** TechnoCapitalMachine.MIN_TWAP_WINDOW: the shortest window (since the observation) a harvest's TWAP may span. */
export const MIN_TWAP_WINDOW = 3_600n;

export interface PriceGuard {
  readonly ok: boolean;
  readonly cumulative: bigint;
  readonly spotPrice: bigint;
  readonly twapPrice: bigint;
  /** What the harvest would swap and the tokens it would get (computed even when not ok). */
  readonly wstEthSwapped: bigint;
  readonly tokensBought: bigint;
}

/**
 * _priceGuard: the TWAP since the last observation from the pair's cumulative price (counterfactually accrued to
 * now), spot from the reserves, ok when |spot - twap| * 10_000 <= maxDeviationBps * twap. Not ok (with spot and
 * TWAP 0) when the observation is younger than MIN_TWAP_WINDOW. Then the buy: half of `wstIn`, but never more
 * than the `room` that keeps the fee-less price (x + dx)^2 / k at or below twap * (1 + maxImpactBps).
 */
export const priceGuard = (
  pair: PairState,
  project: Pick<HarvestProject, "tokenIsToken0" | "observationTime" | "observationCumulative">,
  config: Pick<HarvestConfig, "maxDeviationBps" | "maxImpactBps">,
  now: bigint,
  wstIn: bigint,
): PriceGuard => {
  const { reserveWst, reserveTokens } = reservesOf(pair, project.tokenIsToken0);
  const cumulative = currentCumulative(pair, project.tokenIsToken0, now);
  const elapsed = sub(now, project.observationTime, "_priceGuard");
  if (elapsed < MIN_TWAP_WINDOW) {
    return { ok: false, cumulative, spotPrice: 0n, twapPrice: 0n, wstEthSwapped: 0n, tokensBought: 0n };
  }
  const twapUQ = divDown(wrap(cumulative - project.observationCumulative, 256), elapsed, "_priceGuard");
  const twapPrice = uqToWad(twapUQ);
  const spotPrice = divDown(checked(reserveWst * WAD, "_priceGuard"), reserveTokens, "_priceGuard");
  const diff = spotPrice > twapPrice ? spotPrice - twapPrice : twapPrice - spotPrice;
  const ok = checked(diff * BPS, "_priceGuard") <= checked(config.maxDeviationBps * twapPrice, "_priceGuard");
  const ceiling = checked(twapPrice * (BPS + config.maxImpactBps), "_priceGuard") / BPS;
  const wstAtCeiling = sqrt(fullMulDiv(checked(reserveWst * reserveTokens, "_priceGuard"), ceiling, WAD));
  const room = wstAtCeiling > reserveWst ? wstAtCeiling - reserveWst : 0n;
  const wstEthSwapped = min(wstIn / 2n, room);
  const tokensBought = wstEthSwapped !== 0n ? getAmountOut(wstEthSwapped, reserveWst, reserveTokens) : 0n;
  return { ok, cumulative, spotPrice, twapPrice, wstEthSwapped, tokensBought };
};

/** OpenZeppelin Math.mulDiv: floor(x * y / d) in 512-bit precision; panics when d = 0 or the result ≥ 2^256. */
const fullMulDiv = (x: bigint, y: bigint, d: bigint): bigint => {
  if (d === 0n) return panic(0x12, "Math.mulDiv");
  const q = (x * y) / d;
  return q > UINT256_MAX ? panic(0x11, "Math.mulDiv") : q;
};

/** Seeding tokens: enough for the pool to open at exactly the launch price given all the wstETH it will hold. */
export const seedTokens = (pairWstBalance: bigint, wstIn: bigint, launchPrice: bigint): bigint =>
  divDown(checked((pairWstBalance + wstIn) * WAD, "_seed"), launchPrice, "_seed");

/**
 * _seed's sizing: the tokens and wstETH that open the pool at the launch price, capped by what the schedule still
 * allows (`available` = emissionCap − emitted so far); `addedWst` is what the pair's first mint counts on the
 * wstETH side, and the pool is seeded only when sqrt(tokens * addedWst) > MINIMUM_LIQUIDITY (else all is carried).
 */
export const seedSizing = (
  pairWstBalance: bigint,
  reserveWst: bigint,
  wstIn: bigint,
  launchPrice: bigint,
  available: bigint,
): { readonly tokens: bigint; readonly wst: bigint; readonly addedWst: bigint; readonly seeds: boolean } => {
  let tokens = seedTokens(pairWstBalance, wstIn, launchPrice);
  let wst = wstIn;
  if (tokens > available) {
    tokens = available;
    const priced = checked(tokens * launchPrice, "_seed") / WAD;
    // Donations already worth more than the capped tokens: seed with all the wstETH (opens above the launch price).
    if (priced > pairWstBalance) wst = min(priced - pairWstBalance, wstIn);
  }
  const addedWst = sub(pairWstBalance + wst, reserveWst, "_seed");
  return { tokens, wst, addedWst, seeds: sqrt(checked(tokens * addedWst, "_seed")) > MINIMUM_LIQUIDITY };
};

/** A mutable working copy of what a harvest touches. */
interface Working {
  pair: PairState;
  pairWst: bigint;
  pairTokens: bigint;
  machineShares: bigint;
  machineWst: bigint;
  machineTokens: bigint;
  tokenSupply: bigint;
}

const moveOut = (balance: bigint, amount: bigint, sender: Address): bigint =>
  amount > balance ? revert({ _tag: "ERC20InsufficientBalance", sender, balance, needed: amount }) : balance - amount;

/**
 * The full harvest of one project exactly as TechnoCapitalMachine._harvest (+ _priceGuard, _seed, _swapAndAdd,
 * _reportPool): returns the status and report, and all writes when Done. Everything is sized before anything moves
 * (bounty, wrap, and for a seeded pool the guard, the buy and its output, checked against `minTokensOut`). Throws a
 * DomainFailure only where the contract reverts inside a harvest (a pair or token revert, a panic): those revert
 * harvestMany as a whole too.
 */
export const planHarvest = (input: HarvestInput): HarvestPlan => {
  const { config, now, rate, project: p } = input;
  const r = emptyReport(sub(now, config.genesis, "_currentEpoch") / EPOCH_SECONDS);
  const unchanged: HarvestPlan = {
    status: "Done",
    report: r,
    project: p,
    assignedScaled: input.assignedScaled,
    pair: input.pair,
    pairWstBalance: input.pairWstBalance,
    pairTokenBalance: input.pairTokenBalance,
    machineShares: input.machineShares,
    machineWstBalance: input.machineWstBalance,
    machineTokenBalance: input.machineTokenBalance,
    tokenTotalSupply: input.tokenTotalSupply,
    stEthWrapped: 0n,
  };
  if (p.lastHarvestEpoch >= r.epoch) return { ...unchanged, status: "AlreadyHarvested" };

  const pendingScaled = pendingYieldScaled(p.allocatedPrincipal, p.yieldDebt, input.accYield);
  r.yieldShares = pendingScaled >> YIELD_SHIFT;
  r.yieldStEth = mulDivDown(r.yieldShares, rate.totalPooledEther, rate.totalShares);
  r.carryWstEthIn = p.carryWstEth;
  r.carryTokensIn = p.carryTokens;
  const value = mulDivDown(r.yieldShares + r.carryWstEthIn, rate.totalPooledEther, rate.totalShares);
  if (value < config.minHarvestValue) {
    r.yieldStEth = value;
    return { ...unchanged, status: "NothingToHarvest" };
  }

  // Everything the harvest will do is known before anything moves: Lido's wrap is deterministic.
  r.bountyShares = checked(r.yieldShares * config.bountyBps, "_harvest") / BPS;
  const maxBountyShares = mulDivDown(config.maxBounty, rate.totalShares, rate.totalPooledEther);
  if (r.bountyShares > maxBountyShares) r.bountyShares = maxBountyShares;
  const toWrap = mulDivDown(r.yieldShares - r.bountyShares, rate.totalPooledEther, rate.totalShares);
  r.wstEthWrapped = mulDivDown(toWrap, rate.totalShares, rate.totalPooledEther);

  let observed = 0n;
  if (p.seeded) {
    const guard = priceGuard(input.pair, p, config, now, r.wstEthWrapped + r.carryWstEthIn);
    r.spotPrice = guard.spotPrice;
    r.twapPrice = guard.twapPrice;
    r.wstEthSwapped = guard.wstEthSwapped;
    r.tokensBought = guard.tokensBought;
    if (!guard.ok) return { ...unchanged, status: "PriceDeviation" };
    if (r.tokensBought < input.minTokensOut) return { ...unchanged, status: "InsufficientOutput" };
    observed = guard.cumulative;
  }

  // Commit: take the yield (keeping the sub-share remainder), pay the bounty, wrap the rest.
  let project: HarvestProject = {
    ...p,
    yieldDebt: debtAfterHarvest(p.allocatedPrincipal, input.accYield, pendingScaled),
    lastHarvestEpoch: wrap(r.epoch, 32),
    totalYieldShares: addUint(p.totalYieldShares, wrap(r.yieldShares, 128), 128, "_harvest"),
  };
  const assignedScaled = assignedAfterHarvest(input.assignedScaled, r.yieldShares);
  const w: Working = {
    pair: input.pair,
    pairWst: input.pairWstBalance,
    pairTokens: input.pairTokenBalance,
    machineShares: input.machineShares,
    machineWst: input.machineWstBalance,
    machineTokens: input.machineTokenBalance,
    tokenSupply: input.tokenTotalSupply,
  };
  if (r.bountyShares !== 0n) {
    w.machineShares = stEthMove(w.machineShares, r.bountyShares);
    r.bountyStEth = pooledEthByShares(rate, asShares(r.bountyShares));
  }
  if (toWrap !== 0n) {
    // MockWstETH.wrap mints getSharesByPooledEth(toWrap), which is the predicted amount (same rate).
    const minted = sharesByPooledEth(rate, asWei(toWrap));
    if (minted !== r.wstEthWrapped) revert({ _tag: "TCM_TransferFailed" });
    w.machineShares = stEthMove(w.machineShares, minted);
    w.machineWst += minted;
  }

  if (p.seeded) {
    project = swapAndAdd(input, project, r, w);
  } else {
    project = seed(input, project, r, w);
    observed = currentCumulative(w.pair, p.tokenIsToken0, now);
  }
  project = {
    ...project,
    observationCumulative: observed,
    observationTime: wrap(now, 32),
    totalLiquidity: checked(project.totalLiquidity + r.liquidityMinted, "_harvest"),
  };
  return {
    status: "Done",
    report: r,
    project,
    assignedScaled,
    pair: w.pair,
    pairWstBalance: w.pairWst,
    pairTokenBalance: w.pairTokens,
    machineShares: w.machineShares,
    machineWstBalance: w.machineWst,
    machineTokenBalance: w.machineTokens,
    tokenTotalSupply: w.tokenSupply,
    stEthWrapped: toWrap,
  };
};

const stEthMove = (held: bigint, sharesAmount: bigint): bigint =>
  sharesAmount > held ? revert({ _tag: "MockStETH_InsufficientBalance", sharesBalance: held, sharesNeeded: sharesAmount }) : held - sharesAmount;

const balances = (w: Working, tokenIsToken0: boolean): [bigint, bigint] =>
  tokenIsToken0 ? [w.pairTokens, w.pairWst] : [w.pairWst, w.pairTokens];

const reportPool = (r: HarvestReport, w: Working, tokenIsToken0: boolean): void => {
  const { reserveWst, reserveTokens } = reservesOf(w.pair, tokenIsToken0);
  r.reserveWstEth = reserveWst;
  r.reserveTokens = reserveTokens;
  r.lpTotalSupply = w.pair.totalSupply;
};

/**
 * _seed: opens the pool at exactly the launch price given all the wstETH it will hold; if the supply cap cannot
 * price all of it, seeds with the tokens the cap allows and the wstETH they price, and carries the rest. Never
 * reverts on sizing: when the first mint would be too small, nothing is seeded and everything is carried.
 */
const seed = (input: HarvestInput, p: HarvestProject, r: HarvestReport, w: Working): HarvestProject => {
  const total = r.wstEthWrapped + r.carryWstEthIn;
  const cap = p.emissionCap;
  const available = sub(cap, emittedUpTo(p, input.now), "_seed");
  const { reserveWst } = reservesOf(w.pair, p.tokenIsToken0);
  const sizing = seedSizing(w.pairWst, reserveWst, total, p.launchPrice, available);
  r.carryWstEthOut = total;
  let project: HarvestProject = p;
  if (sizing.seeds) {
    const { tokens, wst } = sizing;
    project = { ...p, emissionCap: wrap(cap - tokens, 96), seeded: true };
    w.machineWst = moveOut(w.machineWst, wst, input.machine);
    w.pairWst += wst;
    // ProjectToken.seed: opens the pool and mints straight into the pair, capped at maxSupply.
    w.tokenSupply += tokens;
    if (w.tokenSupply > input.tokenMaxSupply) {
      revert({ _tag: "ProjectToken_CapExceeded", supplyAfter: w.tokenSupply, maxSupply: input.tokenMaxSupply });
    }
    w.pairTokens += tokens;
    r.tokensSeeded = tokens;
    r.wstEthAdded = wst;
    r.tokensAdded = tokens;
    r.carryWstEthOut = total - wst;
    const [b0, b1] = balances(w, p.tokenIsToken0);
    const minted = pairMint(w.pair, b0, b1, input.machine, input.now);
    w.pair = minted.pair;
    r.liquidityMinted = minted.liquidity;
  }
  reportPool(r, w, p.tokenIsToken0);
  return { ...project, carryWstEth: wrap(r.carryWstEthOut, 128) };
};

/** _swapAndAdd: buy (as sized by the guard), add what the reserves take, carry the rest. */
const swapAndAdd = (input: HarvestInput, p: HarvestProject, r: HarvestReport, w: Working): HarvestProject => {
  // The buy (r.wstEthSwapped, r.tokensBought) was sized by the price guard.
  const wstIn = r.wstEthWrapped + r.carryWstEthIn;
  let keep = sub(wstIn, r.wstEthSwapped, "_swapAndAdd");
  let { reserveWst, reserveTokens } = reservesOf(w.pair, p.tokenIsToken0);
  if (r.tokensBought !== 0n) {
    w.machineWst = moveOut(w.machineWst, r.wstEthSwapped, input.machine);
    w.pairWst += r.wstEthSwapped;
    // The pair sends the output first, then checks K on its balances.
    const [amount0Out, amount1Out] = p.tokenIsToken0 ? [r.tokensBought, 0n] : [0n, r.tokensBought];
    pairSwapPrecheck(w.pair, amount0Out, amount1Out, input.machine);
    w.pairTokens = moveOut(w.pairTokens, r.tokensBought, input.pairAddress);
    w.machineTokens += r.tokensBought;
    const [b0, b1] = balances(w, p.tokenIsToken0);
    w.pair = pairSwap(w.pair, amount0Out, amount1Out, b0, b1, input.now).pair;
    ({ reserveWst, reserveTokens } = reservesOf(w.pair, p.tokenIsToken0));
  } else {
    keep = wstIn;
    r.wstEthSwapped = 0n;
  }

  const tokens = r.tokensBought + r.carryTokensIn;
  const wstNeeded = divDown(checked(tokens * reserveWst, "_swapAndAdd"), reserveTokens, "_swapAndAdd");
  if (wstNeeded <= keep) {
    r.tokensAdded = tokens;
    r.wstEthAdded = wstNeeded;
  } else {
    r.wstEthAdded = keep;
    r.tokensAdded = divDown(checked(keep * reserveTokens, "_swapAndAdd"), reserveWst, "_swapAndAdd");
  }
  const supply = w.pair.totalSupply;
  const liquidity = min(
    divDown(checked(r.tokensAdded * supply, "_swapAndAdd"), reserveTokens, "_swapAndAdd"),
    divDown(checked(r.wstEthAdded * supply, "_swapAndAdd"), reserveWst, "_swapAndAdd"),
  );
  if (liquidity === 0n) {
    r.wstEthAdded = 0n;
    r.tokensAdded = 0n;
  } else {
    w.machineWst = moveOut(w.machineWst, r.wstEthAdded, input.machine);
    w.pairWst += r.wstEthAdded;
    w.machineTokens = moveOut(w.machineTokens, r.tokensAdded, input.machine);
    w.pairTokens += r.tokensAdded;
    const [b0, b1] = balances(w, p.tokenIsToken0);
    const minted = pairMint(w.pair, b0, b1, input.machine, input.now);
    w.pair = minted.pair;
    r.liquidityMinted = minted.liquidity;
  }
  r.carryWstEthOut = keep - r.wstEthAdded;
  r.carryTokensOut = tokens - r.tokensAdded;
  reportPool(r, w, p.tokenIsToken0);
  return { ...p, carryWstEth: wrap(r.carryWstEthOut, 128), carryTokens: wrap(r.carryTokensOut, 128) };
};
