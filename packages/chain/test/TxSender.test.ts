/** TxSender's pure fee rules: fees under the caps and the replacement bump (the keeper's fault tests cover the sends). */
import { assert, describe, it } from "@effect/vitest";
import { Either } from "effect";
import { bumpFee, feesUnderCaps } from "../src/TxSender.js";

const gwei = (n: number) => BigInt(Math.round(n * 1e9));

describe("fees", () => {
  it("maxFee = min(2 × base + tip, cap), tip = min(suggested, cap), never a tip above maxFee; GasAboveCap at the cap", () => {
    const caps = { maxFeePerGas: gwei(100), maxPriorityFeePerGas: gwei(2) };
    assert.deepStrictEqual(
      feesUnderCaps(gwei(10), gwei(1), caps),
      Either.right({ maxFeePerGas: gwei(21), maxPriorityFeePerGas: gwei(1), effectiveGasPrice: gwei(11) }),
    );
    assert.deepStrictEqual(
      feesUnderCaps(gwei(10), gwei(5), caps),
      Either.right({ maxFeePerGas: gwei(22), maxPriorityFeePerGas: gwei(2), effectiveGasPrice: gwei(12) }),
    );
    assert.deepStrictEqual(
      feesUnderCaps(gwei(60), gwei(2), caps),
      Either.right({ maxFeePerGas: gwei(100), maxPriorityFeePerGas: gwei(2), effectiveGasPrice: gwei(62) }),
    );
    const tight = { maxFeePerGas: gwei(1), maxPriorityFeePerGas: gwei(1) };
    assert.deepStrictEqual(
      feesUnderCaps(gwei(0.9), gwei(1), tight),
      Either.right({ maxFeePerGas: gwei(1), maxPriorityFeePerGas: gwei(1), effectiveGasPrice: gwei(1) }),
    );
    const above = feesUnderCaps(gwei(100), 0n, caps);
    assert.isTrue(Either.isLeft(above) && above.left._tag === "GasAboveCap" && above.left.baseFee === gwei(100));
  });

  it("a replacement bump is at least +12.5 % and strictly more, for every fee", () => {
    for (const fee of [0n, 1n, 7n, 8n, 999n, gwei(1), gwei(1.234567891), 10n ** 30n]) {
      const bumped = bumpFee(fee);
      assert.isTrue(bumped * 1000n >= fee * 1125n && bumped > fee, `${fee} → ${bumped}`);
      assert.isTrue(bumped <= (fee * 1125n) / 1000n + 2n, `${fee} → ${bumped}: no more than needed`);
    }
  });
});
