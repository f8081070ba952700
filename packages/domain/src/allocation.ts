import { BPS, checked } from "./math.js";
import type { Bps, Wei } from "./units.js";

export const MAX_PROJECTS_PER_POSITION = 8;

/**
 * Allocation.split: each part is floor(principal * bps / 10_000); the remainder goes to the first entry with the
 * largest bps (entries are sorted by project id, so ties go to the lowest id). The parts sum exactly to `principal`.
 * Bps need not sum to 10_000 here (the contract validates that before splitting); with count 0 nothing is split.
 */
export const split = (principal: Wei, bps: ReadonlyArray<Bps>): Wei[] => {
  const parts: bigint[] = [];
  let assigned = 0n;
  let largest = 0;
  for (let i = 0; i < bps.length; i++) {
    const weight = bps[i] as bigint;
    const part = checked(principal * weight, "Allocation.split") / BPS;
    parts.push(part);
    assigned += part;
    if (weight > (bps[largest] as bigint)) largest = i;
  }
  if (bps.length !== 0) parts[largest] = (parts[largest] as bigint) + (principal - assigned);
  return parts as Wei[];
};
