// Display formatting: the text a page shows is the API's integer, scaled by its decimals, digits unchanged.
import fc from "fast-check";
import { formatUnits } from "viem";
import { describe, expect, it } from "vitest";
import { amount, bps, decimal, percent } from "../src/format.js";

describe("format", () => {
  it("amount keeps every digit when places cover the decimals (grouping aside)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 200n }), fc.integer({ min: 0, max: 30 }), (raw, decimals) => {
        expect(amount(raw, decimals, decimals).replaceAll(",", "")).toBe(formatUnits(raw, decimals));
      }),
    );
  });

  it("amount truncates (never rounds up) to `places` decimals, significant ones below 1", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.integer({ min: 0, max: 8 }), (raw, places) => {
        const shown = amount(raw, 18, places).replaceAll(",", "");
        const exact = formatUnits(raw, 18);
        if (shown.startsWith("< ")) {
          // Dust: nonzero and below the smallest shown decimal.
          expect(raw).toBeGreaterThan(0n);
          expect(raw).toBeLessThan(10n ** 10n);
          return;
        }
        // What is shown is a prefix of the exact value (trailing zeros dropped).
        expect(exact.startsWith(shown.replace(/\.$/, ""))).toBe(true);
        expect(Number(shown)).toBeLessThanOrEqual(Number(exact));
      }),
    );
    expect(amount("1234567891234567891234")).toBe("1,234.5678");
    expect(amount("12345678912345")).toBe("0.00001234");
    expect(amount("1")).toBe("< 0.00000001");
    expect(amount("1", 18, 18)).toBe("0.000000000000000001");
    expect(amount(0n)).toBe("0");
    expect(amount(null)).toBe("—");
  });

  it("percentages and basis points drop trailing zeros after the point only", () => {
    expect(percent("1")).toBe("100 %");
    expect(percent("0.999")).toBe("99.9 %");
    expect(percent(0)).toBe("0 %");
    expect(percent("0.1", 0)).toBe("10 %");
    expect(percent(null)).toBe("—");
  });

  it("percentages never round to a bound the value does not reach (all of a pool's LP, nothing)", () => {
    expect(percent("0.99999999", 4)).toBe("> 99.9999 %");
    expect(percent("0.9999999999999", 2)).toBe("> 99.99 %");
    expect(percent("0.99994", 4)).toBe("99.994 %");
    expect(percent("0.00000001", 4)).toBe("< 0.0001 %");
    expect(percent("0.000001", 0)).toBe("< 1 %");
    expect(percent("1", 4)).toBe("100 %");
    expect(percent("-0.5")).toBe("-50 %");
    expect(bps(10_000)).toBe("100 %");
    expect(bps(1_000)).toBe("10 %");
    expect(bps(25)).toBe("0.25 %");
    expect(decimal("1000.000")).toBe("1,000");
  });
});
