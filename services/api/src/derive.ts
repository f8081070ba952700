/**
 * Values the API derives from one block's chain state with @tcm/domain's formulas (no I/O). Every formula is
 * also stated in the schema's descriptions.
 */
import type { ProjectDetails, Snapshot } from "@tcm/chain";
import { emission, lido, nextHarvestTime, yieldMath } from "@tcm/domain";

const WAD = 10n ** 18n;
const BPS = 10_000n;
const DAY = 86_400n;
const DAYS_PER_YEAR = 365n;

export const rateOf = (snapshot: Snapshot) => ({
  totalShares: snapshot.lido.totalShares,
  totalPooledEther: snapshot.lido.totalPooledEther,
});

/** stETH per wstETH, 1e18 scale (wstETH.stEthPerToken). */
export const stEthPerWstEth = (snapshot: Snapshot): bigint => lido.stEthPerWst(rateOf(snapshot));

/** 1e18-scaled fixed point as a decimal string, trailing zeros trimmed ("1.5", "0.000001", "12"). */
export const formatUnits = (value: bigint, decimals = 18): string => {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  const fraction = (abs % base).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction.length > 0 ? `.${fraction}` : ""}`;
};

/** Spot price, wstETH per token (1e18): reserveWstEth × 1e18 / reserveTokens; null before the pool is seeded. */
export const spotPrice = (d: ProjectDetails): bigint | null =>
  d.pair.reserveTokens === 0n || d.pair.reserveWstEth === 0n ? null : (d.pair.reserveWstEth * WAD) / d.pair.reserveTokens;

/**
 * The price the machine trusts, wstETH per token (1e18, rounded down): getProject's UQ112x112 referencePrice × 1e18
 * / 2^112 (the scale of the DeployReport and of the subgraph); null before the pool opens.
 */
export const referencePrice = (d: ProjectDetails): bigint | null =>
  d.project.seeded ? (d.project.referencePrice * 10n ** 18n) >> 112n : null;

/** nextDeployTime(projectId): lastStepTime + stepInterval. */
export const nextDeployAt = (snapshot: Snapshot, d: ProjectDetails): bigint =>
  d.project.lastStepTime + snapshot.protocol.config.stepInterval;

export const schedule = (d: ProjectDetails): emission.EmissionSchedule => ({
  dailyEmission: d.project.dailyEmission,
  decayBps: d.project.decayBps,
  emissionCap: d.project.emissionCap,
  startTime: d.project.startTime,
});

/** Tokens the schedule emits over the current emission epoch (all of it: depositors + contributor share). */
export const emissionPerDay = (d: ProjectDetails, now: bigint): bigint => {
  const s = schedule(d);
  if (now < s.startTime) return s.dailyEmission;
  const k = (now - s.startTime) / DAY;
  const start = emission.emittedUpTo(s, s.startTime + k * DAY);
  const end = emission.emittedUpTo(s, s.startTime + (k + 1n) * DAY);
  return end - start;
};

/** The depositors' part of the emission: emissionPerDay × (10,000 − contributorBps) / 10,000. */
export const depositorEmissionPerDay = (d: ProjectDetails, now: bigint): bigint =>
  (emissionPerDay(d, now) * (BPS - d.project.contributorBps)) / BPS;

export const emittedSupply = (d: ProjectDetails, now: bigint): bigint => emission.emittedUpTo(schedule(d), now);

/** Value of the machine's LP in wstETH: lpHeldByMachine × reserveWstEth × 2 / lpTotalSupply. */
export const lockedLiquidityValueWstEth = (d: ProjectDetails): bigint =>
  d.pair.totalSupply === 0n ? 0n : (d.pair.lpHeldByMachine * d.pair.reserveWstEth * 2n) / d.pair.totalSupply;

export const pendingYield = (snapshot: Snapshot, d: ProjectDetails) => {
  const shares = d.project.pendingYieldScaled >> yieldMath.YIELD_SHIFT;
  return { shares, stEth: lido.pooledEthByShares(rateOf(snapshot), shares as never) as bigint };
};

export const nextHarvestAt = (snapshot: Snapshot, d: ProjectDetails): bigint =>
  nextHarvestTime(snapshot.protocol.config.genesis, d.project.lastHarvestEpoch);

/** The price the APR uses: spot when seeded, else the launch price (the pool opens there). */
export const aprPrice = (d: ProjectDetails): bigint => spotPrice(d) ?? d.project.launchPrice;

/**
 * APR of principal allocated to a project, as a fraction (0.05 = 5 %):
 *   tokensPerDay × price / 1e18 (wstETH/day) × stEthPerWstEth / 1e18 (stETH/day) × 365 / principal.
 * tokensPerDay is the principal's pro-rata share of the depositors' emission. null when principal is 0.
 */
export const aprOf = (snapshot: Snapshot, d: ProjectDetails, tokensPerDay: bigint, principal: bigint): number | null => {
  if (principal === 0n) return null;
  const stEthPerDay = (((tokensPerDay * aprPrice(d)) / WAD) * stEthPerWstEth(snapshot)) / WAD;
  const scaled = (stEthPerDay * DAYS_PER_YEAR * 10n ** 12n) / principal;
  return Number(scaled) / 1e12;
};

/** The project's APR for its allocated principal now (every depositor of the project earns this rate). */
export const projectApr = (snapshot: Snapshot, d: ProjectDetails): number | null =>
  aprOf(snapshot, d, depositorEmissionPerDay(d, snapshot.timestamp), d.project.allocatedPrincipal);

/** Tokens per day a part of principal earns in a project whose allocated principal (after the change) is `total`. */
export const tokensPerDayFor = (d: ProjectDetails, now: bigint, part: bigint, total: bigint): bigint =>
  total === 0n ? 0n : (depositorEmissionPerDay(d, now) * part) / total;
