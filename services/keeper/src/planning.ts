/**
 * The keeper's decisions as pure functions of a domain-model state: which harvests and deploy steps are due and what
 * each would do (the @tcm/domain previews), how they are chunked into transactions, which pay for their gas, which
 * project is stalled (its steps would deploy nothing) and when it is looked at again, and what a mined transaction
 * did for each project. No I/O: the Harvester runs them on a loaded model and sends what they plan.
 */
import type { ContractRevert } from "@tcm/chain";
import { technoCapitalMachineAbi } from "@tcm/chain";
import {
  type DeployReport,
  EPOCH_SECONDS,
  type HarvestReport,
  MIN_DEPLOY,
  type State,
  asWst,
  deployedWstEthOf,
  epochOf,
  isDeployReady,
  nextDeployTimeOf,
  previewDeploy,
  previewHarvest,
  lido,
} from "@tcm/domain";
import { Match, Predicate } from "effect";
import { type Address, type Hex, type Log, parseEventLogs } from "viem";

/** Why a due project was not harvested, or a due step not run, by this pass. None of these is a failure. */
export type SkipReason =
  | "nothing-to-harvest"
  | "already-harvested"
  | "nothing-to-deploy"
  | "step-not-due"
  | "unprofitable"
  | "paused"
  | "gas-above-cap"
  | "dry-run"
  | "stalled"
  | "not-harvested-in-tx"
  | "not-deployed-in-tx";

export type ProjectOutcome =
  | {
      readonly projectId: number;
      readonly result: "harvested";
      readonly hash: string;
      readonly bounty: bigint;
      /** The report of the deploy step the harvest also ran, when one was due; undefined when none ran. */
      readonly step: DeployReport | undefined;
    }
  | { readonly projectId: number; readonly result: "deployed"; readonly hash: string; readonly report: DeployReport }
  | { readonly projectId: number; readonly result: "skipped"; readonly reason: SkipReason }
  | { readonly projectId: number; readonly result: "failed"; readonly errorClass: string; readonly message: string };

export interface Candidate {
  readonly projectId: number;
  /**
   * What the caller earns, in stETH wei (≈ ETH, to weigh against gas): the harvest's bounty (stETH) plus its step's,
   * or the step's; a step's bounty is wstETH, valued at what it unwraps to.
   */
  readonly bounty: bigint;
}

export interface HarvestCandidate extends Candidate {
  readonly report: HarvestReport;
  readonly step: DeployReport | undefined;
}

export interface DeployCandidate extends Candidate {
  readonly report: DeployReport;
}

/** stETH that `wst` wstETH unwraps to at the state's Lido rate (@tcm/domain's lido.unwrapAmount). */
export const stEthValueOfWst = (state: State, wst: bigint): bigint =>
  wst === 0n
    ? 0n
    : lido.unwrapAmount(
        { totalShares: state.lido.totalShares, totalPooledEther: state.lido.totalPooledEther },
        asWst(wst),
      ).stEth;

const json = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? String(v) : v));

/** Previews every project whose epoch turned at `now`: harvest candidates (with their bounty) and skips. */
export const triageHarvests = (state: State, now: bigint) => {
  const epoch = epochOf(state.config.genesis, now);
  const due: number[] = [];
  const candidates: HarvestCandidate[] = [];
  const outcomes: ProjectOutcome[] = [];
  for (let id = 1; id <= state.projectCount; id++) {
    const p = state.projects[id];
    if (p === undefined || p.lastHarvestEpoch >= epoch) continue;
    due.push(id);
    if (state.harvestsPaused) {
      outcomes.push({ projectId: id, result: "skipped", reason: "paused" });
      continue;
    }
    const preview = previewHarvest(state, id, now);
    if (!preview.ok) {
      outcomes.push({ projectId: id, result: "failed", errorClass: "model", message: json(preview.error) });
      continue;
    }
    const { status, report, deploy } = preview.value;
    if (status === "Done") {
      // The step a harvest runs pays its bounty (wstETH) to the same caller.
      candidates.push({
        projectId: id,
        report,
        step: deploy,
        bounty: report.bountyStEth + stEthValueOfWst(state, deploy?.bounty ?? 0n),
      });
    } else {
      outcomes.push({
        projectId: id,
        result: "skipped",
        reason: status === "AlreadyHarvested" ? "already-harvested" : "nothing-to-harvest",
      });
    }
  }
  return { epoch, due, candidates, outcomes };
};

/** A step that would deploy nothing (the price is past the band over the reference, or the pool cannot open yet). */
export const isIdleStep = (report: DeployReport): boolean => deployedWstEthOf(report) === 0n;

