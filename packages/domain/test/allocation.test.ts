import { assert, describe, it } from "@effect/vitest";
import fc from "fast-check";
import { allocation, type Bps, type Wei } from "../src/index.js";

/** 1..8 positive weights summing to 10_000. */
const weights = fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 8 }).map((raw) => {
  const total = raw.reduce((a, b) => a + b, 0);
  const scaled = raw.map((w) => Math.max(1, Math.floor((w * 10_000) / total)));
  const diff = 10_000 - scaled.reduce((a, b) => a + b, 0);
  scaled[scaled.length - 1] = (scaled[scaled.length - 1] as number) + diff;
  return scaled.every((w) => w >= 1) ? scaled.map(BigInt) : [10_000n];
});

describe("Allocation.split", () => {
  it("parts sum exactly to the principal; each part is its floor, the first largest gets the remainder", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 96n) - 1n }), weights, (principal, bps) => {
        const parts = allocation.split(principal as Wei, bps as Bps[]);
        const floors = bps.map((w) => (principal * w) / 10_000n);
        const remainder = principal - floors.reduce((a, b) => a + b, 0n);
        const largest = bps.indexOf(bps.reduce((a, b) => (b > a ? b : a)));
        return (
          parts.reduce((a, b) => a + b, 0n) === principal &&
          parts.every((part, i) => part === (floors[i] as bigint) + (i === largest ? remainder : 0n))
        );
      }),
    );
  });

  it("hand-checked: 100 wei over 3333/3333/3334 → 33, 33, 34", () => {
    assert.deepStrictEqual(allocation.split(100n as Wei, [3333n, 3333n, 3334n] as Bps[]), [33n, 33n, 34n]);
  });

  it("hand-checked: ties go to the first (lowest id): 101 wei over 5000/5000 → 51, 50", () => {
    assert.deepStrictEqual(allocation.split(101n as Wei, [5000n, 5000n] as Bps[]), [51n, 50n]);
  });
});
