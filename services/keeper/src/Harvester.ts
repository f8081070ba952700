import { type BuildError, type ContractRevert, ModelState, type PreparedTx, TxBuilder, technoCapitalMachineAbi, withGasMargin } from "@tcm/chain";
import {
  type DeployReport,
  EPOCH_SECONDS,
  type HarvestReport,
  MIN_DEPLOY,
  type State,
  isDeployReady,
  nextDeployTimeOf,
  previewDeploy,
  previewHarvest,
} from "@tcm/domain";
import { Effect, Either } from "effect";
import { parseEventLogs } from "viem";
import { KeeperConfig } from "./KeeperConfig.js";
import { KeeperMetrics } from "./Metrics.js";
import { type Fees, type PendingTx, type TxOutcome, Transactions } from "./Transactions.js";

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
  | "not-harvested-in-tx"
  | "not-deployed-in-tx";

export type ProjectOutcome =
  | {
      readonly projectId: number;
      readonly result: "harvested";
      readonly hash: string;
      readonly bounty: bigint;
      /** The bounty (wstETH) of the deploy step the harvest also ran, when one was due; undefined when none ran. */
      readonly stepBounty: bigint | undefined;
    }
  | { readonly projectId: number; readonly result: "deployed"; readonly hash: string; readonly bounty: bigint }
  | { readonly projectId: number; readonly result: "skipped"; readonly reason: SkipReason }
  | { readonly projectId: number; readonly result: "failed"; readonly errorClass: string; readonly message: string };

export interface PassReport {
  readonly blockNumber: bigint;
  readonly epoch: bigint;
  /** Projects whose epoch had turned since their last harvest. */
  readonly due: ReadonlyArray<number>;
  /** What became of each of them. */
  readonly outcomes: ReadonlyArray<ProjectOutcome>;
  /** Projects whose deploy step was due and that this pass did not harvest (a harvest runs the due step itself). */
  readonly deployDue: ReadonlyArray<number>;
  /** What became of each of them. */
  readonly deployOutcomes: ReadonlyArray<ProjectOutcome>;
  /** The earliest time a project with pending wstETH (≥ MIN_DEPLOY) has its next step due, when that is after this pass. */
  readonly nextDeployTime: bigint | undefined;
  readonly failures: number;
}

type Kind = "harvest" | "harvestMany" | "deploy" | "deployMany";

interface Candidate {
  readonly projectId: number;
  /** What the caller earns: the harvest's bounty (stETH) or the step's (wstETH, worth at least as much). */
  readonly bounty: bigint;
}

interface PlannedTx {
  readonly kind: Kind;
  readonly projectIds: ReadonlyArray<number>;
  readonly tx: PreparedTx;
  readonly gas: bigint;
}

/** The revert names a harvest or a deploy step may legitimately hit, and what they mean for the keeper. */
const skipReasonOf = (revert: ContractRevert): SkipReason | undefined => {
  switch (revert.name) {
    case "TCM_AlreadyHarvested":
      return "already-harvested";
    case "TCM_NothingToHarvest":
      return "nothing-to-harvest";
    case "TCM_NothingToDeploy":
      return "nothing-to-deploy";
    case "TCM_StepNotDue":
      return "step-not-due";
    case "TCM_HarvestsPaused":
      return "paused";
    default:
      return undefined;
  }
};

export const errorClassOf = (error: { readonly _tag: string }): string => {
  switch (error._tag) {
    case "TransientRpcError":
      return "transient-rpc";
    case "RpcError":
      return "rpc";
    case "ContractRevert":
      return "revert-unexpected";
    case "InvalidInput":
      return "invalid-input";
    case "TxRejected":
      return "tx-rejected";
    case "NonceConflict":
      return "nonce-conflict";
    case "StuckTransaction":
      return "stuck";
    default:
      return "other";
  }
};

const big = (x: bigint) => x.toString();
const json = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? String(v) : v));

