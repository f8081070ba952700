import { WAD, mulDivDown } from "./math.js";
import type { Shares, Wei, Wst } from "./units.js";

/** Lido's global share price: the two totals of stETH (MockStETH reproduces Lido's arithmetic exactly). */
export interface ShareRate {
  readonly totalShares: bigint;
  readonly totalPooledEther: bigint;
}

/** getSharesByPooledEth: floor(ethAmount * totalShares / totalPooledEther). */
export const sharesByPooledEth = (rate: ShareRate, ethAmount: Wei): Shares =>
  mulDivDown(ethAmount, rate.totalShares, rate.totalPooledEther) as Shares;

/** getPooledEthByShares: floor(shares * totalPooledEther / totalShares). */
export const pooledEthByShares = (rate: ShareRate, sharesAmount: Shares): Wei =>
  mulDivDown(sharesAmount, rate.totalPooledEther, rate.totalShares) as Wei;

/** Shares moved by `transfer(to, amount)`: floor, so the recipient may see 1–2 wei less than `amount`. */
export const transferShares = (rate: ShareRate, amount: Wei): Shares => sharesByPooledEth(rate, amount);

/** What a holder of `sharesAmount` shares sees as balanceOf. */
export const balanceOf = (rate: ShareRate, sharesAmount: Shares): Wei => pooledEthByShares(rate, sharesAmount);

/**
 * wstETH.wrap(stETHAmount): mints getSharesByPooledEth(stETHAmount) wstETH and pulls the same number of shares
 * (the stETH transferFrom of `stETHAmount` moves exactly that many). Reverts on 0 ("wstETH: can't wrap zero stETH").
 */
export const wrapAmount = (rate: ShareRate, stEthAmount: Wei): Wst =>
  sharesByPooledEth(rate, stEthAmount) as bigint as Wst;

/**
 * wstETH.unwrap(wstETHAmount): burns it and transfers getPooledEthByShares(wstETHAmount) stETH, which moves
 * floor(that * totalShares / totalPooledEther) shares (≤ wstETHAmount: the rounding dust stays in wstETH).
 */
export const unwrapAmount = (rate: ShareRate, wstAmount: Wst): { stEth: Wei; sharesMoved: Shares } => {
  const stEth = pooledEthByShares(rate, wstAmount as bigint as Shares);
  return { stEth, sharesMoved: sharesByPooledEth(rate, stEth) };
};

/** stETH per wstETH, 1e18 scale (stEthPerToken). */
export const stEthPerWst = (rate: ShareRate): Wei => pooledEthByShares(rate, WAD as Shares);
