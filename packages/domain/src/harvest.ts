/**
 * The harvest (collect) and the deploy step, exactly as TechnoCapitalMachine._harvest / _stepDue and
 * DeployLogic.step (_open, _trade, referenceNow), to the wei: same integer arithmetic, same rounding (OpenZeppelin
 * Math.sqrt / Math.mulDiv floor, Uniswap V2's getAmountOut and UQ112x112 prices), same checked and truncating casts.
 */
import { EPOCH_SECONDS } from "./epoch.js";
import type { LidoError, TcmError, TokenError } from "./errors.js";
import { type ShareRate, pooledEthByShares, sharesByPooledEth } from "./lido.js";
import { BPS, UINT256_MAX, WAD, addUint, checked, divDown, min, mulDivDown, panic, shl, sub, wrap } from "./math.js";
import { DomainFailure } from "./result.js";
import { type Address, asShares, asWei } from "./units.js";
import {
  MINIMUM_LIQUIDITY,
  Q112,
  type PairState,
  currentCumulative,
  getAmountOut,
  pairMint,
  pairSwap,
  pairSwapPrecheck,
  pairSync,
  priceUQ112,
  sqrt,
  twapUQ,
  uqToWad,
} from "./uniswap.js";
import { YIELD_SHIFT, assignedAfterHarvest, debtAfterHarvest, pendingYieldScaled } from "./yield.js";

// ------------------------------------------------------------------ constants (TechnoCapitalMachine, DeployLogic)

/** TechnoCapitalMachine.MIN_DEPLOY: a deploy step is due only with at least this much pending wstETH. */
export const MIN_DEPLOY = 10n ** 9n;
/** TechnoCapitalMachine.MAX_IMPACT_BPS_LIMIT: maxImpactBps stays below one round trip of pool fees (2 × 0.3 %). */
export const MAX_IMPACT_BPS_LIMIT = 59n;
/** DeployLogic.ZAP_A / ZAP_B: the one-sided "zap" buy, b = (sqrt(r (1997² r + 4·997·1000·budget)) − 1997 r) / (2·997). */
export const ZAP_A = 1997n * 1997n;
export const ZAP_B = 4n * 997n * 1000n;

// ------------------------------------------------------------------ reports

/** What a harvest collected: the Solidity HarvestReport struct, field for field. */
export interface HarvestReport {
  epoch: bigint;
  yieldShares: bigint;
  yieldStEth: bigint;
  bountyShares: bigint;
  bountyStEth: bigint;
  wstEthWrapped: bigint;
  /** The project's pending wstETH after the collection (before any deploy step). */
  pendingWstEth: bigint;
}

export const HARVEST_REPORT_FIELDS = [
  "epoch",
  "yieldShares",
  "yieldStEth",
  "bountyShares",
  "bountyStEth",
  "wstEthWrapped",
  "pendingWstEth",
] as const satisfies ReadonlyArray<keyof HarvestReport>;

export const emptyHarvestReport = (epoch: bigint): HarvestReport => ({
  epoch,
  yieldShares: 0n,
  yieldStEth: 0n,
  bountyShares: 0n,
  bountyStEth: 0n,
  wstEthWrapped: 0n,
  pendingWstEth: 0n,
});

/** Everything a deploy step did: the Solidity DeployReport struct, field for field (prices 1e18-scaled). */
export interface DeployReport {
  pendingIn: bigint;
  carryTokensIn: bigint;
  wstEthSwapped: bigint;
  tokensBought: bigint;
  tokensSeeded: bigint;
  wstEthAdded: bigint;
  tokensAdded: bigint;
  liquidityMinted: bigint;
  bounty: bigint;
  pendingOut: bigint;
  carryTokensOut: bigint;
  spotPrice: bigint;
  referencePrice: bigint;
  ceilingPrice: bigint;
  reserveWstEth: bigint;
  reserveTokens: bigint;
  lpTotalSupply: bigint;
}

