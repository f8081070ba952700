/**
 * The figures the API shows, from @tcm/domain's definitions (packages/domain/src/figures.ts) applied to one block's
 * chain state: this module only adapts the snapshot's shapes, it computes nothing of its own. Every formula is also
 * stated in the schema's descriptions.
 */
import type { ProjectDetails, Snapshot } from "@tcm/chain";
import {
  type ProjectFigures,
  type ShareRate,
  aprOfLines,
  emission,
  emissionPerDay as emissionPerDayOf,
  lockedLiquidityValueWstEth as lockedLiquidityValueWstEthOf,
  referencePrice as referencePriceOf,
  projectFigures,
  quotePrice,
  spotPrice as spotPriceOf,
  depositorEmissionPerDay as depositorEmissionPerDayOf,
  stEthPerWstEth as stEthPerWstEthOf,
  tokensPerDay,
  withdrawableNow as withdrawableNowOf,
} from "@tcm/domain";

export const rateOf = (snapshot: Snapshot): ShareRate => ({
  totalShares: snapshot.lido.totalShares,
  totalPooledEther: snapshot.lido.totalPooledEther,
});

/** stETH per wstETH, 1e18 scale (wstETH.stEthPerToken). */
export const stEthPerWstEth = (snapshot: Snapshot): bigint => stEthPerWstEthOf(rateOf(snapshot));

/** 1e18-scaled fixed point as a decimal string, trailing zeros trimmed ("1.5", "0.000001", "12"). */
export const formatUnits = (value: bigint, decimals = 18): string => {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  const fraction = (abs % base).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction.length > 0 ? `.${fraction}` : ""}`;
};

const cache = new WeakMap<ProjectDetails, { readonly snapshot: Snapshot; readonly figures: ProjectFigures }>();

/** Every per-project figure at the snapshot's block (the CLI shows the same ones: domain projectFigures). */
export const figuresOf = (snapshot: Snapshot, d: ProjectDetails): ProjectFigures => {
  const cached = cache.get(d);
  if (cached !== undefined && cached.snapshot === snapshot) return cached.figures;
  const figures = projectFigures({
    project: d.project,
    pair: d.pair,
    rate: rateOf(snapshot),
    genesis: snapshot.protocol.config.genesis,
    stepInterval: snapshot.protocol.config.stepInterval,
    now: snapshot.timestamp,
  });
  cache.set(d, { snapshot, figures });
  return figures;
};

// ------------------------------------------------------------------ one figure at a time

/** The price the machine trusts, wstETH per token (1e18); null before the pool opens (domain referencePrice). */
export const referencePrice = (d: ProjectDetails): bigint | null =>
  referencePriceOf(d.project.referencePrice, d.project.seeded);

/** Tokens the schedule emits over the next 24 h, contributor share included (domain emissionPerDay). */
export const emissionPerDay = (d: ProjectDetails, now: bigint): bigint => emissionPerDayOf(d.project, now);

/** Value of the machine's LP in wstETH (domain lockedLiquidityValueWstEth). */
export const lockedLiquidityValueWstEth = (d: ProjectDetails): bigint =>
  lockedLiquidityValueWstEthOf(d.pair.lpHeldByMachine, d.pair.reserveWstEth, d.pair.totalSupply);

/** pendingYield(projectId): whole shares and their stETH value (domain pendingYieldOf). */
export const pendingYield = (snapshot: Snapshot, d: ProjectDetails) => figuresOf(snapshot, d).pendingYield;

/** nextHarvestTime(projectId). */
export const nextHarvestAt = (snapshot: Snapshot, d: ProjectDetails): bigint => figuresOf(snapshot, d).nextHarvestTime;

/** nextDeployTime(projectId). */
export const nextDeployAt = (snapshot: Snapshot, d: ProjectDetails): bigint => figuresOf(snapshot, d).nextDeployTime;

/** The APR every depositor of the project earns now (domain projectFigures' apr); null with no allocated principal. */
export const projectApr = (snapshot: Snapshot, d: ProjectDetails): number | null => figuresOf(snapshot, d).apr;

/** Spot price, wstETH per token (1e18); null before the pool opens (domain spotPrice). */
export const spotPrice = (d: ProjectDetails): bigint | null => spotPriceOf(d.pair.reserveWstEth, d.pair.reserveTokens);

/** The price tokens are valued at: spot, or the launch price before the pool opens (domain quotePrice). */
export const aprPrice = (d: ProjectDetails): bigint => quotePrice(spotPrice(d), d.project.launchPrice);

/** The depositors' tokens per day over the next 24 h from `now` (domain depositorEmissionPerDay). */
export const depositorEmissionPerDay = (d: ProjectDetails, now: bigint): bigint =>
  depositorEmissionPerDayOf(d.project, now);

/** emittedUpTo(now): the schedule's cumulative emission. */
export const emittedSupply = (d: ProjectDetails, now: bigint): bigint => emission.emittedUpTo(d.project, now);

/** Tokens per day a part of principal earns in a project whose allocated principal (after the change) is `total`. */
export const tokensPerDayFor = (d: ProjectDetails, now: bigint, part: bigint, total: bigint): bigint =>
  tokensPerDay(depositorEmissionPerDayOf(d.project, now), part, total);

/** The APR of `principal` earning `tokensPerDay` of a project's token (domain aprOfLines). */
export const aprOf = (snapshot: Snapshot, d: ProjectDetails, perDay: bigint, principal: bigint): number | null =>
  aprOfLines([{ tokensPerDay: perDay, price: aprPrice(d) }], principal, stEthPerWstEth(snapshot));

/** The APR of a position's lines: Σ their value per day over its principal (domain aprOfLines). */
export const aprOfPosition = (
  snapshot: Snapshot,
  lines: ReadonlyArray<{ readonly project: ProjectDetails; readonly tokensPerDay: bigint }>,
  principal: bigint,
): number | null =>
  aprOfLines(
    lines.map((l) => ({ tokensPerDay: l.tokensPerDay, price: aprPrice(l.project) })),
    principal,
    stEthPerWstEth(snapshot),
  );

/** What a full withdrawal of `principal` pays now, normal or in a deficit (domain withdrawableNow). */
export const withdrawableNow = (snapshot: Snapshot, principal: bigint): bigint =>
  withdrawableNowOf(
    {
      totalPrincipal: snapshot.protocol.totalPrincipal,
      sharesHeld: snapshot.protocol.deficit.sharesHeld,
      assignedYieldScaled: snapshot.protocol.assignedYieldScaled,
      inDeficit: snapshot.protocol.deficit.inDeficit,
    },
    rateOf(snapshot),
    principal,
  );
