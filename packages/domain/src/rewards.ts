import { type EmissionSchedule, emittedUpTo } from "./emission.js";
import { BPS, UINT96_MAX, addUint, checked, divDown, shl, sub, wrap } from "./math.js";
import type { TokenAmount } from "./units.js";

/** The reward index's fixed-point scale: 2^64 (the index itself is kept mod 2^160). */
export const REWARD_SHIFT = 64n;

/** The project fields an accrual reads and writes. */
export interface RewardBook extends EmissionSchedule {
  readonly allocatedPrincipal: bigint;
  readonly contributorBps: bigint;
  readonly lastAccrual: bigint;
  /** mod 2^160: depositor tokens per principal, scale 2^64. */
  readonly rewardAcc: bigint;
  readonly contributorOwed: bigint;
}

export interface Accrual {
  readonly rewardAcc: bigint;
  readonly contributorOwed: bigint;
  readonly lastAccrual: bigint;
  readonly emitted: TokenAmount;
  readonly contributor: TokenAmount;
}

/** The contributor's part of `emitted` tokens, as _accrue takes it: floor(emitted · contributorBps / 10_000). */
export const contributorShareOf = (emitted: bigint, contributorBps: bigint): bigint =>
  checked(emitted * contributorBps, "_accrue") / BPS;

/**
 * _accrue: emitted = C(now) - C(last); contributor = floor(emitted * contributorBps / 10_000);
 * rewardAcc += ((emitted - contributor) << 64) / allocatedPrincipal (mod 2^160). Nothing accrues while no principal
 * is allocated (that emission is never minted).
 */
export const accrue = (book: RewardBook, now: bigint): Accrual => {
  const unchanged = {
    rewardAcc: book.rewardAcc,
    contributorOwed: book.contributorOwed,
    emitted: 0n as TokenAmount,
    contributor: 0n as TokenAmount,
  };
  if (book.lastAccrual === now) return { ...unchanged, lastAccrual: book.lastAccrual };
  const lastAccrual = wrap(now, 32);
  if (book.allocatedPrincipal === 0n) return { ...unchanged, lastAccrual };
  const emitted = sub(emittedUpTo(book, now), emittedUpTo(book, book.lastAccrual), "_accrue");
  if (emitted === 0n) return { ...unchanged, lastAccrual };
  const contributor = contributorShareOf(emitted, book.contributorBps);
  const rewardAcc = wrap(
    book.rewardAcc + divDown(shl(emitted - contributor, REWARD_SHIFT), book.allocatedPrincipal, "_accrue"),
    160,
  );
  const contributorOwed = addUint(book.contributorOwed, wrap(contributor, 96), 96, "_accrue");
  return {
    rewardAcc,
    contributorOwed,
    lastAccrual,
    emitted: emitted as TokenAmount,
    contributor: contributor as TokenAmount,
  };
};

/** _previewRewardAcc: the index an accrual would produce now. */
export const previewRewardAcc = (book: RewardBook, now: bigint): bigint => {
  if (book.allocatedPrincipal === 0n || book.lastAccrual === now) return book.rewardAcc;
  return accrue(book, now).rewardAcc;
};

/** What an entry has earned at `rewardAcc`, rounded down: floor(part * rewardAcc / 2^64). */
export const accruedOf = (part: bigint, rewardAcc: bigint): bigint => wrap(part * rewardAcc, 256) >> REWARD_SHIFT;

/** The same, rounded up: ceil(part * rewardAcc / 2^64) (the debts are written with this, see `rewardDebtFor`). */
export const accruedUpOf = (part: bigint, rewardAcc: bigint): bigint =>
  wrap(part * rewardAcc + (1n << REWARD_SHIFT) - 1n, 256) >> REWARD_SHIFT;

const INT96_SIGN = 1n << 95n;

/**
 * _owed: floor(part * rewardAcc / 2^64) - rewardDebt read as a signed 96-bit number (int96(uint96(·))); a debt
 * rounded up can leave it at -1, and a negative value counts as nothing owed.
 */
export const owedOf = (part: bigint, rewardDebt: bigint, rewardAcc: bigint): TokenAmount => {
  const raw = wrap(accruedOf(part, rewardAcc) - rewardDebt, 96);
  return (raw >= INT96_SIGN ? 0n : raw) as TokenAmount;
};

/**
 * _debtFor: the debt that leaves `owed` on an entry of `newPart`, (ceil(newPart * rewardAcc / 2^64) - owed) mod 2^96.
 * Rounded up so that an entry never earns more than its exact share: Σ owed ≤ what the project distributed.
 */
export const rewardDebtFor = (newPart: bigint, rewardAcc: bigint, owed: bigint): bigint =>
  wrap(accruedUpOf(newPart, rewardAcc) - owed, 96) & UINT96_MAX;

/** The debt after a claim: `rewardDebtFor(part, rewardAcc, 0)`. */
export const rewardDebtAfterClaim = (part: bigint, rewardAcc: bigint): bigint => rewardDebtFor(part, rewardAcc, 0n);

/** Pending rewards of one entry as of `now` (pendingRewards / positionOf). */
export const pendingRewards = (book: RewardBook, part: bigint, rewardDebt: bigint, now: bigint): TokenAmount =>
  owedOf(part, rewardDebt, previewRewardAcc(book, now));