export const DEPLOY_REPORT_FIELDS = [
  "pendingIn",
  "carryTokensIn",
  "wstEthSwapped",
  "tokensBought",
  "tokensSeeded",
  "wstEthAdded",
  "tokensAdded",
  "liquidityMinted",
  "bounty",
  "pendingOut",
  "carryTokensOut",
  "spotPrice",
  "referencePrice",
  "ceilingPrice",
  "reserveWstEth",
  "reserveTokens",
  "lpTotalSupply",
] as const satisfies ReadonlyArray<keyof DeployReport>;

export const emptyDeployReport = (): DeployReport => ({
  pendingIn: 0n,
  carryTokensIn: 0n,
  wstEthSwapped: 0n,
  tokensBought: 0n,
  tokensSeeded: 0n,
  wstEthAdded: 0n,
  tokensAdded: 0n,
  liquidityMinted: 0n,
  bounty: 0n,
  pendingOut: 0n,
  carryTokensOut: 0n,
  spotPrice: 0n,
  referencePrice: 0n,
  ceilingPrice: 0n,
  reserveWstEth: 0n,
  reserveTokens: 0n,
  lpTotalSupply: 0n,
});

// ------------------------------------------------------------------ configuration and project fields

/** The machine's immutable harvest (collect) parameters. */
export interface HarvestConfig {
  readonly genesis: bigint;
  readonly bountyBps: bigint;
  readonly maxBounty: bigint;
  readonly minHarvestValue: bigint;
}

/** The machine's immutable deploy-step parameters (DeployLogic.Params, plus stepInterval for `_stepDue`). */
export interface StepConfig {
  /** A step's buy lifts the price at most this far above spot (< 60 bps). */
  readonly maxImpactBps: bigint;
  /** Seconds between two deploy steps of a project. */
  readonly stepInterval: bigint;
  /** How long a price above the reference must hold before steps follow it. */
  readonly followWindow: bigint;
  /** A step's bounty: bps of the wstETH it deployed, capped at maxStepBounty. */
  readonly stepBountyBps: bigint;
  readonly maxStepBounty: bigint;
}

/** The project fields a harvest and a deploy step read and write (TechnoCapitalMachine.Project). */
export interface HarvestProject {
  readonly allocatedPrincipal: bigint;
  readonly yieldDebt: bigint;
  readonly lastHarvestEpoch: bigint;
  readonly lastStepTime: bigint;
  readonly tokenIsToken0: boolean;
  readonly seeded: boolean;
  readonly launchPrice: bigint;
  readonly seedReserve: bigint;
  /** The price the machine trusts, UQ112x112 wstETH per token (0 until the pool opens). */
  readonly referencePrice: bigint;
  /** The start of the current follow window and the pair's cumulative price of the token then. */
  readonly observationTime: bigint;
  readonly observationCumulative: bigint;
  readonly pendingWstEth: bigint;
  readonly carryTokens: bigint;
  readonly totalYieldShares: bigint;
  readonly totalLiquidity: bigint;
}

const revert = (error: TcmError | TokenError | LidoError): never => {
  throw new DomainFailure(error);
};

/** The pair's (wstETH, token) reserves in the project's orientation (PoolOps.reserves). */
export const reservesOf = (pair: PairState, tokenIsToken0: boolean): { reserveWst: bigint; reserveTokens: bigint } =>
  tokenIsToken0
    ? { reserveTokens: pair.reserve0, reserveWst: pair.reserve1 }
    : { reserveTokens: pair.reserve1, reserveWst: pair.reserve0 };

/** OpenZeppelin Math.mulDiv: floor(x * y / d) in 512-bit precision; panics when d = 0 or the result ≥ 2^256. */
export const fullMulDiv = (x: bigint, y: bigint, d: bigint): bigint => {
  if (d === 0n) return panic(0x12, "Math.mulDiv");
  const q = (x * y) / d;
  return q > UINT256_MAX ? panic(0x11, "Math.mulDiv") : q;
};

// ------------------------------------------------------------------ collect

/** Everything a harvest (collect) of one project reads, after the call's checkpoint. */
export interface HarvestInput {
  readonly config: HarvestConfig;
  readonly now: bigint;
  readonly rate: ShareRate;
  /** The yield index and assigned total after this call's checkpoint. */
  readonly accYield: bigint;
  readonly assignedScaled: bigint;
  readonly project: HarvestProject;
}

