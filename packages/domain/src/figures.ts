/**
 * Every derived figure an integrator or operator sees, each defined once: the CLI, the API, the keeper and
 * `npm start` compute them here and nowhere else. Inputs are plain bigints and small records whose field names are
 * the machine's own (getProject, the pair's reserves, Lido's totals), so a `ProjectView` read from the chain can be
 * passed as it is. Formulas only: no I/O, no clock (callers pass `now`, the block's timestamp).
 *
 * Prices are wstETH per token, 1e18-scaled (WAD). Token amounts are 18-decimal wei; stETH figures are stETH wei.
 */
import { type EmissionSchedule, emittedUpTo } from "./emission.js";
import { EPOCH_SECONDS, nextHarvestTime } from "./epoch.js";
import type { DeployReport, HarvestProject } from "./harvest.js";
import { nextDeployTime } from "./harvest.js";
import { type ShareRate, pooledEthByShares, stEthPerWst } from "./lido.js";
import { BPS, WAD } from "./math.js";
import { accruedOf, contributorShareOf, REWARD_SHIFT } from "./rewards.js";
import { asShares, asWei } from "./units.js";
import { priceUQ112, twapUQ, uqToWad } from "./uniswap.js";
import { YIELD_SHIFT, deficitWithdrawalShares, withdrawalShares } from "./yield.js";

// ------------------------------------------------------------------ constants

/** The window of every "per day" figure: one day, the length of an epoch (86,400 s). */
export const DAY_SECONDS = EPOCH_SECONDS;
/** An APR annualises a day's figure over this many days (simple, not compounded). */
export const DAYS_PER_YEAR = 365n;
/** APRs are computed in integers to this resolution (1e-12) before they become a JavaScript number. */
const APR_RESOLUTION = 10n ** 12n;
/** Price changes in bps are computed in integers to this resolution (1e-6 bps). */
const BPS_RESOLUTION = 1_000_000n;

// ------------------------------------------------------------------ emission

/**
 * Tokens the project's schedule emits over the next day, [now, now + 1 day): emittedUpTo(now + 1 day) −
 * emittedUpTo(now), contributor share included, decay and cap respected.
 *
 * Why the next 24 hours rather than the current emission epoch: it is what a depositor who joins now will see accrue
 * over the day that follows (the schedule is linear within an epoch, so a window that straddles an epoch boundary
 * weighs both epochs by the time spent in each), it never jumps at an epoch boundary, and it falls to 0 exactly when
 * the cap is reached. The machine's `emittedUpTo` view gives it to the wei (tested against the contract).
 */
export const emissionPerDay = (schedule: EmissionSchedule, now: bigint): bigint =>
  emittedUpTo(schedule, now + DAY_SECONDS) - emittedUpTo(schedule, now);

/** A schedule and the contributor share of its emission (getProject's fields). */
export interface EmissionTerms extends EmissionSchedule {
  readonly contributorBps: bigint;
}

/**
 * The depositors' part of `emissionPerDay`: the day's emission minus the contributor share, rounded as the
 * contract's _accrue rounds it (contributor = floor(emitted · contributorBps / 10,000), depositors get the rest),
 * i.e. what one accrual covering the whole day would credit to the reward index.
 */
export const depositorEmissionPerDay = (terms: EmissionTerms, now: bigint): bigint => {
  const emitted = emissionPerDay(terms, now);
  return emitted - contributorShareOf(emitted, terms.contributorBps);
};

/**
 * Tokens per day earned by `part` of principal in a project whose allocated principal (including `part`) is
 * `projectPrincipal`, given the project's `depositorEmissionPerDay`: the reward index's own arithmetic,
 * floor(part · floor((perDay << 64) / projectPrincipal) / 2^64), which is exactly what the contract credits a part
 * over a day covered by one accrual (a first deposit in a project earns exactly this over the next day). 0 when the
 * project has no principal.
 */
export const tokensPerDay = (depositorPerDay: bigint, part: bigint, projectPrincipal: bigint): bigint =>
  projectPrincipal === 0n ? 0n : accruedOf(part, (depositorPerDay << REWARD_SHIFT) / projectPrincipal);

// ------------------------------------------------------------------ prices

