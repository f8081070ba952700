/** src/history.ts: the POL share, a day's close, scheduled vs minted emission. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  SHARE_ONE,
  dayCloseTime,
  dayEnd,
  emission,
  mintedEmission,
  polShare,
  scheduledEmissionAtClose,
} from "../src/index.js";

describe("polShare", () => {
  it("is null before the pool has liquidity, 1e18 for all of it, rounded down otherwise", () => {
    expect(polShare(0n, 0n)).toBeNull();
    expect(polShare(5n, 5n)).toBe(SHARE_ONE);
    expect(polShare(1n, 3n)).toBe(333_333_333_333_333_333n);
    // The pool the machine alone funded: MINIMUM_LIQUIDITY (1000 wei) is locked at address 0.
    const minted = 10n ** 18n;
    expect(polShare(minted - 1000n, minted)).toBe(SHARE_ONE - 1000n);
  });

  it("never exceeds 1e18 and is monotone in the LP held", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2n ** 128n }), fc.bigInt({ min: 0n, max: 2n ** 128n }), (total, a) => {
        const held = a % (total + 1n);
        const share = polShare(held, total)!;
        expect(share).toBeGreaterThanOrEqual(0n);
        expect(share).toBeLessThanOrEqual(SHARE_ONE);
        if (held < total) expect(polShare(held + 1n, total)!).toBeGreaterThanOrEqual(share);
      }),
    );
  });
});

describe("a day's close", () => {
  it("is the first second of the next day, or now while the day runs", () => {
    expect(dayEnd(0n)).toBe(86_400n);
    expect(dayEnd(20_000n)).toBe(20_001n * 86_400n);
    expect(dayCloseTime(20_000n, 20_000n * 86_400n + 5n)).toBe(20_000n * 86_400n + 5n);
    expect(dayCloseTime(20_000n, 20_002n * 86_400n)).toBe(20_001n * 86_400n);
  });

  it("scheduled emission at a close is the schedule's emittedUpTo then", () => {
    const schedule = {
      dailyEmission: 1000n * 10n ** 18n,
      decayBps: 100n,
      emissionCap: 10n ** 24n,
      startTime: 86_400n * 3n,
    };
    expect(scheduledEmissionAtClose(schedule, 2n, 10n ** 9n)).toBe(0n);
    expect(scheduledEmissionAtClose(schedule, 3n, 10n ** 9n)).toBe(emission.emittedUpTo(schedule, 86_400n * 4n));
    expect(scheduledEmissionAtClose(schedule, 3n, 86_400n * 3n + 43_200n)).toBe(500n * 10n ** 18n);
  });
});

describe("mintedEmission", () => {
  it("is the depositors' claims plus the contributors'", () => {
    expect(mintedEmission(7n, 3n)).toBe(10n);
    expect(mintedEmission(0n, 0n)).toBe(0n);
  });
});
