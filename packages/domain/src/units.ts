import { type InvalidInput, invalidInput } from "./errors.js";
import { UINT256_MAX, UINT32_MAX, BPS } from "./math.js";
import { type Result, err, ok } from "./result.js";

declare const brand: unique symbol;
/** A bigint tagged with its unit at the type level only (no runtime cost). */
export type Brand<Unit extends string> = bigint & { readonly [brand]: Unit };

/** stETH amount in wei (pooled ether). */
export type Wei = Brand<"Wei">;
/** stETH shares (Lido's internal unit; 1 wstETH = 1 share). */
export type Shares = Brand<"Shares">;
/** wstETH amount (18 decimals). */
export type Wst = Brand<"Wst">;
/** A project token amount (18 decimals). */
export type TokenAmount = Brand<"TokenAmount">;
/** Basis points, 0 ..= 10_000. */
export type Bps = Brand<"Bps">;
/** Seconds since the Unix epoch (block.timestamp). */
export type Timestamp = Brand<"Timestamp">;
/** A Uniswap V2 LP token amount. */
export type Liquidity = Brand<"Liquidity">;

/** An address, lower-case 0x-prefixed 20-byte hex. */
export type Address = `0x${string}`;

export const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";

const toBigInt = (value: bigint | number | string, input: string): Result<bigint, InvalidInput> => {
  if (typeof value === "bigint") return ok(value);
  if (typeof value === "number") {
    return Number.isSafeInteger(value) ? ok(BigInt(value)) : err(invalidInput(input, "not a safe integer", value));
  }
  return /^(0|[1-9][0-9]*|0x[0-9a-fA-F]+)$/.test(value)
    ? ok(BigInt(value))
    : err(invalidInput(input, "not a non-negative integer literal", value));
};

const uintIn =
  <B extends bigint>(maxValue: bigint, what: string) =>
  (value: bigint | number | string, input = "amount"): Result<B, InvalidInput> => {
    const parsed = toBigInt(value, input);
    if (!parsed.ok) return parsed;
    if (parsed.value < 0n) return err(invalidInput(input, `${what} must not be negative`, parsed.value));
    if (parsed.value > maxValue) return err(invalidInput(input, `${what} must be at most ${maxValue}`, parsed.value));
    return ok(parsed.value as B);
  };

/** Validating constructors: each names the input in its error (`input` defaults to "amount"). */
export const wei = uintIn<Wei>(UINT256_MAX, "a wei amount");
export const shares = uintIn<Shares>(UINT256_MAX, "a share amount");
export const wst = uintIn<Wst>(UINT256_MAX, "a wstETH amount");
export const tokenAmount = uintIn<TokenAmount>(UINT256_MAX, "a token amount");
export const liquidity = uintIn<Liquidity>(UINT256_MAX, "a liquidity amount");
export const bps = uintIn<Bps>(BPS, "basis points");
export const timestamp = uintIn<Timestamp>(UINT32_MAX, "a timestamp");

/** Checks an address's shape and lower-cases it. */
export const address = (value: string, input = "address"): Result<Address, InvalidInput> =>
  /^0x[0-9a-fA-F]{40}$/.test(value)
    ? ok(value.toLowerCase() as Address)
    : err(invalidInput(input, "not a 20-byte hex address", value));

/** Unchecked casts for values the domain computed itself (never for user input). */
export const asWei = (x: bigint): Wei => x as Wei;
export const asShares = (x: bigint): Shares => x as Shares;
export const asWst = (x: bigint): Wst => x as Wst;
export const asTokens = (x: bigint): TokenAmount => x as TokenAmount;
export const asBps = (x: bigint): Bps => x as Bps;
export const asTimestamp = (x: bigint): Timestamp => x as Timestamp;
export const asLiquidity = (x: bigint): Liquidity => x as Liquidity;
