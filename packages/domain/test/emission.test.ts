import { assert, describe, it } from "@effect/vitest";
import fc from "fast-check";
import { emission, RAY, type Bps, type TokenAmount } from "../src/index.js";

const E = 10n ** 18n;
const DAY = 86_400n;

const schedule = fc.record({
  maxSupply: fc.bigInt({ min: E, max: (1n << 96n) - 1n }),
  dailyFraction: fc.bigInt({ min: 1n, max: 1_000_000n }),
  decay: fc.bigInt({ min: 0n, max: 5_000n }),
});

describe("Emission", () => {
  it("hand-checked: no decay is linear per second", () => {
    const c = emission.cumulative((1000n * E) as TokenAmount, 0n as Bps, (10n ** 30n) as TokenAmount, DAY + DAY / 2n);
    assert.strictEqual(c, 1500n * E);
  });

  it("hand-checked: 1% decay emits exactly daily, then daily·1.99 after two epochs", () => {
    const daily = (1000n * E) as TokenAmount;
    assert.strictEqual(emission.cumulativeAtEpoch(daily, 100n as Bps, 1n), 1000n * E);
    assert.strictEqual(emission.cumulativeAtEpoch(daily, 100n as Bps, 2n), 1990n * E);
    assert.strictEqual(emission.decayFactor(100n as Bps, 2n), (RAY * 9801n) / 10_000n);
  });

  it("hand-checked: the cap binds", () => {
    const c = emission.cumulative((1000n * E) as TokenAmount, 0n as Bps, (1200n * E) as TokenAmount, 5n * DAY);
    assert.strictEqual(c, 1200n * E);
  });

  it("the decay factor falls to 0 below DECAY_FLOOR", () => {
    assert.strictEqual(emission.decayFactor(5_000n as Bps, 200n), 0n);
    assert.isTrue(emission.decayFactor(5_000n as Bps, 29n) >= emission.DECAY_FLOOR);
  });

  it("cumulative is monotone in time and never exceeds the cap", () => {
    fc.assert(
      fc.property(
        schedule,
        fc.bigInt({ min: 0n, max: 3_000n * DAY }),
        fc.bigInt({ min: 0n, max: 30n * DAY }),
        ({ maxSupply, dailyFraction, decay }, t, dt) => {
          const daily = ((maxSupply * dailyFraction) / 1_000_000n || 1n) as TokenAmount;
          const c0 = emission.cumulative(daily, decay as Bps, maxSupply as TokenAmount, t);
          const c1 = emission.cumulative(daily, decay as Bps, maxSupply as TokenAmount, t + dt);
          return c0 <= c1 && c1 <= maxSupply;
        },
      ),
      { numRuns: 300 },
    );
  });

  it("whole-epoch amounts never decrease (the DECAY_FLOOR guarantee)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 5_000n }), fc.bigInt({ min: 0n, max: 5_000n }), (decay, k) => {
        const daily = (10n ** 27n) as TokenAmount;
        return (
          emission.cumulativeAtEpoch(daily, decay as Bps, k) <= emission.cumulativeAtEpoch(daily, decay as Bps, k + 1n)
        );
      }),
      { numRuns: 300 },
    );
  });
});
