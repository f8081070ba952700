import { Either } from "effect";
import { describe, expect, it } from "vitest";
import { formatAllowance, formatUnits, parseAllocation, parseBps, parseDecimal, parseIds } from "../src/units.js";

const right = <A>(e: Either.Either<A, unknown>): A => {
  if (Either.isLeft(e)) throw new Error(`expected Right, got ${String(e.left)}`);
  return e.right;
};
const leftFlag = (e: Either.Either<unknown, { flag: string; message: string }>) =>
  Either.isLeft(e) ? e.left.flag : "no error";

describe("parsing what people type", () => {
  it("decimals scale exactly, refuse extra precision and junk", () => {
    expect(right(parseDecimal("--x", "0.001"))).toBe(10n ** 15n);
    expect(right(parseDecimal("--x", "10000"))).toBe(10n ** 22n);
    expect(right(parseDecimal("--x", "1e6"))).toBe(10n ** 24n);
    expect(right(parseDecimal("--x", "1.5e-3"))).toBe(15n * 10n ** 14n);
    expect(right(parseDecimal("--x", "21_000_000"))).toBe(21n * 10n ** 24n);
    expect(right(parseDecimal("--x", "1000000wei"))).toBe(10n ** 6n);
    expect(right(parseDecimal("--x", "0.000000000000000001"))).toBe(1n);
    expect(leftFlag(parseDecimal("--x", "0.0000000000000000001"))).toBe("--x");
    expect(leftFlag(parseDecimal("--amount", "-1"))).toBe("--amount");
    expect(leftFlag(parseDecimal("--amount", "1.2.3"))).toBe("--amount");
    expect(leftFlag(parseDecimal("--amount", ""))).toBe("--amount");
  });

  it("bps and percentages", () => {
    expect(right(parseBps("--decay", "500"))).toBe(500n);
    expect(right(parseBps("--decay", "5%"))).toBe(500n);
    expect(right(parseBps("--decay", "0.25%"))).toBe(25n);
    expect(right(parseBps("--decay", "100bps"))).toBe(100n);
    expect(leftFlag(parseBps("--decay", "0.001%"))).toBe("--decay");
    expect(leftFlag(parseBps("--decay", "five"))).toBe("--decay");
  });

  it("allocations are sorted by project id; malformed entries name --alloc", () => {
    expect(right(parseAllocation("--alloc", "2:4000, 1:60%"))).toEqual([
      { projectId: 1n, bps: 6000n },
      { projectId: 2n, bps: 4000n },
    ]);
    expect(leftFlag(parseAllocation("--alloc", "1-6000"))).toBe("--alloc");
    expect(leftFlag(parseAllocation("--alloc", ""))).toBe("--alloc");
  });

  it("ids from lists and repeats", () => {
    expect(right(parseIds("--project", ["1,2", "3"]))).toEqual([1n, 2n, 3n]);
    expect(leftFlag(parseIds("--project", ["x"]))).toBe("--project");
  });

  it("formats amounts for people", () => {
    expect(formatUnits(1234567n * 10n ** 15n)).toBe("1,234.567");
    expect(formatUnits(1n)).toBe("0.000000000000000001");
    expect(formatUnits(0n)).toBe("0");
  });
});

describe("formatAllowance", () => {
  it("reads max uint256 as unlimited and anything below it as an amount", () => {
    expect(formatAllowance(2n ** 256n - 1n)).toBe("unlimited");
    expect(formatAllowance(2n ** 256n - 2n)).not.toBe("unlimited");
    expect(formatAllowance(5n * 10n ** 17n)).toBe("0.5");
  });
});