export type HarvestStatus = "Done" | "AlreadyHarvested" | "NothingToHarvest";

/** A collection's outcome: the contract's HarvestStatus, its report and, when Done, the book writes. */
export interface HarvestPlan {
  readonly status: HarvestStatus;
  readonly report: HarvestReport;
  readonly project: HarvestProject;
  readonly assignedScaled: bigint;
  /** The stETH amount wrapped (MockWstETH.wrap's argument; it mints `report.wstEthWrapped`). */
  readonly stEthWrapped: bigint;
}

/**
 * TechnoCapitalMachine._harvest: takes the project's yield for this epoch (below minHarvestValue:
 * NothingToHarvest), sizes the stETH bounty (bountyBps of the yield, capped by maxBounty) and the wrap, and adds the
 * wstETH to the project's pending wstETH. The ledger moves (bounty transferShares, wrap) are the caller's.
 */
export const planHarvest = (input: HarvestInput): HarvestPlan => {
  const { config, rate, project: p } = input;
  const r = emptyHarvestReport(sub(input.now, config.genesis, "_currentEpoch") / EPOCH_SECONDS);
  const unchanged = { report: r, project: p, assignedScaled: input.assignedScaled, stEthWrapped: 0n };
  if (p.lastHarvestEpoch >= r.epoch) return { ...unchanged, status: "AlreadyHarvested" };

  const pendingScaled = pendingYieldScaled(p.allocatedPrincipal, p.yieldDebt, input.accYield);
  r.yieldShares = pendingScaled >> YIELD_SHIFT;
  r.yieldStEth = mulDivDown(r.yieldShares, rate.totalPooledEther, rate.totalShares);
  if (r.yieldStEth < config.minHarvestValue) return { ...unchanged, status: "NothingToHarvest" };

  r.bountyShares = checked(r.yieldShares * config.bountyBps, "_harvest") / BPS;
  const maxBountyShares = mulDivDown(config.maxBounty, rate.totalShares, rate.totalPooledEther);
  if (r.bountyShares > maxBountyShares) r.bountyShares = maxBountyShares;
  const toWrap = mulDivDown(r.yieldShares - r.bountyShares, rate.totalPooledEther, rate.totalShares);
  r.wstEthWrapped = mulDivDown(toWrap, rate.totalShares, rate.totalPooledEther);
  // MockStETH.transferShares returns the stETH the shares are worth (the rate does not move within the call).
  if (r.bountyShares !== 0n) r.bountyStEth = pooledEthByShares(rate, asShares(r.bountyShares));

  r.pendingWstEth = checked(p.pendingWstEth + r.wstEthWrapped, "_harvest");
  const project: HarvestProject = {
    ...p,
    yieldDebt: debtAfterHarvest(p.allocatedPrincipal, input.accYield, pendingScaled),
    lastHarvestEpoch: wrap(r.epoch, 32),
    totalYieldShares: addUint(p.totalYieldShares, wrap(r.yieldShares, 128), 128, "_harvest"),
    pendingWstEth: wrap(r.pendingWstEth, 128),
  };
  return {
    status: "Done",
    report: r,
    project,
    assignedScaled: assignedAfterHarvest(input.assignedScaled, r.yieldShares),
    stEthWrapped: toWrap,
  };
};

/** The stETH the bounty's shares are worth, as MockStETH.transferShares returns it. */
export const bountyStEthOf = (rate: ShareRate, bountyShares: bigint): bigint =>
  pooledEthByShares(rate, asShares(bountyShares));

/** What MockWstETH.wrap(stEthAmount) mints (and the shares it pulls). */
export const wrapMinted = (rate: ShareRate, stEthAmount: bigint): bigint => sharesByPooledEth(rate, asWei(stEthAmount));

// ------------------------------------------------------------------ deploy steps

