import { assert, describe, it } from "@effect/vitest";
import fc from "fast-check";
import { DomainFailure, uniswap } from "../src/index.js";

const A = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as const;

/** floor(√y) by bisection, as the naive reference. */
const naiveSqrt = (y: bigint): bigint => {
  let lo = 0n;
  let hi = 1n << 128n;
  while (lo < hi) {
    const mid = (lo + hi + 1n) / 2n;
    if (mid * mid <= y) lo = mid;
    else hi = mid - 1n;
  }
  return lo;
};

describe("Uniswap V2 math", () => {
  it("the fast sqrt equals Uniswap's Babylonian loop verbatim", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (y) => uniswap.sqrt(y) === uniswap.sqrtBabylonian(y)),
    );
    for (const y of [
      0n,
      1n,
      3n,
      4n,
      15n,
      16n,
      17n,
      (1n << 256n) - 1n,
      (1n << 224n) - 1n,
      10n ** 36n - 1n,
      10n ** 36n,
    ]) {
      assert.strictEqual(uniswap.sqrt(y), uniswap.sqrtBabylonian(y), String(y));
    }
  });

  it("Babylonian sqrt is the floor square root", () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (y) => uniswap.sqrt(y) === naiveSqrt(y)));
    for (const [y, r] of [
      [0n, 0n],
      [1n, 1n],
      [3n, 1n],
      [4n, 2n],
      [15n, 3n],
      [16n, 4n],
    ] as const) {
      assert.strictEqual(uniswap.sqrt(y), r);
    }
  });

  it("getAmountOut: hand-checked 1 in against 100/100 → 0.987…", () => {
    // 1e18 * 997 * 100e18 / (100e18 * 1000 + 997e18) = 987158034397061298
    assert.strictEqual(uniswap.getAmountOut(10n ** 18n, 100n * 10n ** 18n, 100n * 10n ** 18n), 987158034397061298n);
  });

  it("getAmountOut never leaves the pair below k", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 1n << 100n }),
        fc.bigInt({ min: 1000n, max: 1n << 100n }),
        fc.bigInt({ min: 1000n, max: 1n << 100n }),
        (amountIn, rIn, rOut) => {
          const out = uniswap.getAmountOut(amountIn, rIn, rOut);
          return (rIn * 1000n + amountIn * 997n) * (rOut - out) >= rIn * rOut * 1000n;
        },
      ),
    );
  });

  it("first and later mint liquidity", () => {
    assert.strictEqual(uniswap.firstMintLiquidity(4_000_000n, 1_000_000n), 2_000_000n - 1000n);
    assert.throws(() => uniswap.firstMintLiquidity(1000n, 999n), DomainFailure);
    assert.strictEqual(uniswap.laterMintLiquidity(10n, 30n, 100n, 100n, 200n), 10n); // min(10, 15)
  });

  it("cumulative prices wrap the uint32 timestamp and accrue with the old reserves", () => {
    const base = uniswap.emptyPair(A(1), A(2));
    const pair = { ...base, reserve0: 2n, reserve1: 6n, blockTimestampLast: (1n << 32n) - 10n };
    // 20 s later the uint32 clock has wrapped to 10: elapsed is still 20.
    const now = (1n << 32n) + 10n;
    const price0 = (6n << 112n) / 2n;
    assert.strictEqual(uniswap.currentCumulative(pair, true, now), price0 * 20n);
    const updated = uniswap.pairUpdate(pair, 5n, 5n, now);
    assert.strictEqual(updated.price0CumulativeLast, price0 * 20n);
    assert.strictEqual(updated.blockTimestampLast, 10n);
    assert.strictEqual(uniswap.currentCumulative(updated, true, now), price0 * 20n);
  });

  it("the uint256 cumulative wraps", () => {
    const pair = {
      ...uniswap.emptyPair(A(1), A(2)),
      reserve0: 1n,
      reserve1: 1n,
      price0CumulativeLast: (1n << 256n) - 1n,
    };
    assert.strictEqual(uniswap.currentCumulative(pair, true, 1n), (1n << 112n) - 1n);
  });

  it("swap enforces K and the output checks", () => {
    const pair = {
      ...uniswap.emptyPair(A(1), A(2)),
      reserve0: 1_000_000n,
      reserve1: 1_000_000n,
      totalSupply: 1_000_000n,
    };
    const out = uniswap.getAmountOut(1000n, 1_000_000n, 1_000_000n);
    const swapped = uniswap.pairSwap(pair, 0n, out, 1_001_000n, 1_000_000n - out, 5n);
    assert.strictEqual(swapped.amount0In, 1000n);
    assert.strictEqual(swapped.pair.reserve1, 1_000_000n - out);
    assert.throws(() => uniswap.pairSwap(pair, 0n, out + 1n, 1_001_000n, 1_000_000n - out - 1n, 5n), DomainFailure);
  });
});
