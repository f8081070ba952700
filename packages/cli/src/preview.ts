/**
 * The figures the CLI shows, from @tcm/domain's definitions (packages/domain/src/figures.ts) applied to one
 * TcmReader snapshot: this module only adapts the snapshot's shapes, it computes nothing of its own.
 */
import type { ProjectDetails, Snapshot } from "@tcm/chain";
import {
  type ProjectFigures,
  type ShareRate,
  allocation,
  asBps,
  asShares,
  asWei,
  lido,
  projectFigures,
  quotePrice,
  spotPrice,
  stEthPerWstEth,
  depositorEmissionPerDay as depositorEmissionPerDayOf,
  tokensPerDay as tokensPerDayOf,
  withdrawalOf,
} from "@tcm/domain";

/** Lido's totals at the snapshot's block. */
export const rateOf = (s: Snapshot): ShareRate => ({
  totalShares: s.lido.totalShares,
  totalPooledEther: s.lido.totalPooledEther,
});

/** Every per-project figure at the snapshot's block (the API shows the same ones: domain projectFigures). */
export const figuresOf = (s: Snapshot, d: ProjectDetails): ProjectFigures =>
  projectFigures({
    project: d.project,
    pair: d.pair,
    rate: rateOf(s),
    genesis: s.protocol.config.genesis,
    stepInterval: s.protocol.config.stepInterval,
    now: s.timestamp,
  });

/** Tokens the project emits to depositors over the next 24 h from `now` (domain depositorEmissionPerDay). */
export const depositorEmissionPerDay = (p: ProjectDetails["project"], now: bigint): bigint =>
  depositorEmissionPerDayOf(p, now);

/** The position's principal split across its projects exactly as the contract splits it (Allocation.split). */
export const splitPrincipal = (
  principal: bigint,
  entries: ReadonlyArray<{ readonly projectId: number; readonly bps: number }>,
): ReadonlyArray<{ readonly projectId: number; readonly bps: number; readonly part: bigint }> => {
  const parts = allocation.split(
    asWei(principal),
    entries.map((e) => asBps(BigInt(e.bps))),
  );
  return entries.map((e, i) => ({ ...e, part: parts[i] ?? 0n }));
};

/** Tokens per day a part earns in a project where everyone else holds `othersPrincipal` (domain tokensPerDay). */
export const tokensPerDay = (
  p: ProjectDetails["project"],
  now: bigint,
  part: bigint,
  othersPrincipal: bigint,
): bigint => tokensPerDayOf(depositorEmissionPerDayOf(p, now), part, othersPrincipal + part);

/** The pool's spot price (wstETH per token, 1e18); null before the pool opens (domain spotPrice). */
export const spotPriceOf = (d: ProjectDetails): bigint | null => spotPrice(d.pair.reserveWstEth, d.pair.reserveTokens);

/** The price a token is valued at: spot, or the launch price before the pool opens (domain quotePrice). */
export const quotePriceOf = (d: ProjectDetails): bigint => quotePrice(spotPriceOf(d), d.project.launchPrice);

/** stETH per share (= per wstETH), 1e18 scale, at the snapshot's Lido rate (domain stEthPerWstEth). */
export const stEthPerShareOf = (s: Snapshot): bigint => stEthPerWstEth(rateOf(s));

/** stETH value of stETH shares at the snapshot's Lido rate. */
export const stEthOfShares = (s: Snapshot, shares: bigint): bigint =>
  lido.pooledEthByShares(rateOf(s), asShares(shares));

/** What withdraw(amount) pays now, normal or in a deficit (domain withdrawalOf). */
export const withdrawalPreview = (s: Snapshot, principal: bigint, amount: bigint) =>
  withdrawalOf(
    {
      totalPrincipal: s.protocol.totalPrincipal,
      sharesHeld: s.protocol.deficit.sharesHeld,
      assignedYieldScaled: s.protocol.assignedYieldScaled,
      inDeficit: s.protocol.deficit.inDeficit,
    },
    rateOf(s),
    principal,
    amount,
  );