/** TechnoCapitalMachine._stepDue: pending wstETH ≥ MIN_DEPLOY and stepInterval elapsed since the last step. */
export const stepDue = (
  p: Pick<HarvestProject, "pendingWstEth" | "lastStepTime">,
  now: bigint,
  stepInterval: bigint,
): boolean => p.pendingWstEth >= MIN_DEPLOY && now >= p.lastStepTime + stepInterval;

/** TechnoCapitalMachine.nextDeployTime: lastStepTime + stepInterval. */
export const nextDeployTime = (p: Pick<HarvestProject, "lastStepTime">, stepInterval: bigint): bigint =>
  p.lastStepTime + stepInterval;

/**
 * The step's budget: the pending wstETH minus the bounty set aside for deploying all of it,
 * pendingIn − min(pendingIn · bps / (10_000 + bps), maxStepBounty).
 */
export const stepBudget = (pendingIn: bigint, config: Pick<StepConfig, "stepBountyBps" | "maxStepBounty">): bigint =>
  sub(
    pendingIn,
    min(checked(pendingIn * config.stepBountyBps, "step") / (BPS + config.stepBountyBps), config.maxStepBounty),
    "step",
  );

/** The bounty on `deployed` wstETH: stepBountyBps of it, capped at maxStepBounty and at what is left of pendingIn. */
export const stepBounty = (
  deployed: bigint,
  pendingIn: bigint,
  config: Pick<StepConfig, "stepBountyBps" | "maxStepBounty">,
): bigint =>
  min(
    min(checked(deployed * config.stepBountyBps, "step") / BPS, config.maxStepBounty),
    sub(pendingIn, deployed, "step"),
  );

/**
 * DeployLogic.referenceNow: the reference a step trusts now. The stored reference or, when spot is above it and the
 * current window is at least followWindow long, the higher price that held on average over the window:
 * min(spot, TWAP) (a lift counts only as far as it held the whole window).
 */
export const referenceNow = (
  p: Pick<HarvestProject, "referencePrice" | "observationTime" | "observationCumulative">,
  spot: bigint,
  cumulative: bigint,
  followWindow: bigint,
  now: bigint,
): bigint => {
  const reference = p.referencePrice;
  if (spot <= reference) return reference;
  const elapsed = sub(now, p.observationTime, "referenceNow");
  if (elapsed < followWindow) return reference;
  const held = min(spot, twapUQ(cumulative, p.observationCumulative, elapsed));
  return held > reference ? held : reference;
};

/** The buy's ceiling: min(spot, reference) · (1 + maxImpactBps), UQ112x112 (floor); pass min(spot, reference). */
export const ceilingOf = (spot: bigint, maxImpactBps: bigint): bigint =>
  checked(spot * (BPS + maxImpactBps), "_trade") / BPS;

/**
 * The wstETH a buy may spend before the fee-less price (x + dx)² / k reaches `ceiling` (UQ112x112):
 * Math.sqrt(Math.mulDiv(x · y, ceiling, 2^112)) − x, or 0.
 */
export const roomToCeiling = (reserveWst: bigint, reserveTokens: bigint, ceiling: bigint): bigint => {
  const wstAtCeiling = sqrt(fullMulDiv(checked(reserveWst * reserveTokens, "_buy"), ceiling, Q112));
  return wstAtCeiling > reserveWst ? wstAtCeiling - reserveWst : 0n;
};

/**
 * DeployLogic._buy's size: `room` when the band binds (budget · 1000 / 1997 ≥ room), else the zap, the buy after
 * which the add uses the rest of the budget exactly: (Math.sqrt(r · (ZAP_A · r + ZAP_B · budget)) − 1997 r) / 1994.
 */
export const buySize = (budget: bigint, reserveWst: bigint, room: bigint): bigint =>
  checked(budget * 1000n, "_buy") / 1997n >= room
    ? room
    : sub(
        sqrt(
          checked(
            reserveWst * checked(checked(ZAP_A * reserveWst, "_buy") + checked(ZAP_B * budget, "_buy"), "_buy"),
            "_buy",
          ),
        ),
        1997n * reserveWst,
        "_buy",
      ) /
      (2n * 997n);

