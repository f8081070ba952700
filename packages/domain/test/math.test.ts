import { assert, describe, it } from "@effect/vitest";
import fc from "fast-check";
import { DomainFailure, RAY, mulDivDown, mulDivUp, rpowDown, wei, bps, address } from "../src/index.js";

const u128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });

describe("mulDivDown / mulDivUp", () => {
  it("up is down or down + 1, and exactly down when the division is exact", () => {
    fc.assert(
      fc.property(u128, u128, fc.bigInt({ min: 1n, max: 1n << 128n }), (x, y, d) => {
        const down = mulDivDown(x, y, d);
        const up = mulDivUp(x, y, d);
        const exact = (x * y) % d === 0n;
        return down === (x * y) / d && up >= down && up - down <= 1n && (exact ? up === down : up === down + 1n);
      }),
    );
  });

  it("hand-checked values", () => {
    assert.strictEqual(mulDivDown(10n, 10n, 3n), 33n);
    assert.strictEqual(mulDivUp(10n, 10n, 3n), 34n);
    assert.strictEqual(mulDivUp(0n, 5n, 0n), 0n); // the contract's short-cut: 0 even for d = 0
  });

  it("panics like Solidity on overflow and division by zero", () => {
    assert.throws(() => mulDivDown(1n << 200n, 1n << 60n, 1n), DomainFailure);
    assert.throws(() => mulDivDown(1n, 1n, 0n), DomainFailure);
  });
});

describe("rpowDown", () => {
  it("matches hand-checked powers", () => {
    assert.strictEqual(rpowDown(RAY / 2n, 3n), RAY / 8n);
    assert.strictEqual(rpowDown(RAY, 1000n), RAY);
    assert.strictEqual(rpowDown(123n, 0n), RAY);
  });

  it("is never above the exact power and non-increasing in n for x ≤ RAY", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: RAY / 2n, max: RAY }), fc.integer({ min: 0, max: 200 }), (x, n) => {
        const z = rpowDown(x, BigInt(n));
        return z * RAY ** BigInt(n) <= x ** BigInt(n) * RAY && rpowDown(x, BigInt(n + 1)) <= z;
      }),
      { numRuns: 200 },
    );
  });
});

describe("unit constructors", () => {
  it("return typed errors naming the input", () => {
    const negative = wei(-1n, "amount");
    assert.isFalse(negative.ok);
    if (!negative.ok) {
      assert.strictEqual(negative.error._tag, "InvalidInput");
      assert.strictEqual(negative.error.input, "amount");
    }
    const tooMany = bps(10_001, "allocation[0].bps");
    assert.isFalse(tooMany.ok);
    if (!tooMany.ok) assert.strictEqual(tooMany.error.input, "allocation[0].bps");
    assert.isFalse(wei("1.5").ok);
    assert.isTrue(wei("1000000000000000000").ok);
    assert.isFalse(address("0x12", "receiver").ok);
    const ok = address("0x" + "AB".repeat(20));
    assert.isTrue(ok.ok && ok.value === "0x" + "ab".repeat(20));
  });
});
