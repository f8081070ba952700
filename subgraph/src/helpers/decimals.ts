// The one place where raw on-chain integers become BigDecimal display values. Everything stored as BigInt stays
// exact; these are conveniences for analysts and charts.
//
// No host calls: a BigDecimal is `digits × 10^exp`, so an 18-decimal amount is the amount itself with exp = −18,
// built in WASM. graph-node normalises every BigDecimal it receives (34 significant digits, trailing zeros stripped),
// exactly as it normalises the result of a division by 10^18 (the exact quotient, then the same rounding), so the
// stored values are the same as those of `amount.toBigDecimal().div(10^18)` without the two host round trips.
import { BigDecimal, BigInt } from "@graphprotocol/graph-ts";

/** 10^18: stETH, wstETH, project tokens and LP tokens all have 18 decimals; prices are 1e18-scaled. */
export function wad(): BigInt {
  return BigInt.fromU64(1_000_000_000_000_000_000);
}

/** digits × 10^-18. */
function scaled18(value: BigInt): BigDecimal {
  let decimal = new BigDecimal(value);
  decimal.exp = BigInt.fromI32(-18);
  return decimal;
}

/** An 18-decimal amount (stETH wei, wstETH wei, token wei, LP wei) as a decimal number of whole units. */
export function toDecimal(amount: BigInt): BigDecimal {
  return scaled18(amount);
}

/** A 1e18-scaled price (wstETH per project token, as the contract reports it) as a decimal. */
export function priceToDecimal(price: BigInt): BigDecimal {
  return scaled18(price);
}

/** The pool price implied by reserves, wstETH per token, 1e18 scale, rounded down (0 for an empty pool). */
export function poolPriceOf(reserveWstEth: BigInt, reserveTokens: BigInt): BigInt {
  if (reserveTokens.isZero()) return BigInt.zero();
  return reserveWstEth.times(wad()).div(reserveTokens);
}