/**
 * The most wstETH the opening step can pair with the seed reserve: seedReserve × launchPrice / 1e18, rounded down
 * (DeployLogic._openingAmounts); beyond it, wstETH waits as pending and later steps deploy it at the market price.
 */
export const seedReserveValueWstEth = (seedReserve: bigint, launchPrice: bigint): bigint =>
  checked(seedReserve * launchPrice, "_openingAmounts") / WAD;

/** The opening's sizing (DeployLogic._openingAmounts and _open's checks, before anything moves). */
export interface OpenSizing {
  /** Tokens minted from the seed reserve into the pair. */
  readonly tokens: bigint;
  /** The machine's wstETH added. */
  readonly wst: bigint;
  /** The seed reserve could not price all the wstETH the pair will hold. */
  readonly capped: boolean;
  /** The donations alone are worth at least the whole seed reserve at the launch price (the reference stays there). */
  readonly overpriced: boolean;
  /** The pool opens (else the step counts and the wstETH stays pending). */
  readonly opens: boolean;
}

/**
 * DeployLogic._open's sizing: the tokens that price all the wstETH the pair will hold (its balance plus the budget)
 * at the launch price; capped at the seed reserve, in which case the machine adds only the wstETH the reserve's
 * tokens price (none if the donations alone are worth more). At least 1 wei must arrive since the pair's last sync;
 * the pool opens only if that is within the budget and sqrt(tokens · arrived) > MINIMUM_LIQUIDITY.
 */
export const openSizing = (
  inPair: bigint,
  reserveWst: bigint,
  budget: bigint,
  launchPrice: bigint,
  seedReserve: bigint,
): OpenSizing => {
  let tokens = divDown(
    checked(checked(inPair + budget, "_openingAmounts") * WAD, "_openingAmounts"),
    launchPrice,
    "_openingAmounts",
  );
  let wst = budget;
  let overpriced = false;
  const capped = tokens > seedReserve;
  if (capped) {
    tokens = seedReserve;
    const priced = seedReserveValueWstEth(seedReserve, launchPrice);
    wst = priced > inPair ? priced - inPair : 0n;
    overpriced = divDown(checked(inPair * WAD, "_openingAmounts"), launchPrice, "_openingAmounts") >= seedReserve;
  }
  if (inPair + wst === reserveWst) wst = 1n;
  const opens =
    !(wst > budget) && sqrt(checked(tokens * sub(inPair + wst, reserveWst, "_open"), "_open")) > MINIMUM_LIQUIDITY;
  return { tokens, wst, capped, overpriced, opens };
};

/** Everything a deploy step of one project reads. */
export interface StepInput {
  readonly config: StepConfig;
  readonly now: bigint;
  readonly machine: Address;
  readonly pairAddress: Address;
  readonly project: HarvestProject;
  readonly pair: PairState;
  /** Token balances of the pair and of the machine, and the project token's supply and cap. */
  readonly pairWstBalance: bigint;
  readonly pairTokenBalance: bigint;
  readonly machineWstBalance: bigint;
  readonly machineTokenBalance: bigint;
  readonly tokenTotalSupply: bigint;
  readonly tokenMaxSupply: bigint;
}

/**
 * A step's outcome: the report and every write. The bounty (`report.bounty` wstETH from the machine to the caller)
 * is not yet taken from `machineWstBalance`: the caller moves it (it is the last transfer of the step).
 */
export interface StepPlan {
  readonly report: DeployReport;
  readonly project: HarvestProject;
  readonly pair: PairState;
  readonly pairWstBalance: bigint;
  readonly pairTokenBalance: bigint;
  readonly machineWstBalance: bigint;
  readonly machineTokenBalance: bigint;
  readonly tokenTotalSupply: bigint;
  /** The step opened the pool (ProjectToken.seed: the token now accepts transfers to its pair). */
  readonly opened: boolean;
}

/** A mutable working copy of what a step touches. */
interface Working {
  project: HarvestProject;
  pair: PairState;
  pairWst: bigint;
  pairTokens: bigint;
  machineWst: bigint;
  machineTokens: bigint;
  tokenSupply: bigint;
  opened: boolean;
}