/**
 * The pool's spot price, wstETH per token (1e18): the machine's own conversion, reserves → UQ112x112 → 1e18
 * (uqToWad(priceUQ112(reserveWstEth, reserveTokens)), what DeployReport.spotPrice reports), so spot, reference and
 * ceiling prices compare exactly. null while the pool is not open (a reserve is 0): there is no spot price before the
 * first deploy step seeds the pool; see `quotePrice` for the price a token is valued at then.
 */
export const spotPrice = (reserveWstEth: bigint, reserveTokens: bigint): bigint | null =>
  reserveWstEth === 0n || reserveTokens === 0n ? null : uqToWad(priceUQ112(reserveWstEth, reserveTokens));

/**
 * The price a token is valued at (APR, position values), wstETH per token (1e18): the spot price once the pool is
 * open, else the launch price, the opening price at which the first deploy step seeds the pool.
 */
export const quotePrice = (spot: bigint | null, launchPrice: bigint): bigint => spot ?? launchPrice;

/**
 * The price the machine trusts, wstETH per token (1e18, rounded down): getProject's UQ112x112 referencePrice
 * converted like DeployReport.referencePrice; null before the pool opens (the reference is 0 until then).
 */
export const referencePrice = (referencePriceUQ: bigint, seeded: boolean): bigint | null =>
  seeded ? uqToWad(referencePriceUQ) : null;

/**
 * The time-weighted average price of the token, wstETH per token (1e18), since `observationTime`: the pair's
 * cumulative price of the token now (uniswap.currentCumulative) against the one the project recorded then, as
 * DeployLogic.referenceNow takes it. null when no time has passed.
 */
export const twapSince = (
  observation: Pick<HarvestProject, "observationTime" | "observationCumulative">,
  cumulativeNow: bigint,
  now: bigint,
): bigint | null =>
  now <= observation.observationTime
    ? null
    : uqToWad(twapUQ(cumulativeNow, observation.observationCumulative, now - observation.observationTime));

/**
 * How far a price moved, in bps of the price before: (after − before) · 10,000 / before (signed; 1e-6 bps
 * resolution, toward zero). null when there was no price before.
 */
export const priceChangeBps = (before: bigint | null, after: bigint | null): number | null =>
  before === null || before === 0n || after === null
    ? null
    : Number(((after - before) * BPS * BPS_RESOLUTION) / before) / Number(BPS_RESOLUTION);

/**
 * The one "price impact" figure: how far a deploy step moved the pool's spot price, from spot before the step (its
 * report's spotPrice) to spot after its buy and its add (the report's reserves), in bps. null for the opening step
 * (no price before it) and for a step that did not see an open pool.
 */
export const stepPriceChangeBps = (
  r: Pick<DeployReport, "spotPrice" | "reserveWstEth" | "reserveTokens" | "tokensSeeded">,
): number | null =>
  r.tokensSeeded > 0n ? null : priceChangeBps(r.spotPrice, spotPrice(r.reserveWstEth, r.reserveTokens));

/**
 * The least a trade may return: `quote` less `slippageBps` of it, rounded down (quote · (10,000 − slippage) /
 * 10,000). Throws a RangeError for a slippage outside 0..10,000 bps (callers validate user input first).
 */
export const minOutFromSlippage = (quote: bigint, slippageBps: bigint): bigint => {
  if (slippageBps < 0n || slippageBps > BPS)
    throw new RangeError(`slippageBps must be within 0..${BPS}, got ${slippageBps}`);
  return (quote * (BPS - slippageBps)) / BPS;
};

// ------------------------------------------------------------------ values and APR

/** stETH per wstETH (1e18), wstETH.stEthPerToken at Lido's current totals. */
export const stEthPerWstEth = (rate: ShareRate): bigint => stEthPerWst(rate);

/**
 * The stETH value of `tokens` at `price` (wstETH per token, 1e18): tokens · price / 1e18 wstETH, then
 * · stEthPerWstEth / 1e18 stETH, each step rounded down.
 */
export const tokenValueStEth = (tokens: bigint, price: bigint, stEthPerWstEthValue: bigint): bigint =>
  (((tokens * price) / WAD) * stEthPerWstEthValue) / WAD;

