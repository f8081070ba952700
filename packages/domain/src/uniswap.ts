import type { UniswapV2Error } from "./errors.js";
import { UINT112_MAX, WAD, checked, divDown, min, shl, sub, wrap } from "./math.js";
import { DomainFailure } from "./result.js";
import type { Address, Liquidity } from "./units.js";

export const Q112 = 1n << 112n;
export const MINIMUM_LIQUIDITY = 1000n;

const fail = (reason: UniswapV2Error["reason"]): never => {
  throw new DomainFailure<UniswapV2Error>({ _tag: "UniswapV2Error", reason });
};

/** UniswapV2Library.getAmountOut with the 0.3% fee (floor). Zero reserves divide by zero only if amountIn is 0 too. */
export const getAmountOut = (amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint => {
  const amountInWithFee = checked(amountIn * 997n, "getAmountOut");
  return divDown(
    checked(amountInWithFee * reserveOut, "getAmountOut"),
    reserveIn * 1000n + amountInWithFee,
    "getAmountOut",
  );
};

/**
 * Uniswap V2's Math.sqrt returns floor(√y) (its Babylonian iteration from y/2 + 1 converges to it). The same value is
 * computed here from a floating-point estimate raised just above √y, then Newton steps down to the floor: a few
 * iterations instead of ~log2(y)/2. `sqrtBabylonian` is Uniswap's loop verbatim (the tests compare both).
 */
export const sqrt = (y: bigint): bigint => {
  if (y < 4n) return y === 0n ? 0n : 1n;
  const estimate = BigInt(Math.ceil(Math.sqrt(Number(y))));
  let x = estimate + (estimate >> 40n) + 2n; // ≥ ⌊√y⌋: the float's relative error is far below 2^-40
  for (;;) {
    const next = (x + y / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
};

/** Uniswap V2's Math.sqrt, verbatim. */
export const sqrtBabylonian = (y: bigint): bigint => {
  if (y > 3n) {
    let z = y;
    let x = y / 2n + 1n;
    while (x < z) {
      z = x;
      x = (y / x + x) / 2n;
    }
    return z;
  }
  return y !== 0n ? 1n : 0n;
};

/** Price of `base` in `quote` as UQ112x112: (reserveQuote << 112) / reserveBase, floor. */
export const priceUQ112 = (reserveQuote: bigint, reserveBase: bigint): bigint =>
  divDown(shl(reserveQuote, 112n), reserveBase, "priceUQ112");

/**
 * UQ112x112 price → 1e18-scaled price, floor: DeployLogic._wad, Math.mulDiv(uq, 1e18, 2^112) (512-bit, so it never
 * overflows). Every 1e18-scaled price the machine reports (DeployReport's spot, reference, ceiling) is this.
 */
export const uqToWad = (priceUQ: bigint): bigint => (priceUQ * WAD) >> 112n;

/** Liquidity for the first mint: sqrt(amount0 * amount1) - MINIMUM_LIQUIDITY (reverts below it). */
export const firstMintLiquidity = (amount0: bigint, amount1: bigint): bigint => {
  const root = sqrt(checked(amount0 * amount1, "UniswapV2Pair.mint"));
  return root < MINIMUM_LIQUIDITY ? fail("ds-math-sub-underflow") : root - MINIMUM_LIQUIDITY;
};

/** Liquidity for a later mint: min(amount0 * totalSupply / reserve0, amount1 * totalSupply / reserve1), floor. */
export const laterMintLiquidity = (
  amount0: bigint,
  amount1: bigint,
  totalSupply: bigint,
  reserve0: bigint,
  reserve1: bigint,
): bigint =>
  min(
    divDown(checked(amount0 * totalSupply, "UniswapV2Pair.mint"), reserve0, "UniswapV2Pair.mint"),
    divDown(checked(amount1 * totalSupply, "UniswapV2Pair.mint"), reserve1, "UniswapV2Pair.mint"),
  );

/** A Uniswap V2 pair's storage (feeTo off, so kLast stays 0). Token balances live in the token ledgers. */
export interface PairState {
  readonly token0: Address;
  readonly token1: Address;
  readonly reserve0: bigint;
  readonly reserve1: bigint;
  /** uint32: block.timestamp mod 2^32 at the last _update. */
  readonly blockTimestampLast: bigint;
  /** uint256, wrapping. */
  readonly price0CumulativeLast: bigint;
  readonly price1CumulativeLast: bigint;
  readonly totalSupply: bigint;
  readonly lpBalances: Readonly<Record<Address, bigint>>;
}

export const emptyPair = (token0: Address, token1: Address): PairState => ({
  token0,
  token1,
  reserve0: 0n,
  reserve1: 0n,
  blockTimestampLast: 0n,
  price0CumulativeLast: 0n,
  price1CumulativeLast: 0n,
  totalSupply: 0n,
  lpBalances: {},
});

/** UniswapV2Pair._update: accrues the cumulatives with the old reserves if the (uint32) timestamp moved, then syncs. */
export const pairUpdate = (pair: PairState, balance0: bigint, balance1: bigint, now: bigint): PairState => {
  if (balance0 > UINT112_MAX || balance1 > UINT112_MAX) fail("OVERFLOW");
  const blockTimestamp = wrap(now, 32);
  const timeElapsed = wrap(blockTimestamp - pair.blockTimestampLast, 32);
  let { price0CumulativeLast, price1CumulativeLast } = pair;
  if (timeElapsed > 0n && pair.reserve0 !== 0n && pair.reserve1 !== 0n) {
    price0CumulativeLast = wrap(price0CumulativeLast + priceUQ112(pair.reserve1, pair.reserve0) * timeElapsed, 256);
    price1CumulativeLast = wrap(price1CumulativeLast + priceUQ112(pair.reserve0, pair.reserve1) * timeElapsed, 256);
  }
  return {
    ...pair,
    reserve0: balance0,
    reserve1: balance1,
    blockTimestampLast: blockTimestamp,
    price0CumulativeLast,
    price1CumulativeLast,
  };
};

/**
 * The cumulative price of token0 (or token1) as of `now`, accrued counterfactually with the current reserves like
 * UniswapV2OracleLibrary.currentCumulativePrices (uint32 timestamp wrap, uint256 cumulative wrap).
 */
export const currentCumulative = (pair: PairState, ofToken0: boolean, now: bigint): bigint => {
  let cumulative = ofToken0 ? pair.price0CumulativeLast : pair.price1CumulativeLast;
  const nowTs = wrap(now, 32);
  if (pair.blockTimestampLast !== nowTs && pair.reserve0 !== 0n && pair.reserve1 !== 0n) {
    const price = ofToken0 ? priceUQ112(pair.reserve1, pair.reserve0) : priceUQ112(pair.reserve0, pair.reserve1);
    cumulative = wrap(cumulative + price * wrap(nowTs - pair.blockTimestampLast, 32), 256);
  }
  return cumulative;
};

/**
 * The time-weighted average price between two readings of a pair's cumulative price (UQ112x112, floor):
 * (cumulativeNow − cumulativeThen) / elapsed, the difference taken mod 2^256 as Uniswap V2's oracles do. Panics
 * (division by zero) when elapsed = 0, as DeployLogic.referenceNow would.
 */
export const twapUQ = (cumulativeNow: bigint, cumulativeThen: bigint, elapsed: bigint): bigint =>
  divDown(wrap(cumulativeNow - cumulativeThen, 256), elapsed, "twap");

const mintLp = (balances: Readonly<Record<Address, bigint>>, to: Address, amount: bigint): Record<Address, bigint> => ({
  ...balances,
  [to]: (balances[to] ?? 0n) + amount,
});

const ZERO: Address = "0x0000000000000000000000000000000000000000";

/**
 * UniswapV2Pair.mint with feeTo off, given the pair's token balances (what was transferred in is balance - reserve).
 * The first mint locks MINIMUM_LIQUIDITY at address(0).
 */
export const pairMint = (
  pair: PairState,
  balance0: bigint,
  balance1: bigint,
  to: Address,
  now: bigint,
): { readonly pair: PairState; readonly liquidity: Liquidity } => {
  const amount0 = balance0 < pair.reserve0 ? fail("ds-math-sub-underflow") : balance0 - pair.reserve0;
  const amount1 = balance1 < pair.reserve1 ? fail("ds-math-sub-underflow") : balance1 - pair.reserve1;
  let lpBalances = pair.lpBalances;
  let totalSupply = pair.totalSupply;
  let liquidity: bigint;
  if (totalSupply === 0n) {
    liquidity = firstMintLiquidity(amount0, amount1);
    lpBalances = mintLp(lpBalances, ZERO, MINIMUM_LIQUIDITY);
    totalSupply += MINIMUM_LIQUIDITY;
  } else {
    liquidity = laterMintLiquidity(amount0, amount1, totalSupply, pair.reserve0, pair.reserve1);
  }
  if (liquidity <= 0n) fail("INSUFFICIENT_LIQUIDITY_MINTED");
  lpBalances = mintLp(lpBalances, to, liquidity);
  totalSupply += liquidity;
  return {
    pair: pairUpdate({ ...pair, lpBalances, totalSupply }, balance0, balance1, now),
    liquidity: liquidity as Liquidity,
  };
};

/** UniswapV2Pair.swap's checks before it sends the outputs (output > 0, below the reserves, `to` not a token). */
export const pairSwapPrecheck = (pair: PairState, amount0Out: bigint, amount1Out: bigint, to: Address): void => {
  if (amount0Out === 0n && amount1Out === 0n) fail("INSUFFICIENT_OUTPUT_AMOUNT");
  if (!(amount0Out < pair.reserve0 && amount1Out < pair.reserve1)) fail("INSUFFICIENT_LIQUIDITY");
  if (to === pair.token0 || to === pair.token1) fail("INVALID_TO");
};

/**
 * UniswapV2Pair.swap after the optimistic transfer out: `balance0`/`balance1` are the pair's balances once the
 * outputs have left (inputs already sent in). Checks INSUFFICIENT_OUTPUT_AMOUNT, INSUFFICIENT_LIQUIDITY,
 * INSUFFICIENT_INPUT_AMOUNT and K exactly like the pair, then _update.
 */
export const pairSwap = (
  pair: PairState,
  amount0Out: bigint,
  amount1Out: bigint,
  balance0: bigint,
  balance1: bigint,
  now: bigint,
): { readonly pair: PairState; readonly amount0In: bigint; readonly amount1In: bigint } => {
  if (amount0Out === 0n && amount1Out === 0n) fail("INSUFFICIENT_OUTPUT_AMOUNT");
  if (!(amount0Out < pair.reserve0 && amount1Out < pair.reserve1)) fail("INSUFFICIENT_LIQUIDITY");
  const amount0In = balance0 > pair.reserve0 - amount0Out ? balance0 - (pair.reserve0 - amount0Out) : 0n;
  const amount1In = balance1 > pair.reserve1 - amount1Out ? balance1 - (pair.reserve1 - amount1Out) : 0n;
  if (amount0In === 0n && amount1In === 0n) fail("INSUFFICIENT_INPUT_AMOUNT");
  const balance0Adjusted = sub(checked(balance0 * 1000n, "swap"), amount0In * 3n, "swap");
  const balance1Adjusted = sub(checked(balance1 * 1000n, "swap"), amount1In * 3n, "swap");
  if (checked(balance0Adjusted * balance1Adjusted, "swap") < pair.reserve0 * pair.reserve1 * 1_000_000n) fail("K");
  return { pair: pairUpdate(pair, balance0, balance1, now), amount0In, amount1In };
};

/** UniswapV2Pair.sync: reserves := balances. */
export const pairSync = (pair: PairState, balance0: bigint, balance1: bigint, now: bigint): PairState =>
  pairUpdate(pair, balance0, balance1, now);
