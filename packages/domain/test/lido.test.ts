import { assert, describe, it } from "@effect/vitest";
import fc from "fast-check";
import { lido, type Shares, type Wei, type Wst } from "../src/index.js";

const rateArb = fc
  .record({
    totalShares: fc.bigInt({ min: 10n ** 18n, max: 1n << 100n }),
    permille: fc.bigInt({ min: 400n, max: 4_000n }),
  })
  .map(({ totalShares, permille }) => ({ totalShares, totalPooledEther: (totalShares * permille) / 1000n }));

describe("Lido share arithmetic", () => {
  it("hand-checked conversions after a 10% rebase", () => {
    const rate = { totalShares: 100n, totalPooledEther: 110n };
    assert.strictEqual(lido.sharesByPooledEth(rate, 10n as Wei), 9n); // floor(1000/110)
    assert.strictEqual(lido.pooledEthByShares(rate, 9n as Shares), 9n); // floor(990/100): 1 wei lost on a transfer
    assert.strictEqual(lido.wrapAmount(rate, 10n as Wei), 9n);
    assert.deepStrictEqual(lido.unwrapAmount(rate, 9n as Wst), { stEth: 9n, sharesMoved: 8n });
  });

  it("a transfer never delivers more than sent, and loses at most ceil(rate) wei", () => {
    fc.assert(
      fc.property(rateArb, fc.bigInt({ min: 0n, max: 1n << 100n }), (rate, amount) => {
        const delivered = lido.balanceOf(rate, lido.transferShares(rate, amount as Wei));
        const slack = rate.totalPooledEther / rate.totalShares + 2n;
        return delivered <= amount && amount - delivered <= slack;
      }),
    );
  });
});