/**
 * The APR of `principal` stETH that earns `stEthPerDay` of value a day, as a fraction (0.05 = 5 %): simple
 * annualisation, stEthPerDay · 365 / principal (computed to 1e-12, rounded down). null when principal is 0.
 */
export const aprOf = (stEthPerDay: bigint, principal: bigint): number | null =>
  principal === 0n ? null : Number((stEthPerDay * DAYS_PER_YEAR * APR_RESOLUTION) / principal) / Number(APR_RESOLUTION);

/** One line of a position (or a project) for an APR: the tokens it earns a day and the price they are valued at. */
export interface EarningLine {
  readonly tokensPerDay: bigint;
  /** quotePrice of the project's token. */
  readonly price: bigint;
}

/**
 * The APR of `principal` spread over `lines`: Σ tokenValueStEth(tokensPerDay, price) over the lines, annualised by
 * `aprOf`. The one APR: a project's (its depositors' emission over its allocated principal), a part's, a position's.
 */
export const aprOfLines = (
  lines: ReadonlyArray<EarningLine>,
  principal: bigint,
  stEthPerWstEthValue: bigint,
): number | null =>
  aprOf(
    lines.reduce((sum, l) => sum + tokenValueStEth(l.tokensPerDay, l.price, stEthPerWstEthValue), 0n),
    principal,
  );

/**
 * Value of the machine's LP tokens in wstETH: lpHeld · reserveWstEth · 2 / lpTotalSupply (the token side valued at
 * spot, so twice the wstETH side), rounded down; 0 before any liquidity exists.
 */
export const lockedLiquidityValueWstEth = (lpHeld: bigint, reserveWstEth: bigint, lpTotalSupply: bigint): bigint =>
  lpTotalSupply === 0n ? 0n : (lpHeld * reserveWstEth * 2n) / lpTotalSupply;

/** A project's pending yield: pendingYield(projectId), whole shares of pendingYieldScaled and their stETH value. */
export const pendingYieldOf = (
  pendingYieldScaled: bigint,
  rate: ShareRate,
): { readonly shares: bigint; readonly stEth: bigint } => {
  const shares = pendingYieldScaled >> YIELD_SHIFT;
  return { shares, stEth: pooledEthByShares(rate, asShares(shares)) };
};

// ------------------------------------------------------------------ withdrawals

/** What the machine holds and owes, as deficitStatus and the totals give it. */
export interface MachineBook {
  readonly totalPrincipal: bigint;
  /** stETH shares the machine holds (deficitStatus.sharesHeld). */
  readonly sharesHeld: bigint;
  /** Σ pending yield, shares · 2^32 (assignedYieldScaled). */
  readonly assignedYieldScaled: bigint;
  readonly inDeficit: boolean;
}

export interface WithdrawalFigures {
  /** The position closes: a full withdrawal, which a deficit forces. */
  readonly closes: boolean;
  readonly sharesPaid: bigint;
  /** The stETH the receiver gets (the paid shares at the rate). */
  readonly stEthPaid: bigint;
  /** The principal removed from the position. */
  readonly principalRemoved: bigint;
}

/**
 * What withdraw(amount) pays now, as the contract computes it. Normally floor(amount · totalShares / pooled) shares;
 * in a deficit the whole position goes (amount is ignored) for its pro-rata share of what the machine holds beyond the
 * assigned yield, floor(available · principal / totalPrincipal) shares. Either way the receiver gets those shares'
 * stETH value. The caller checks the contract's preconditions (amount ≤ principal, the remainder ≥ MIN_DEPOSIT).
 */
export const withdrawalOf = (
  book: MachineBook,
  rate: ShareRate,
  principal: bigint,
  amount: bigint,
): WithdrawalFigures => {
  const sharesPaid = book.inDeficit
    ? deficitWithdrawalShares(
        asShares(book.sharesHeld),
        book.assignedYieldScaled,
        asWei(principal),
        book.totalPrincipal,
      )
    : withdrawalShares(asWei(amount), rate);
  const principalRemoved = book.inDeficit ? principal : amount;
  return {
    closes: principalRemoved === principal,
    sharesPaid,
    stEthPaid: pooledEthByShares(rate, asShares(sharesPaid)),
    principalRemoved,
  };
};

