import { EPOCH_SECONDS } from "./epoch.js";
import { BPS, RAY, checked, divDown, rpowDown, sub } from "./math.js";
import type { Bps, TokenAmount } from "./units.js";

/** One emission epoch, in seconds (Emission.EPOCH): the machine's epoch, one day. */
export const EMISSION_EPOCH = EPOCH_SECONDS;
/** A decay factor below 1e-9 (in RAY) ends the schedule (Emission.DECAY_FLOOR). */
export const DECAY_FLOOR = 10n ** 18n;

/** Emission.decayFactor: q^k in RAY with q = 1 - decayBps/10_000, or 0 once below DECAY_FLOOR. */
export const decayFactor = (decayBps: Bps, k: bigint): bigint => {
  if (decayBps === 0n) return RAY;
  const factor = rpowDown((RAY / BPS) * (BPS - decayBps), k);
  return factor < DECAY_FLOOR ? 0n : factor;
};

/** Emission.cumulativeAtEpoch: uncapped cumulative emission after `k` whole epochs (floor). */
export const cumulativeAtEpoch = (dailyEmission: TokenAmount, decayBps: Bps, k: bigint): TokenAmount => {
  if (decayBps === 0n) return checked(dailyEmission * k, "cumulativeAtEpoch") as TokenAmount;
  const factor = decayFactor(decayBps, k);
  const numerator = checked(dailyEmission * (RAY - factor) * BPS, "cumulativeAtEpoch");
  return divDown(numerator, decayBps * RAY, "cumulativeAtEpoch") as TokenAmount;
};

/**
 * Emission.cumulative: emission `elapsed` seconds after launch, linear within an epoch (floor), capped at `cap`.
 * Monotone in `elapsed` for a fixed schedule, so an accrual C(t1) - C(t0) never underflows.
 */
export const cumulative = (
  dailyEmission: TokenAmount,
  decayBps: Bps,
  cap: TokenAmount,
  elapsed: bigint,
): TokenAmount => {
  const k = elapsed / EMISSION_EPOCH;
  const atStart = cumulativeAtEpoch(dailyEmission, decayBps, k);
  if (atStart >= cap) return cap;
  const atEnd = cumulativeAtEpoch(dailyEmission, decayBps, k + 1n);
  const amount =
    atStart + checked(sub(atEnd, atStart, "cumulative") * (elapsed % EMISSION_EPOCH), "cumulative") / EMISSION_EPOCH;
  return (amount > cap ? cap : amount) as TokenAmount;
};

/** A project's schedule as the machine stores it. */
export interface EmissionSchedule {
  readonly dailyEmission: bigint;
  readonly decayBps: bigint;
  readonly emissionCap: bigint;
  readonly startTime: bigint;
}

/** TechnoCapitalMachine._cumulativeEmission: 0 at or before the start, else `cumulative(timestamp - start)`. */
export const emittedUpTo = (schedule: EmissionSchedule, timestamp: bigint): TokenAmount =>
  timestamp <= schedule.startTime
    ? (0n as TokenAmount)
    : cumulative(
        schedule.dailyEmission as TokenAmount,
        schedule.decayBps as Bps,
        schedule.emissionCap as TokenAmount,
        timestamp - schedule.startTime,
      );