/** A project token (OpenZeppelin 5) leaving `sender`. */
const moveOut = (balance: bigint, amount: bigint, sender: Address): bigint =>
  amount > balance ? revert({ _tag: "ERC20InsufficientBalance", sender, balance, needed: amount }) : balance - amount;

/** wstETH (OpenZeppelin 3.4's ERC20, as MockWstETH) leaving the machine. */
const moveOutWst = (balance: bigint, amount: bigint): bigint =>
  amount > balance ? revert({ _tag: "LidoError", reason: "ERC20: transfer amount exceeds balance" }) : balance - amount;

const balances = (w: Working, tokenIsToken0: boolean): [bigint, bigint] =>
  tokenIsToken0 ? [w.pairTokens, w.pairWst] : [w.pairWst, w.pairTokens];

const setObservation = (w: Working, now: bigint, cumulative: bigint): void => {
  w.project = { ...w.project, observationTime: wrap(now, 32), observationCumulative: cumulative };
};

const setReference = (w: Working, now: bigint, price: bigint, cumulative: bigint): void => {
  w.project = { ...w.project, referencePrice: wrap(price, 224) };
  setObservation(w, now, cumulative);
};

/**
 * DeployLogic.step: one deploy step of a project whose step is due (the caller checked). Opens the pool (first
 * step) or trades; pays the bounty on what was deployed. In a block in which the pair was already touched (its
 * blockTimestampLast is now) a seeded project's step does nothing at all, not even count (it stays due). Throws a
 * DomainFailure only where the contract reverts inside a step (a pair or token revert, a panic).
 */
export const planStep = (input: StepInput): StepPlan => {
  const { config, project: p } = input;
  const r = emptyDeployReport();
  r.pendingIn = p.pendingWstEth;
  r.carryTokensIn = p.carryTokens;
  r.carryTokensOut = r.carryTokensIn;
  const budget = stepBudget(r.pendingIn, config);
  const w: Working = {
    project: p,
    pair: input.pair,
    pairWst: input.pairWstBalance,
    pairTokens: input.pairTokenBalance,
    machineWst: input.machineWstBalance,
    machineTokens: input.machineTokenBalance,
    tokenSupply: input.tokenTotalSupply,
    opened: false,
  };
  const done = (): StepPlan => ({
    report: r,
    project: w.project,
    pair: w.pair,
    pairWstBalance: w.pairWst,
    pairTokenBalance: w.pairTokens,
    machineWstBalance: w.machineWst,
    machineTokenBalance: w.machineTokens,
    tokenTotalSupply: w.tokenSupply,
    opened: w.opened,
  });
  if (p.seeded && input.pair.blockTimestampLast === wrap(input.now, 32)) {
    // Someone traded (or synced) in this block before the step: nothing is done and the step stays due.
    const { reserveWst, reserveTokens } = reservesOf(w.pair, p.tokenIsToken0);
    r.pendingOut = r.pendingIn;
    r.reserveWstEth = reserveWst;
    r.reserveTokens = reserveTokens;
    r.lpTotalSupply = w.pair.totalSupply;
    return done();
  }
  w.project = { ...p, lastStepTime: wrap(input.now, 32) };
  const deployed = p.seeded ? trade(input, r, w, budget) : open(input, r, w, budget);
  r.bounty = stepBounty(deployed, r.pendingIn, config);
  r.pendingOut = sub(sub(r.pendingIn, deployed, "step"), r.bounty, "step");
  w.project = {
    ...w.project,
    pendingWstEth: wrap(r.pendingOut, 128),
    carryTokens: wrap(r.carryTokensOut, 95),
    totalLiquidity: addUint(w.project.totalLiquidity, wrap(r.liquidityMinted, 128), 128, "step"),
  };
  const { reserveWst, reserveTokens } = reservesOf(w.pair, p.tokenIsToken0);
  r.reserveWstEth = reserveWst;
  r.reserveTokens = reserveTokens;
  r.lpTotalSupply = w.pair.totalSupply;
  return done();
};

