/**
 * Previews with the domain model (@tcm/domain, the mechanism's reference math): emission per day, a position's
 * split across projects, tokens per day. Inputs come from one TcmReader snapshot.
 */
import type { ProjectDetails, Snapshot } from "@tcm/chain";
import { allocation, asBps, asShares, asWei, emission, lido } from "@tcm/domain";

const BPS = 10_000n;
const DAY = 86_400n;
const WAD = 10n ** 18n;

/** Tokens a project emits to depositors over the next 24 h from `now` (contributor share removed, cap respected). */
export const depositorEmissionPerDay = (p: ProjectDetails["project"], now: bigint): bigint => {
  const schedule = { dailyEmission: p.dailyEmission, decayBps: p.decayBps, emissionCap: p.emissionCap, startTime: p.startTime };
  const emitted = emission.emittedUpTo(schedule, now + DAY) - emission.emittedUpTo(schedule, now);
  return emitted - (emitted * p.contributorBps) / BPS;
};

/** The position's principal split across its projects exactly as the contract splits it (Allocation.split). */
export const splitPrincipal = (
  principal: bigint,
  entries: ReadonlyArray<{ readonly projectId: number; readonly bps: number }>,
): ReadonlyArray<{ readonly projectId: number; readonly bps: number; readonly part: bigint }> => {
  const parts = allocation.split(asWei(principal), entries.map((e) => asBps(BigInt(e.bps))));
  return entries.map((e, i) => ({ ...e, part: parts[i] ?? 0n }));
};

/** A holder's share of a project's depositor emission per day, given everyone else's allocated principal. */
export const tokensPerDay = (p: ProjectDetails["project"], now: bigint, part: bigint, othersPrincipal: bigint): bigint => {
  const total = othersPrincipal + part;
  return total === 0n ? 0n : (depositorEmissionPerDay(p, now) * part) / total;
};

/** wstETH per project token (1e18 scale) at the pool's reserves; the launch price before the pool is seeded. */
export const spotPrice = (d: ProjectDetails): bigint =>
  d.pair.reserveTokens === 0n ? d.project.launchPrice : (d.pair.reserveWstEth * WAD) / d.pair.reserveTokens;

/** stETH value of stETH shares at the snapshot's Lido rate. */
export const stEthOfShares = (s: Snapshot, shares: bigint): bigint =>
  lido.pooledEthByShares({ totalShares: s.lido.totalShares, totalPooledEther: s.lido.totalPooledEther }, asShares(shares));
