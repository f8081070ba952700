// The one place where raw on-chain integers become BigDecimal display values. Everything stored as BigInt stays
// exact; these are conveniences for analysts and charts.
import { BigDecimal, BigInt } from "@graphprotocol/graph-ts";

/** 10^18: stETH, wstETH, project tokens and LP tokens all have 18 decimals; prices are 1e18-scaled. */
export function wad(): BigInt {
  return BigInt.fromI32(10).pow(18);
}

/** An 18-decimal amount (stETH wei, wstETH wei, token wei, LP wei) as a decimal number of whole units. */
export function toDecimal(amount: BigInt): BigDecimal {
  return amount.toBigDecimal().div(wad().toBigDecimal());
}

/** A 1e18-scaled price (wstETH per project token, as the contract reports it) as a decimal. */
export function priceToDecimal(price: BigInt): BigDecimal {
  return price.toBigDecimal().div(wad().toBigDecimal());
}

/** The pool price implied by reserves, wstETH per token, 1e18 scale, rounded down (0 for an empty pool). */
export function poolPriceOf(reserveWstEth: BigInt, reserveTokens: BigInt): BigInt {
  if (reserveTokens.isZero()) return BigInt.zero();
  return reserveWstEth.times(wad()).div(reserveTokens);
}
