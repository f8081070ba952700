import { assert, describe, it } from "@effect/vitest";
import fc from "fast-check";
import { EPOCH_SECONDS, TimestampBeforeGenesisError, epochOf, epochStart } from "../src/index.js";

const GENESIS = 1_700_000_000n;

describe("epochOf", () => {
  it("is 0 for the whole first day", () => {
    assert.strictEqual(epochOf(GENESIS, GENESIS), 0n);
    assert.strictEqual(epochOf(GENESIS, GENESIS + EPOCH_SECONDS - 1n), 0n);
  });

  it("advances exactly at each day boundary", () => {
    assert.strictEqual(epochOf(GENESIS, GENESIS + EPOCH_SECONDS), 1n);
    assert.strictEqual(epochOf(GENESIS, GENESIS + 10n * EPOCH_SECONDS + 5n), 10n);
  });

  it("rejects a timestamp before genesis with a typed error naming both values", () => {
    try {
      epochOf(GENESIS, GENESIS - 1n);
      assert.fail("expected TimestampBeforeGenesisError");
    } catch (error) {
      assert.instanceOf(error, TimestampBeforeGenesisError);
      assert.strictEqual(error._tag, "TimestampBeforeGenesisError");
      assert.strictEqual(error.timestamp, GENESIS - 1n);
      assert.include(error.message, String(GENESIS));
    }
  });

  it("places every timestamp inside [epochStart, next epochStart)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n }), fc.bigInt({ min: 0n, max: 2n ** 40n }), (genesis, offset) => {
        const timestamp = genesis + offset;
        const epoch = epochOf(genesis, timestamp);
        return epochStart(genesis, epoch) <= timestamp && timestamp < epochStart(genesis, epoch + 1n);
      }),
    );
  });
});
