import type { Panic } from "./errors.js";
import { DomainFailure } from "./result.js";

export const UINT256_MAX = (1n << 256n) - 1n;
export const UINT160_MAX = (1n << 160n) - 1n;
export const UINT128_MAX = (1n << 128n) - 1n;
export const UINT112_MAX = (1n << 112n) - 1n;
export const UINT96_MAX = (1n << 96n) - 1n;
export const UINT32_MAX = (1n << 32n) - 1n;
export const UINT16_MAX = (1n << 16n) - 1n;

/** 1e27, the fixed-point unit of FixedPointMath.rpowDown. */
export const RAY = 10n ** 27n;
/** Basis points: 10_000 = 100 % (every bps figure of the machine). */
export const BPS = 10_000n;
/** 1e18, the scale of token amounts and of every 1e18-scaled price or ratio. */
export const WAD = 10n ** 18n;

/** Throws the panic Solidity would raise (0x11 arithmetic, 0x12 division by zero). */
export const panic = (code: 0x11 | 0x12, where: string): never => {
  throw new DomainFailure<Panic>({ _tag: "Panic", code, where });
};

/** A checked uint256 result: panics 0x11 above 2^256 - 1, like Solidity ≥ 0.8 outside `unchecked`. */
export const checked = (x: bigint, where: string): bigint => (x > UINT256_MAX || x < 0n ? panic(0x11, where) : x);

/** Checked subtraction: panics 0x11 on underflow. */
export const sub = (a: bigint, b: bigint, where: string): bigint => (b > a ? panic(0x11, where) : a - b);

/** Checked add into a narrower storage type (`uintN += x`): panics 0x11 above 2^bits - 1. */
export const addUint = (a: bigint, b: bigint, bits: number, where: string): bigint => {
  const sum = a + b;
  return sum >> BigInt(bits) !== 0n ? panic(0x11, where) : sum;
};

/** Floor division: panics 0x12 on a zero divisor. */
export const divDown = (x: bigint, d: bigint, where: string): bigint => (d === 0n ? panic(0x12, where) : x / d);

/** Truncation to `bits` bits: an explicit `uintN(x)` cast or arithmetic inside `unchecked`. */
export const wrap = (x: bigint, bits: number): bigint => BigInt.asUintN(bits, x);

/** `x << n` on uint256: Solidity shifts never revert, the high bits are dropped. */
export const shl = (x: bigint, n: bigint): bigint => BigInt.asUintN(256, x << n);

export const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** FixedPointMath.mulDivDown: floor(x * y / d), checked multiplication. */
export const mulDivDown = (x: bigint, y: bigint, d: bigint): bigint =>
  divDown(checked(x * y, "mulDivDown"), d, "mulDivDown");

/** FixedPointMath.mulDivUp: ceil(x * y / d); 0 when the product is 0 (even for d = 0, as the contract does). */
export const mulDivUp = (x: bigint, y: bigint, d: bigint): bigint => {
  const product = checked(x * y, "mulDivUp");
  return product === 0n ? 0n : divDown(product - 1n, d, "mulDivUp") + 1n;
};

/** FixedPointMath.rpowDown: x^n in RAY (x ≤ RAY), square-and-multiply rounding down at every step. */
export const rpowDown = (x: bigint, n: bigint): bigint => {
  let z = n % 2n !== 0n ? x : RAY;
  let base = x;
  for (let k = n / 2n; k !== 0n; k /= 2n) {
    base = checked(base * base, "rpowDown") / RAY;
    if (k % 2n !== 0n) z = checked(z * base, "rpowDown") / RAY;
  }
  return z;
};