/** A project whose steps would deploy nothing: reported once, looked at again from `nextLookAt` (chain time). */
export interface Stall {
  readonly since: bigint;
  readonly nextLookAt: bigint;
  /** The wait before the next look (seconds): a stepInterval at first, doubled at each idle look, at most a day. */
  readonly backoff: bigint;
}

/** The back-off after an idle look: the first is one step interval; each further one doubles, up to an epoch. */
export const nextStall = (previous: Stall | undefined, now: bigint, stepInterval: bigint): Stall => {
  const doubled = previous === undefined ? stepInterval : previous.backoff * 2n;
  const backoff = doubled > EPOCH_SECONDS ? EPOCH_SECONDS : doubled < 1n ? 1n : doubled;
  return { since: previous?.since ?? now, nextLookAt: now + backoff, backoff };
};

/** What the deploy triage did to the stall book, for logs and metrics. */
export type StallChange =
  | { readonly _tag: "Stalled"; readonly projectId: number; readonly stall: Stall; readonly report: DeployReport }
  | { readonly _tag: "StillStalled"; readonly projectId: number; readonly stall: Stall }
  | { readonly _tag: "Resumed"; readonly projectId: number; readonly since: bigint };

/**
 * The projects, other than `harvesting`, whose deploy step is due at `now` (the domain's isDeployReady: not paused,
 * pending ≥ MIN_DEPLOY, stepInterval elapsed), each previewed. A step that would deploy nothing makes its project
 * stalled: skipped ("stalled") and not previewed again before its back-off ends (`waiting`); a stalled project
 * whose preview deploys again, or that has nothing left to deploy, is resumed. Also the earliest nextDeployTime among projects with something pending
 * whose step is not due yet.
 */
export const triageDeploys = (
  state: State,
  now: bigint,
  harvesting: ReadonlySet<number>,
  stalls: ReadonlyMap<number, Stall> = new Map(),
) => {
  const due: number[] = [];
  const waiting: number[] = [];
  const candidates: DeployCandidate[] = [];
  const outcomes: ProjectOutcome[] = [];
  const changes: StallChange[] = [];
  let next: bigint | undefined;
  for (let id = 1; id <= state.projectCount; id++) {
    if (harvesting.has(id) || state.projects[id] === undefined) continue;
    const ready = isDeployReady(state, id, now);
    if (!ready.ok) continue;
    const stall = stalls.get(id);
    if (!ready.value) {
      const at = nextDeployTimeOf(state, id);
      const pending = state.projects[id]?.pendingWstEth ?? 0n;
      // Nothing left to deploy (a harvest's step or another keeper's took it): no longer stalled.
      if (stall !== undefined && pending < MIN_DEPLOY)
        changes.push({ _tag: "Resumed", projectId: id, since: stall.since });
      if (
        !state.harvestsPaused &&
        at.ok &&
        pending >= MIN_DEPLOY &&
        at.value > now &&
        (next === undefined || at.value < next)
      )
        next = at.value;
      continue;
    }
    if (stall !== undefined && now < stall.nextLookAt) {
      waiting.push(id);
      continue;
    }
    due.push(id);
    const preview = previewDeploy(state, id, now);
    if (!preview.ok) {
      outcomes.push({ projectId: id, result: "failed", errorClass: "model", message: json(preview.error) });
      continue;
    }
    if (isIdleStep(preview.value)) {
      const updated = nextStall(stall, now, state.config.stepInterval);
      changes.push(
        stall === undefined
          ? { _tag: "Stalled", projectId: id, stall: updated, report: preview.value }
          : { _tag: "StillStalled", projectId: id, stall: updated },
      );
      outcomes.push({ projectId: id, result: "skipped", reason: "stalled" });
      continue;
    }
    if (stall !== undefined) changes.push({ _tag: "Resumed", projectId: id, since: stall.since });
    candidates.push({ projectId: id, report: preview.value, bounty: stEthValueOfWst(state, preview.value.bounty) });
  }
  return { due, waiting, candidates, outcomes, changes, next };
};

/** The stall book after a triage's changes. */
export const applyStallChanges = (
  stalls: ReadonlyMap<number, Stall>,
  changes: ReadonlyArray<StallChange>,
): Map<number, Stall> => {
  const book = new Map(stalls);
  for (const change of changes) {
    if (change._tag === "Resumed") book.delete(change.projectId);
    else book.set(change.projectId, change.stall);
  }
  return book;
};