/** DeployLogic._open: returns the machine's wstETH added (0 when the pool does not open yet). */
const open = (input: StepInput, r: DeployReport, w: Working, budget: bigint): bigint => {
  const p = w.project;
  const inPair = w.pairWst;
  const { reserveWst } = reservesOf(w.pair, p.tokenIsToken0);
  const sizing = openSizing(inPair, reserveWst, budget, p.launchPrice, p.seedReserve);
  if (!sizing.opens) return 0n;
  const { tokens, wst } = sizing;
  w.project = { ...p, seeded: true };
  w.machineWst = moveOutWst(w.machineWst, wst);
  w.pairWst += wst;
  // ProjectToken.seed: opens the pool and mints straight into the pair, capped at maxSupply.
  w.opened = true;
  w.tokenSupply += tokens;
  if (w.tokenSupply > input.tokenMaxSupply) {
    revert({ _tag: "ProjectToken_CapExceeded", supplyAfter: w.tokenSupply, maxSupply: input.tokenMaxSupply });
  }
  w.pairTokens += tokens;
  r.tokensSeeded = tokens;
  r.tokensAdded = tokens;
  r.wstEthAdded = wst;
  const [b0, b1] = balances(w, p.tokenIsToken0);
  const minted = pairMint(w.pair, b0, b1, input.machine, input.now);
  w.pair = minted.pair;
  r.liquidityMinted = minted.liquidity;
  r.carryTokensOut = r.carryTokensIn;
  // _referenceAtOpening: the machine trusts the price it opened at; donations alone above the launch price are not
  // trusted (the reference then stays at the launch price). The pair's cumulative price is 0 at its first mint.
  const after = reservesOf(w.pair, p.tokenIsToken0);
  const spot = priceUQ112(after.reserveWst, after.reserveTokens);
  const reference = sizing.overpriced ? shl(p.launchPrice, 112n) / WAD : spot;
  setReference(w, input.now, reference, 0n);
  r.spotPrice = uqToWad(spot);
  r.referencePrice = uqToWad(reference);
  return wst;
};