/**
 * One keeper pass: load the domain model at the head block (one pinned snapshot), find the projects whose epoch
 * turned and preview each harvest exactly, then the projects whose deploy step is due (isDeployReady) among the
 * others and preview each step; decide (bounty vs gas × price, or sponsored) and send harvest / harvestMany, then
 * deploy / deployMany, in chunks. A harvest runs its project's due step itself, so a project is never both harvested
 * and stepped by one pass. Reverts are classified, never retried blindly; the next pass re-reads the chain.
 */
export class Harvester extends Effect.Service<Harvester>()("@tcm/keeper/Harvester", {
  effect: Effect.gen(function* () {
    const settings = yield* KeeperConfig;
    const models = yield* ModelState;
    const builder = yield* TxBuilder;
    const txs = yield* Transactions;
    const metrics = yield* KeeperMetrics;
    const me = txs.address;
    const isSponsored = (id: number) => settings.sponsored === "all" || settings.sponsored.has(id);

    const build = (kind: Kind, ids: ReadonlyArray<number>, projectCount: number) => {
      const options = { from: me, projectCount };
      switch (kind) {
        case "harvest":
          return builder.harvest({ projectId: ids[0] as number }, options);
        case "harvestMany":
          return builder.harvestMany({ projectIds: ids }, options);
        case "deploy":
          return builder.deploy({ projectId: ids[0] as number }, options);
        case "deployMany":
          return builder.deployMany({ projectIds: ids }, options);
      }
    };

    /** Previews every project whose epoch turned; sorts them into harvest candidates and skips. */
    const triageHarvests = (state: State, now: bigint) => {
      const epoch = (now - state.config.genesis) / EPOCH_SECONDS;
      const due: number[] = [];
      const candidates: Array<Candidate & { readonly report: HarvestReport; readonly step: DeployReport | undefined }> = [];
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
        switch (status) {
          case "Done":
            // The step a harvest runs pays its bounty (wstETH) to the same caller.
            candidates.push({ projectId: id, report, step: deploy, bounty: report.bountyStEth + (deploy?.bounty ?? 0n) });
            break;
          case "NothingToHarvest":
            outcomes.push({ projectId: id, result: "skipped", reason: "nothing-to-harvest" });
            break;
          case "AlreadyHarvested":
            outcomes.push({ projectId: id, result: "skipped", reason: "already-harvested" });
            break;
        }
      }
      return { epoch, due, candidates, outcomes };
    };

    /**
     * The projects, other than `harvesting`, whose deploy step is due at `now` (the domain's isDeployReady: not
     * paused, pending ≥ MIN_DEPLOY, stepInterval elapsed), each with its previewed step; and the earliest
     * nextDeployTime among the projects with something pending whose step is not due yet.
     */
    const triageDeploys = (state: State, now: bigint, harvesting: ReadonlySet<number>) => {
      const due: number[] = [];
      const candidates: Array<Candidate & { readonly report: DeployReport }> = [];
      const outcomes: ProjectOutcome[] = [];
      let next: bigint | undefined;
      for (let id = 1; id <= state.projectCount; id++) {
        if (harvesting.has(id) || state.projects[id] === undefined) continue;
        const ready = isDeployReady(state, id, now);
        if (!ready.ok) continue;
        if (!ready.value) {
          const at = nextDeployTimeOf(state, id);
          const pending = state.projects[id]?.pendingWstEth ?? 0n;
          if (!state.harvestsPaused && at.ok && pending >= MIN_DEPLOY && at.value > now && (next === undefined || at.value < next)) next = at.value;
          continue;
        }
        due.push(id);
        const preview = previewDeploy(state, id, now);
        if (!preview.ok) {
          outcomes.push({ projectId: id, result: "failed", errorClass: "model", message: json(preview.error) });
          continue;
        }
        candidates.push({ projectId: id, report: preview.value, bounty: preview.value.bounty });
      }
      return { due, candidates, outcomes, next };
    };

    /**
     * Chunks the candidates into many-transactions (a single one as harvest / deploy), estimates each (a revert
     * splits a chunk into singles to isolate it), and drops the ones whose bounty does not pay their share of the
     * gas at the current price, unless sponsored.
     */
    const plan = Effect.fn("Harvester.plan")(function* (
      family: "harvest" | "deploy",
      candidates: ReadonlyArray<Candidate>,
      fees: Fees,
      projectCount: number,
    ) {
      const single: Kind = family;
      const many: Kind = family === "harvest" ? "harvestMany" : "deployMany";
      const planned: PlannedTx[] = [];
      const outcomes: ProjectOutcome[] = [];
      const queue: Array<{ chunk: ReadonlyArray<Candidate>; checked: boolean }> = [];
      for (let i = 0; i < candidates.length; i += settings.chunkSize) {
        queue.push({ chunk: candidates.slice(i, i + settings.chunkSize), checked: false });
      }
      // Estimates of different chunks are independent: run them together (one HTTP batch).
      while (queue.length > 0) {
        const round = queue.splice(0, queue.length);
        const estimates = yield* Effect.forEach(
          round,
          ({ chunk }) => build(chunk.length === 1 ? single : many, chunk.map((c) => c.projectId), projectCount).pipe(Effect.either),
          { concurrency: "unbounded" },
        );
        round.forEach(({ chunk, checked }, i) => {
          const result = estimates[i] as Either.Either<PreparedTx, BuildError>;
          const ids = chunk.map((c) => c.projectId);
          if (Either.isLeft(result)) {
            const error = result.left;
            if (error._tag === "ContractRevert" && chunk.length > 1) {
              for (const c of chunk) queue.push({ chunk: [c], checked });
              return;
            }
            const reason = error._tag === "ContractRevert" ? skipReasonOf(error) : undefined;
            for (const id of ids) {
              outcomes.push(
                reason !== undefined
                  ? { projectId: id, result: "skipped", reason }
                  : { projectId: id, result: "failed", errorClass: errorClassOf(error), message: error.message },
              );
            }
            return;
          }
          const tx = result.right;
          const gas = tx.gasEstimate ?? 0n;
          if (!checked) {
            const perProject = (gas * fees.effectiveGasPrice) / BigInt(chunk.length);
            const keep = chunk.filter((c) => isSponsored(c.projectId) || c.bounty >= perProject);
            if (keep.length < chunk.length) {
              for (const c of chunk) {
                if (!keep.includes(c)) outcomes.push({ projectId: c.projectId, result: "skipped", reason: "unprofitable" });
              }
              if (keep.length > 0) queue.push({ chunk: keep, checked: true });
              return;
            }
          }
          planned.push({ kind: chunk.length === 1 ? single : many, projectIds: ids, tx, gas: withGasMargin(gas) });
        });
      }
      return { planned, outcomes };
    });

    const outcomesOf = (p: PlannedTx, outcome: TxOutcome): ProjectOutcome[] => {
      if (outcome._tag === "Reverted") {
        const reason = skipReasonOf(outcome.revert);
        return p.projectIds.map((id) =>
          reason !== undefined
            ? { projectId: id, result: "skipped", reason }
            : { projectId: id, result: "failed", errorClass: "revert-unexpected", message: outcome.revert.message },
        );
      }
      const mine = (caller: string) => caller.toLowerCase() === me.toLowerCase();
      const harvested = new Map<number, bigint>();
      const stepped = new Map<number, bigint>();
      for (const log of parseEventLogs({ abi: technoCapitalMachineAbi, logs: outcome.receipt.logs, eventName: "Harvested" })) {
        if (mine(log.args.caller)) harvested.set(log.args.projectId, log.args.report.bountyStEth);
      }
      for (const log of parseEventLogs({ abi: technoCapitalMachineAbi, logs: outcome.receipt.logs, eventName: "Deployed" })) {
        if (mine(log.args.caller)) stepped.set(log.args.projectId, log.args.report.bounty);
      }
      const harvests = p.kind === "harvest" || p.kind === "harvestMany";
      return p.projectIds.map((id): ProjectOutcome => {
        if (harvests) {
          const bounty = harvested.get(id);
          return bounty !== undefined
            ? { projectId: id, result: "harvested", hash: outcome.hash, bounty, stepBounty: stepped.get(id) }
            : { projectId: id, result: "skipped", reason: "not-harvested-in-tx" };
        }
        const bounty = stepped.get(id);
        return bounty !== undefined
          ? { projectId: id, result: "deployed", hash: outcome.hash, bounty }
          : { projectId: id, result: "skipped", reason: "not-deployed-in-tx" };
      });
    };

    /** Broadcasts in order (consecutive nonces), then waits for all receipts together. Not interruptible. */
    const execute = (planned: ReadonlyArray<PlannedTx>, fees: Fees) =>
      Effect.gen(function* () {
        const outcomes: ProjectOutcome[] = [];
        const sent: Array<{ plannedTx: PlannedTx; pending: PendingTx }> = [];
        for (const p of planned) {
          const pending = yield* Effect.either(txs.submit({ to: p.tx.to, data: p.tx.data, gas: p.gas, kind: p.kind }, fees));
          if (Either.isLeft(pending)) {
            for (const id of p.projectIds) {
              outcomes.push({ projectId: id, result: "failed", errorClass: errorClassOf(pending.left), message: pending.left.message });
            }
          } else sent.push({ plannedTx: p, pending: pending.right });
        }
        const results = yield* Effect.forEach(sent, ({ pending }) => Effect.either(txs.awaitMined(pending)), { concurrency: "unbounded" });
        sent.forEach(({ plannedTx }, i) => {
          const result = results[i] as Either.Either<TxOutcome, { readonly _tag: string; readonly message: string }>;
          if (Either.isLeft(result)) {
            for (const id of plannedTx.projectIds) {
              outcomes.push({ projectId: id, result: "failed", errorClass: errorClassOf(result.left), message: result.left.message });
            }
          } else outcomes.push(...outcomesOf(plannedTx, result.right));
        });
        return outcomes;
      }).pipe(Effect.uninterruptible);

    const record = (family: "harvest" | "deploy") => (outcome: ProjectOutcome) =>
      Effect.gen(function* () {
        switch (outcome.result) {
          case "harvested":
            yield* metrics.harvested(outcome.projectId, outcome.bounty);
            if (outcome.stepBounty !== undefined) yield* metrics.deployed(outcome.projectId, outcome.stepBounty);
            yield* Effect.logInfo("harvested").pipe(
              Effect.annotateLogs({
                projectId: outcome.projectId,
                hash: outcome.hash,
                bountyWei: big(outcome.bounty),
                stepBountyWstEthWei: outcome.stepBounty === undefined ? null : big(outcome.stepBounty),
              }),
            );
            break;
          case "deployed":
            yield* metrics.deployed(outcome.projectId, outcome.bounty);
            yield* Effect.logInfo("deploy step").pipe(
              Effect.annotateLogs({ projectId: outcome.projectId, hash: outcome.hash, bountyWstEthWei: big(outcome.bounty) }),
            );
            break;
          case "skipped":
            yield* metrics.skipped(outcome.reason);
            yield* (outcome.reason === "not-harvested-in-tx" || outcome.reason === "not-deployed-in-tx" ? Effect.logWarning : Effect.logInfo)(
              family === "harvest" ? "harvest skipped" : "deploy step skipped",
            ).pipe(Effect.annotateLogs({ projectId: outcome.projectId, reason: outcome.reason }));
            break;
          case "failed":
            yield* metrics.error(outcome.errorClass);
            yield* Effect.logError(family === "harvest" ? "harvest failed" : "deploy step failed").pipe(
              Effect.annotateLogs({ projectId: outcome.projectId, errorClass: outcome.errorClass, error: outcome.message }),
            );
            break;
        }
      });

    const pass = Effect.fn("Harvester.pass")(function* (options: { readonly dryRun: boolean }) {
      const loaded = yield* models.load();
      const state = loaded.state;
      // The earliest the next block can be: previews and readiness are for it.
      const now = loaded.timestamp + 1n;
      const harvests = triageHarvests(state, now);
      const deploys = triageDeploys(state, now, new Set(harvests.candidates.map((c) => c.projectId)));
      const outcomes: ProjectOutcome[] = [...harvests.outcomes];
      const deployOutcomes: ProjectOutcome[] = [...deploys.outcomes];
      if (harvests.candidates.length + deploys.candidates.length > 0) {
        const fees = yield* Effect.either(txs.fees());
        if (Either.isLeft(fees)) {
          if (fees.left._tag !== "GasAboveCap") return yield* fees.left;
          yield* Effect.logWarning("gas price above the cap; nothing sent").pipe(Effect.annotateLogs({ baseFee: big(fees.left.baseFee) }));
          for (const c of harvests.candidates) outcomes.push({ projectId: c.projectId, result: "skipped", reason: "gas-above-cap" });
          for (const c of deploys.candidates) deployOutcomes.push({ projectId: c.projectId, result: "skipped", reason: "gas-above-cap" });
        } else {
          const harvestPlan = yield* plan("harvest", harvests.candidates, fees.right, state.projectCount);
          // A project the harvest plan dropped (unprofitable, reverting) may still be due for a step; the next pass
          // sees it. Steps are planned for the projects no harvest of this pass touches.
          const stepPlan = yield* plan("deploy", deploys.candidates, fees.right, state.projectCount);
          outcomes.push(...harvestPlan.outcomes);
          deployOutcomes.push(...stepPlan.outcomes);
          if (options.dryRun) {
            for (const [list, planned] of [[outcomes, harvestPlan.planned], [deployOutcomes, stepPlan.planned]] as const) {
              for (const p of planned) {
                yield* Effect.logInfo("dry run: would send").pipe(
                  Effect.annotateLogs({ kind: p.kind, projectIds: p.projectIds.join(","), gas: big(p.gas) }),
                );
                for (const id of p.projectIds) list.push({ projectId: id, result: "skipped", reason: "dry-run" });
              }
            }
          } else {
            // Harvests first (consecutive nonces), then the steps: one batch, all receipts awaited together.
            const sent = yield* execute([...harvestPlan.planned, ...stepPlan.planned], fees.right);
            const stepIds = new Set(stepPlan.planned.flatMap((p) => p.projectIds));
            for (const o of sent) (stepIds.has(o.projectId) ? deployOutcomes : outcomes).push(o);
          }
        }
      }
      for (const o of outcomes) yield* record("harvest")(o);
      for (const o of deployOutcomes) yield* record("deploy")(o);
      const failures = [...outcomes, ...deployOutcomes].filter((o) => o.result === "failed").length;
      yield* Effect.logInfo("poll done").pipe(
        Effect.annotateLogs({
          block: big(loaded.blockNumber),
          epoch: big(harvests.epoch),
          due: harvests.due.length,
          harvested: outcomes.filter((o) => o.result === "harvested").length,
          skipped: outcomes.filter((o) => o.result === "skipped").length,
          stepsDue: deploys.due.length,
          deployed: deployOutcomes.filter((o) => o.result === "deployed").length,
          nextDeployTime: deploys.next === undefined ? null : big(deploys.next),
          failures,
        }),
      );
      return {
        blockNumber: loaded.blockNumber,
        epoch: harvests.epoch,
        due: harvests.due,
        outcomes,
        deployDue: deploys.due,
        deployOutcomes,
        nextDeployTime: deploys.next,
        failures,
      } satisfies PassReport;
    });

    return { pass } as const;
  }),
}) {}
