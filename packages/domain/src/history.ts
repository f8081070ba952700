/**
 * Figures of a project's history (one UTC day, or the pool at a block), each defined once: the API serves them per
 * day and per block, the dashboard draws them. Formulas only: no I/O, no clock.
 */
import { type EmissionSchedule, emittedUpTo } from "./emission.js";
import { EPOCH_SECONDS } from "./epoch.js";
import { WAD } from "./math.js";

/** The scale of a POL share: 1e18 = the machine holds every LP token of the pair. */
export const SHARE_ONE = WAD;

/**
 * The protocol-owned share of a pool: LP tokens held (forever) by the machine ÷ the pair's LP total supply,
 * 1e18-scaled, rounded down; null before the pool has any liquidity. Uniswap V2 locks MINIMUM_LIQUIDITY (1000 wei)
 * at address 0 on the first mint, so even a pool only the machine ever funded stands just below 1e18.
 */
export const polShare = (lpHeldByMachine: bigint, lpTotalSupply: bigint): bigint | null =>
  lpTotalSupply === 0n ? null : (lpHeldByMachine * SHARE_ONE) / lpTotalSupply;

/** The first second after UTC day `dayId` (day = timestamp / 86,400, as the subgraph's day snapshots number them). */
export const dayEnd = (dayId: bigint): bigint => (dayId + 1n) * EPOCH_SECONDS;

/**
 * The moment a day's figures stand at: the end of the day, or `now` while the day is still running.
 */
export const dayCloseTime = (dayId: bigint, now: bigint): bigint => {
  const end = dayEnd(dayId);
  return now < end ? now : end;
};

/** What the emission schedule allows up to the close of day `dayId` (emittedUpTo at dayCloseTime). */
export const scheduledEmissionAtClose = (schedule: EmissionSchedule, dayId: bigint, now: bigint): bigint =>
  emittedUpTo(schedule, dayCloseTime(dayId, now));

/**
 * Emission actually minted: tokens claimed by depositors plus those minted to the contributor recipient. The pool's
 * seed (minted from the seed reserve at the opening) is not emission, so a token's supply is this plus the seed.
 */
export const mintedEmission = (claimedByDepositors: bigint, claimedByContributors: bigint): bigint =>
  claimedByDepositors + claimedByContributors;