/** DeployLogic._trade (+ _buy, _add): returns the wstETH deployed (swapped + added). */
const trade = (input: StepInput, r: DeployReport, w: Working, budget: bigint): bigint => {
  const { config, now } = input;
  const tokenIs0 = w.project.tokenIsToken0;
  let { reserveWst: rw, reserveTokens: rt } = reservesOf(w.pair, tokenIs0);
  // wstETH or tokens given to the pair and not synced are made part of the reserves first (UniswapV2Pair.sync).
  if (w.pairWst > rw || w.pairTokens > rt) {
    const [b0, b1] = balances(w, tokenIs0);
    w.pair = pairSync(w.pair, b0, b1, now);
    ({ reserveWst: rw, reserveTokens: rt } = reservesOf(w.pair, tokenIs0));
  }
  const spot = priceUQ112(rw, rt);
  const cumulative = currentCumulative(w.pair, tokenIs0, now);
  const reference = referenceNow(w.project, spot, cumulative, config.followWindow, now);
  r.spotPrice = uqToWad(spot);
  r.referencePrice = uqToWad(reference);
  r.carryTokensOut = r.carryTokensIn;
  // The band is anchored at the lower of spot and the reference: a lift by others takes the place of part of the
  // machine's buy, never moves the price it buys up to.
  const ceiling = ceilingOf(min(spot, reference), config.maxImpactBps);
  if (spot >= ceiling) {
    // Someone lifted the price past the band: the step counts without trading; once a whole window has passed, the
    // machine keeps what it held on average (referenceNow) and starts the next window.
    if (sub(now, w.project.observationTime, "_trade") >= config.followWindow)
      setReference(w, now, reference, cumulative);
    return 0n;
  }

  // _buy: within the band, the zap's share of the budget.
  r.ceilingPrice = uqToWad(ceiling);
  r.wstEthSwapped = buySize(budget, rw, roomToCeiling(rw, rt, ceiling));
  if (r.wstEthSwapped !== 0n) r.tokensBought = getAmountOut(r.wstEthSwapped, rw, rt);
  if (r.tokensBought === 0n) {
    r.wstEthSwapped = 0n;
  } else {
    w.machineWst = moveOutWst(w.machineWst, r.wstEthSwapped);
    w.pairWst += r.wstEthSwapped;
    // The pair sends the output first, then checks K on its balances.
    const [out0, out1] = tokenIs0 ? [r.tokensBought, 0n] : [0n, r.tokensBought];
    pairSwapPrecheck(w.pair, out0, out1, input.machine);
    w.pairTokens = moveOut(w.pairTokens, r.tokensBought, input.pairAddress);
    w.machineTokens += r.tokensBought;
    const [b0, b1] = balances(w, tokenIs0);
    w.pair = pairSwap(w.pair, out0, out1, b0, b1, now).pair;
    // The machine's own view of the reserves after its buy.
    rw = checked(rw + r.wstEthSwapped, "_buy");
    rt = sub(rt, r.tokensBought, "_buy");
  }

  // _add: the bought and carried tokens with the wstETH the reserves need (or as much as `keep` allows).
  const keep = sub(budget, r.wstEthSwapped, "_trade");
  const tokens = checked(r.tokensBought + r.carryTokensIn, "_add");
  const wstNeeded = divDown(checked(tokens * rw, "_add"), rt, "_add");
  if (wstNeeded <= keep) {
    r.tokensAdded = tokens;
    r.wstEthAdded = wstNeeded;
  } else {
    r.tokensAdded = divDown(checked(keep * rt, "_add"), rw, "_add");
    r.wstEthAdded = keep;
  }
  const supply = w.pair.totalSupply;
  const liquidity = min(
    divDown(checked(r.tokensAdded * supply, "_add"), rt, "_add"),
    divDown(checked(r.wstEthAdded * supply, "_add"), rw, "_add"),
  );
  if (liquidity === 0n) {
    r.tokensAdded = 0n;
    r.wstEthAdded = 0n;
  } else {
    w.machineWst = moveOutWst(w.machineWst, r.wstEthAdded);
    w.pairWst += r.wstEthAdded;
    w.machineTokens = moveOut(w.machineTokens, r.tokensAdded, input.machine);
    w.pairTokens += r.tokensAdded;
    const [b0, b1] = balances(w, tokenIs0);
    const minted = pairMint(w.pair, b0, b1, input.machine, now);
    w.pair = minted.pair;
    r.liquidityMinted = minted.liquidity;
  }
  r.carryTokensOut = sub(tokens, r.tokensAdded, "_add");
  const after = reservesOf(w.pair, tokenIs0);
  setReference(w, now, priceUQ112(after.reserveWst, after.reserveTokens), cumulative);
  return r.wstEthSwapped + r.wstEthAdded;
};

/**
 * wstETH a deploy step put into its pool: what it swapped for tokens plus what it added as liquidity (the opening
 * step's seed is part of wstEthAdded). The step's bounty is not deployed.
 */
export const deployedWstEthOf = (r: Pick<DeployReport, "wstEthAdded" | "wstEthSwapped">): bigint =>
  r.wstEthAdded + r.wstEthSwapped;

/** The scale of a deployment ratio: 1e18 = all of the harvested wstETH is in the pool. */
export const RATIO_ONE = WAD;

/**
 * The deployment ratio, the machine's job in one figure: wstETH deployed into the pool (Σ deployedWstEthOf over the
 * project's steps) ÷ wstETH harvested (Σ HarvestReport.wstEthWrapped), 1e18-scaled, rounded down; null before
 * anything was harvested. Step bounties (stepBountyBps of each step) are not deployed, so a project whose pending
 * wstETH is all deployed stands at ≈ 1e18 × BPS / (BPS + stepBountyBps) (99.9 % with the default 10 bps).
 */
export const deploymentRatio = (deployedWstEth: bigint, harvestedWstEth: bigint): bigint | null =>
  harvestedWstEth === 0n ? null : (deployedWstEth * RATIO_ONE) / harvestedWstEth;
