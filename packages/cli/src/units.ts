/**
 * Parsing what people type (decimal amounts, basis points, allocations, id lists) into the integers the chain
 * uses, and formatting integers back for people. Range rules are not checked here: TxBuilder's validation is the
 * one implementation of those; this module only turns text into numbers and names the flag when the text is bad.
 */
import { Either } from "effect";
import { BadInput } from "./errors.js";

const DECIMAL = /^(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/**
 * A decimal with optional exponent ("0.001", "10000", "1e6", "1_000") scaled by 10^decimals, exactly; a `wei`
 * suffix takes the integer as already scaled ("1000000wei"). More precision than `decimals` is refused, not rounded.
 */
export const parseDecimal = (
  flag: string,
  text: string,
  decimals = 18,
  unit = "tokens",
): Either.Either<bigint, BadInput> => {
  const raw = text.trim().replace(/[_,]/g, "");
  const bad = (why: string) => Either.left(new BadInput({ flag, message: `${why}, got ${JSON.stringify(text)}` }));
  if (/^\d+wei$/i.test(raw)) return Either.right(BigInt(raw.slice(0, -3)));
  const m = DECIMAL.exec(raw);
  if (m === null)
    return bad(
      `expected a non-negative decimal number of ${unit} (e.g. 0.5, 10000, 1e6) or an integer with a "wei" suffix`,
    );
  const whole = m[1] ?? "0";
  const fraction = m[2] ?? "";
  const exponent = Number(m[3] ?? "0") + decimals - fraction.length;
  const digits = BigInt(whole + fraction);
  if (exponent >= 0) return Either.right(digits * 10n ** BigInt(exponent));
  const divisor = 10n ** BigInt(-exponent);
  if (digits % divisor !== 0n) return bad(`has more precision than ${decimals} decimals allow`);
  return Either.right(digits / divisor);
};

/** Basis points: "500", "500bps" or a percentage "5%" / "0.25%". */
export const parseBps = (flag: string, text: string): Either.Either<bigint, BadInput> => {
  const raw = text.trim();
  if (raw.endsWith("%")) {
    return Either.mapLeft(
      parseDecimal(flag, raw.slice(0, -1), 2, "percent"),
      () =>
        new BadInput({
          flag,
          message: `expected basis points (e.g. 500) or a percentage with at most 2 decimals (e.g. 5%), got ${JSON.stringify(text)}`,
        }),
    );
  }
  const m = /^(\d+)(?:\s*bps)?$/i.exec(raw);
  return m === null
    ? Either.left(
        new BadInput({
          flag,
          message: `expected basis points (e.g. 500) or a percentage (e.g. 5%), got ${JSON.stringify(text)}`,
        }),
      )
    : Either.right(BigInt(m[1] ?? "0"));
};

export interface AllocationText {
  readonly projectId: string;
  readonly bps: string;
}

/** "1:6000,2:4000" (bps) or "1:60%,2:40%"; entries are sorted by project id (the contract wants them ascending). */
export const parseAllocation = (
  flag: string,
  text: string,
): Either.Either<ReadonlyArray<{ projectId: bigint; bps: bigint }>, BadInput> =>
  Either.gen(function* () {
    const parts = text
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (parts.length === 0) {
      return yield* Either.left(
        new BadInput({ flag, message: `expected project:bps pairs like 1:6000,2:4000, got ${JSON.stringify(text)}` }),
      );
    }
    const entries: Array<{ projectId: bigint; bps: bigint }> = [];
    for (const part of parts) {
      const m = /^(\d+)\s*[:=]\s*(.+)$/.exec(part);
      if (m === null) {
        return yield* Either.left(
          new BadInput({ flag, message: `entry ${JSON.stringify(part)} is not project:bps (e.g. 1:6000 or 1:60%)` }),
        );
      }
      entries.push({ projectId: BigInt(m[1] ?? "0"), bps: yield* parseBps(flag, m[2] ?? "") });
    }
    return entries.sort((a, b) => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0));
  });

/** "1,2,3" or repeated values; ids as typed (TxBuilder checks they exist). */
export const parseIds = (flag: string, values: ReadonlyArray<string>): Either.Either<ReadonlyArray<bigint>, BadInput> =>
  Either.gen(function* () {
    const ids: bigint[] = [];
    for (const value of values
      .flatMap((v) => v.split(","))
      .map((v) => v.trim())
      .filter((v) => v.length > 0)) {
      if (!/^\d+$/.test(value)) {
        return yield* Either.left(
          new BadInput({ flag, message: `expected project ids like 1 or 1,2,3, got ${JSON.stringify(value)}` }),
        );
      }
      ids.push(BigInt(value));
    }
    return ids;
  });

const group = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** An integer scaled by 10^decimals, for people: grouped thousands, at most `maxFraction` decimals (truncated). */
export const formatUnits = (value: bigint, decimals = 18, maxFraction = 6): string => {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  let fraction = (abs % scale).toString().padStart(decimals, "0").slice(0, maxFraction).replace(/0+$/, "");
  if (fraction === "" && abs % scale !== 0n && whole === 0n) {
    // Smaller than the shown precision: say so rather than print 0.
    const exact = (abs % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
    fraction = exact;
  }
  return `${negative ? "-" : ""}${group(whole.toString())}${fraction ? `.${fraction}` : ""}`;
};

export const formatInt = (value: bigint | number): string => group(value.toString());

export const formatBps = (bps: bigint | number): string => {
  const b = BigInt(bps);
  const whole = b / 100n;
  const rest = (b % 100n).toString().padStart(2, "0").replace(/0+$/, "");
  return `${whole}${rest ? `.${rest}` : ""}%`;
};

/** An ERC-20 allowance for people: the max-uint256 "infinite approval" reads "unlimited", not a 78-digit number. */
export const formatAllowance = (value: bigint, decimals = 18): string =>
  value === 2n ** 256n - 1n ? "unlimited" : formatUnits(value, decimals);