/** What withdrawing the whole `principal` pays now (stETH): withdrawalOf's stEthPaid for amount = principal. */
export const withdrawableNow = (book: MachineBook, rate: ShareRate, principal: bigint): bigint =>
  principal === 0n ? 0n : withdrawalOf(book, rate, principal, principal).stEthPaid;

// ------------------------------------------------------------------ times

/** When the project can next be harvested: the first second of the epoch after its last harvest (nextHarvestTime). */
export const nextHarvestAt = (genesis: bigint, lastHarvestEpoch: bigint): bigint =>
  nextHarvestTime(genesis, lastHarvestEpoch);

/** When the project's next deploy step is due at the earliest: lastStepTime + stepInterval (nextDeployTime). */
export const nextDeployAt = (lastStepTime: bigint, stepInterval: bigint): bigint =>
  nextDeployTime({ lastStepTime }, stepInterval);

// ------------------------------------------------------------------ a project's figures in one call

/** What `projectFigures` reads: getProject's fields, the pair's reserves and LP, Lido's totals, the machine's config. */
export interface ProjectFigureInputs {
  readonly project: EmissionTerms & {
    readonly seeded: boolean;
    readonly launchPrice: bigint;
    readonly referencePrice: bigint;
    readonly allocatedPrincipal: bigint;
    readonly pendingYieldScaled: bigint;
    readonly lastHarvestEpoch: bigint;
    readonly lastStepTime: bigint;
  };
  readonly pair: {
    readonly reserveWstEth: bigint;
    readonly reserveTokens: bigint;
    readonly totalSupply: bigint;
    readonly lpHeldByMachine: bigint;
  };
  readonly rate: ShareRate;
  readonly genesis: bigint;
  readonly stepInterval: bigint;
  /** The block's timestamp. */
  readonly now: bigint;
}

export interface ProjectFigures {
  readonly spotPrice: bigint | null;
  readonly quotePrice: bigint;
  readonly referencePrice: bigint | null;
  readonly emissionPerDay: bigint;
  readonly depositorEmissionPerDay: bigint;
  /** What the project's whole allocated principal earns a day (tokensPerDay of allocatedPrincipal). */
  readonly tokensPerDay: bigint;
  /** The APR every depositor of the project earns now; null with no allocated principal. */
  readonly apr: number | null;
  readonly emittedSupply: bigint;
  readonly lockedLiquidityValueWstEth: bigint;
  readonly pendingYield: { readonly shares: bigint; readonly stEth: bigint };
  readonly nextHarvestTime: bigint;
  readonly nextDeployTime: bigint;
  readonly stEthPerWstEth: bigint;
}

/** Every per-project figure at one block, from the definitions above (the CLI and the API show these). */
export const projectFigures = (input: ProjectFigureInputs): ProjectFigures => {
  const { project: p, pair, rate, now } = input;
  const spot = spotPrice(pair.reserveWstEth, pair.reserveTokens);
  const quote = quotePrice(spot, p.launchPrice);
  const depositorPerDay = depositorEmissionPerDay(p, now);
  const perDay = tokensPerDay(depositorPerDay, p.allocatedPrincipal, p.allocatedPrincipal);
  const stEthPerWst = stEthPerWstEth(rate);
  return {
    spotPrice: spot,
    quotePrice: quote,
    referencePrice: referencePrice(p.referencePrice, p.seeded),
    emissionPerDay: emissionPerDay(p, now),
    depositorEmissionPerDay: depositorPerDay,
    tokensPerDay: perDay,
    apr: aprOfLines([{ tokensPerDay: perDay, price: quote }], p.allocatedPrincipal, stEthPerWst),
    emittedSupply: emittedUpTo(p, now),
    lockedLiquidityValueWstEth: lockedLiquidityValueWstEth(pair.lpHeldByMachine, pair.reserveWstEth, pair.totalSupply),
    pendingYield: pendingYieldOf(p.pendingYieldScaled, rate),
    nextHarvestTime: nextHarvestAt(input.genesis, p.lastHarvestEpoch),
    nextDeployTime: nextDeployAt(p.lastStepTime, input.stepInterval),
    stEthPerWstEth: stEthPerWst,
  };
};
