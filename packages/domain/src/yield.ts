import { type ShareRate } from "./lido.js";
import { UINT128_MAX, checked, divDown, mulDivDown, mulDivUp, shl, sub, wrap } from "./math.js";
import type { Shares, Wei } from "./units.js";

/** The yield index's fixed-point scale: 2^32 (the index itself is kept mod 2^128). */
export const YIELD_SHIFT = 32n;
export const YIELD_REMAINDER_MASK = (1n << YIELD_SHIFT) - 1n;

/** The machine's global yield book (TechnoCapitalMachine storage, all uint128). */
export interface YieldBook {
  readonly totalPrincipal: bigint;
  /** Σ over projects of pending yield, in shares * 2^32 (exact). */
  readonly assignedScaled: bigint;
  /** mod 2^128: yield shares per unit of principal, scale 2^32. */
  readonly accYield: bigint;
}

/** The stETH state read once per call (TechnoCapitalMachine.Lido). */
export interface LidoView {
  readonly held: bigint;
  readonly totalShares: bigint;
  readonly pooled: bigint;
  readonly required: bigint;
  readonly deficit: boolean;
}

/** _assignedSharesUp: ceil(assignedScaled / 2^32). */
export const assignedSharesUp = (assignedScaled: bigint): Shares =>
  ((assignedScaled >> YIELD_SHIFT) + ((assignedScaled & YIELD_REMAINDER_MASK) === 0n ? 0n : 1n)) as Shares;

/** _readLido: required = mulDivUp(totalPrincipal, totalShares, pooled) + ceil(assigned); deficit when held < required. */
export const readLido = (book: YieldBook, held: Shares, rate: ShareRate): LidoView => {
  const required = checked(
    mulDivUp(book.totalPrincipal, rate.totalShares, rate.totalPooledEther) + assignedSharesUp(book.assignedScaled),
    "_readLido",
  );
  return { held, totalShares: rate.totalShares, pooled: rate.totalPooledEther, required, deficit: held < required };
};

export interface CheckpointResult {
  readonly book: YieldBook;
  readonly lido: LidoView;
  readonly excess: Shares;
  readonly indexDelta: bigint;
}

/**
 * _checkpoint: assigns the shares held beyond principal and assigned yield through the index,
 * indexDelta = (excess << 32) / totalPrincipal (floor; the remainder stays unassigned for the next checkpoint).
 * Nothing is assigned in a deficit, with no principal, or when the delta rounds to 0.
 */
export const checkpoint = (book: YieldBook, held: Shares, rate: ShareRate): CheckpointResult => {
  const lido = readLido(book, held, rate);
  const total = book.totalPrincipal;
  if (lido.deficit || total === 0n) return { book, lido, excess: 0n as Shares, indexDelta: 0n };
  const excess = lido.held - lido.required;
  const indexDelta = divDown(shl(excess, YIELD_SHIFT), total, "_checkpoint");
  if (indexDelta === 0n) return { book, lido, excess: excess as Shares, indexDelta };
  return {
    book: {
      totalPrincipal: total,
      accYield: wrap(book.accYield + indexDelta, 128),
      assignedScaled: wrap(
        checked(book.assignedScaled + checked(indexDelta * total, "_checkpoint"), "_checkpoint"),
        128,
      ),
    },
    lido,
    excess: excess as Shares,
    indexDelta,
  };
};

/** _previewAccYield: the index a checkpoint would produce now, without writing. */
export const previewAccYield = (book: YieldBook, held: Shares, rate: ShareRate): bigint =>
  checkpoint(book, held, rate).book.accYield;

/** _pendingYieldScaled: uint128(allocatedPrincipal * accYield - yieldDebt), shares * 2^32. */
export const pendingYieldScaled = (allocatedPrincipal: bigint, yieldDebt: bigint, accYield: bigint): bigint =>
  wrap(allocatedPrincipal * accYield - yieldDebt, 128);

/** Whole shares of a project's pending yield (the sub-share remainder stays with the project). */
export const pendingYieldShares = (allocatedPrincipal: bigint, yieldDebt: bigint, accYield: bigint): Shares =>
  (pendingYieldScaled(allocatedPrincipal, yieldDebt, accYield) >> YIELD_SHIFT) as Shares;

/** _setPart's debt move: keeps the project's pending yield when its principal changes (mod 2^128). */
export const moveYieldDebt = (yieldDebt: bigint, oldPart: bigint, newPart: bigint, accYield: bigint): bigint =>
  wrap(yieldDebt + newPart * accYield - oldPart * accYield, 128);

/** Shares the machine can pay principal with during a deficit: held minus the assigned yield (rounded up), ≥ 0. */
export const availableForPrincipal = (held: Shares, assignedScaled: bigint): Shares => {
  const assigned = assignedSharesUp(assignedScaled);
  return (held > assigned ? held - assigned : 0n) as Shares;
};

/** A deficit withdrawal (always of the whole position): available * principal / totalPrincipal, floor. */
export const deficitWithdrawalShares = (
  held: Shares,
  assignedScaled: bigint,
  principal: Wei,
  totalPrincipal: bigint,
): Shares => mulDivDown(availableForPrincipal(held, assignedScaled), principal, totalPrincipal) as Shares;

/** A normal withdrawal: amount * totalShares / pooled, floor. */
export const withdrawalShares = (amount: Wei, rate: ShareRate): Shares =>
  mulDivDown(amount, rate.totalShares, rate.totalPooledEther) as Shares;

/** deficitStatus's valueHeldForPrincipal: available shares valued in stETH (floor). */
export const valueHeldForPrincipal = (held: Shares, assignedScaled: bigint, rate: ShareRate): Wei =>
  mulDivDown(availableForPrincipal(held, assignedScaled), rate.totalPooledEther, rate.totalShares) as Wei;

/** The harvest's commit: the new debt leaves only the sub-share remainder pending. */
export const debtAfterHarvest = (allocatedPrincipal: bigint, accYield: bigint, pendingScaled: bigint): bigint =>
  wrap(allocatedPrincipal * accYield - (pendingScaled & YIELD_REMAINDER_MASK), 128);

/** _assignedScaled after a project takes `yieldShares` whole shares (checked, then uint128). */
export const assignedAfterHarvest = (assignedScaled: bigint, yieldShares: bigint): bigint =>
  wrap(sub(assignedScaled, shl(yieldShares, YIELD_SHIFT), "_harvest"), 128) & UINT128_MAX;