/** Consecutive chunks of at most `size` items (size ≥ 1). */
export const chunksOf = <A>(items: ReadonlyArray<A>, size: number): A[][] => {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer (got ${size})`);
  const chunks: A[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
};

/**
 * Which candidates of one transaction pay for their share of its gas: bounty ≥ gas × price ÷ chunk size, or
 * sponsored. The share is of the whole chunk's gas, so dropping some raises the others' share: the caller
 * re-estimates what it keeps and sends it without a second check.
 */
export const splitProfitable = <C extends Candidate>(
  chunk: ReadonlyArray<C>,
  gas: bigint,
  effectiveGasPrice: bigint,
  isSponsored: (projectId: number) => boolean,
): { readonly keep: C[]; readonly unprofitable: C[] } => {
  const perProject = chunk.length === 0 ? 0n : (gas * effectiveGasPrice) / BigInt(chunk.length);
  const keep: C[] = [];
  const unprofitable: C[] = [];
  for (const c of chunk) (isSponsored(c.projectId) || c.bounty >= perProject ? keep : unprofitable).push(c);
  return { keep, unprofitable };
};

/** The revert names a harvest or a deploy step may legitimately hit, and what they mean for the keeper. */
export const skipReasonOf = (revert: Pick<ContractRevert, "name">): SkipReason | undefined =>
  Match.value(revert.name).pipe(
    Match.when("TCM_AlreadyHarvested", (): SkipReason => "already-harvested"),
    Match.when("TCM_NothingToHarvest", (): SkipReason => "nothing-to-harvest"),
    Match.when("TCM_NothingToDeploy", (): SkipReason => "nothing-to-deploy"),
    Match.when("TCM_StepNotDue", (): SkipReason => "step-not-due"),
    Match.when("TCM_HarvestsPaused", (): SkipReason => "paused"),
    Match.orElse(() => undefined),
  );

/** The failure classes of the keeper's metrics (tcm_keeper_errors_total{class}). */
export const errorClassOf = (error: unknown): string =>
  Match.value(error).pipe(
    Match.when(Predicate.isTagged("TransientRpcError"), () => "transient-rpc"),
    Match.when(Predicate.isTagged("RpcError"), () => "rpc"),
    Match.when(Predicate.isTagged("ContractRevert"), () => "revert-unexpected"),
    Match.when(Predicate.isTagged("InvalidInput"), () => "invalid-input"),
    Match.when(Predicate.isTagged("TxRejected"), () => "tx-rejected"),
    Match.when(Predicate.isTagged("NonceConflict"), () => "nonce-conflict"),
    Match.when(Predicate.isTagged("StuckTransaction"), () => "stuck"),
    Match.when(Predicate.isTagged("GasAboveCap"), () => "gas-above-cap"),
    Match.when(Predicate.isTagged("ModelMismatch"), () => "model"),
    Match.orElse(() => "other"),
  );

export type Family = "harvest" | "deploy";

/**
 * What a mined harvest/harvestMany or deploy/deployMany did for each of its projects, from the receipt's events
 * whose caller is `me`: harvested (with the step it ran), deployed, or skipped (not in the transaction: another
 * keeper was first). A reverted transaction: its revert's skip reason for every project, or a failure.
 */
export const outcomesOfReceipt = (
  family: Family,
  projectIds: ReadonlyArray<number>,
  me: Address,
  mined: { readonly hash: Hex; readonly logs: ReadonlyArray<Log> } | { readonly revert: ContractRevert },
): ProjectOutcome[] => {
  if ("revert" in mined) {
    const reason = skipReasonOf(mined.revert);
    return projectIds.map((id) =>
      reason !== undefined
        ? { projectId: id, result: "skipped", reason }
        : { projectId: id, result: "failed", errorClass: "revert-unexpected", message: mined.revert.message },
    );
  }
  const mine = (caller: string) => caller.toLowerCase() === me.toLowerCase();
  const logs = [...mined.logs];
  const harvested = new Map<number, bigint>();
  const stepped = new Map<number, DeployReport>();
  for (const log of parseEventLogs({ abi: technoCapitalMachineAbi, logs, eventName: "Harvested" })) {
    if (mine(log.args.caller)) harvested.set(log.args.projectId, log.args.report.bountyStEth);
  }
  for (const log of parseEventLogs({ abi: technoCapitalMachineAbi, logs, eventName: "Deployed" })) {
    if (mine(log.args.caller)) stepped.set(log.args.projectId, log.args.report);
  }
  return projectIds.map((id): ProjectOutcome => {
    if (family === "harvest") {
      const bounty = harvested.get(id);
      return bounty !== undefined
        ? { projectId: id, result: "harvested", hash: mined.hash, bounty, step: stepped.get(id) }
        : { projectId: id, result: "skipped", reason: "not-harvested-in-tx" };
    }
    const report = stepped.get(id);
    return report !== undefined
      ? { projectId: id, result: "deployed", hash: mined.hash, report }
      : { projectId: id, result: "skipped", reason: "not-deployed-in-tx" };
  });
};
