import {
  type BuildError,
  type Fees,
  ModelState,
  type PendingTx,
  type PreparedTx,
  TxBuilder,
  TxOutcome,
  TxSender,
  withGasMargin,
} from "@tcm/chain";
import { type State } from "@tcm/domain";
import { Duration, Effect, Either, Predicate, Ref } from "effect";
import { KeeperConfig } from "./KeeperConfig.js";
import * as Metrics from "./Metrics.js";
import {
  type Candidate,
  type Family,
  type ProjectOutcome,
  type Stall,
  applyStallChanges,
  chunksOf,
  errorClassOf,
  outcomesOfReceipt,
  skipReasonOf,
  splitProfitable,
  triageDeploys,
  triageHarvests,
} from "./planning.js";

export type { ProjectOutcome, SkipReason } from "./planning.js";

export interface PassReport {
  readonly blockNumber: bigint;
  readonly epoch: bigint;
  /** Projects whose epoch had turned since their last harvest. */
  readonly due: ReadonlyArray<number>;
  /** What became of each of them. */
  readonly outcomes: ReadonlyArray<ProjectOutcome>;
  /** Projects whose deploy step was due, not stalled-and-waiting, and that this pass did not harvest. */
  readonly deployDue: ReadonlyArray<number>;
  /** What became of each of them. */
  readonly deployOutcomes: ReadonlyArray<ProjectOutcome>;
  /** Due projects not looked at: stalled (their steps would deploy nothing), waiting out their back-off. */
  readonly stalledWaiting: ReadonlyArray<number>;
  /** The earliest time a project with pending wstETH (≥ MIN_DEPLOY) has its next step due, when that is after this pass. */
  readonly nextDeployTime: bigint | undefined;
  readonly failures: number;
}

type Kind = "harvest" | "harvestMany" | "deploy" | "deployMany";

interface PlannedTx {
  readonly family: Family;
  readonly kind: Kind;
  readonly projectIds: ReadonlyArray<number>;
  readonly tx: PreparedTx;
  readonly gas: bigint;
}

const big = (x: bigint) => x.toString();
const failedAll = (ids: ReadonlyArray<number>, error: { readonly message: string }): ProjectOutcome[] =>
  ids.map((id) => ({ projectId: id, result: "failed", errorClass: errorClassOf(error), message: error.message }));

/**
 * One keeper pass: load the domain model at the head block (one pinned snapshot), triage it with the pure planning
 * functions (harvests whose epoch turned, then due deploy steps of the other projects; stalled projects wait out
 * their back-off), decide (bounty vs gas × price, or sponsored) and send harvest / harvestMany, then deploy /
 * deployMany, in chunks, through TxSender's managed sends. A harvest runs its project's due step itself, so a
 * project is never both harvested and stepped by one pass. Reverts are classified, never retried blindly; the next
 * pass re-reads the chain.
 */
export class Harvester extends Effect.Service<Harvester>()("@tcm/keeper/Harvester", {
  effect: Effect.gen(function* () {
    const settings = yield* KeeperConfig;
    const models = yield* ModelState;
    const builder = yield* TxBuilder;
    const sender = yield* TxSender;
    const me = sender.address;
    const isSponsored = (id: number) => settings.sponsored === "all" || settings.sponsored.has(id);
    const stallBook = yield* Ref.make<ReadonlyMap<number, Stall>>(new Map());
    const policy = {
      maxFeePerGas: settings.maxFeePerGas,
      maxPriorityFeePerGas: settings.maxPriorityFeePerGas,
      receiptPollInterval: settings.receiptPollInterval,
      replaceAfter: settings.txTimeout,
      onReplaced: () => Metrics.recordTx("replacement"),
    };

    const build = (kind: Kind, ids: ReadonlyArray<number>, projectCount: number) => {
      const options = { from: me, projectCount };
      switch (kind) {
        case "harvest":
          return builder.harvest({ projectId: ids[0] ?? 0 }, options);
        case "harvestMany":
          return builder.harvestMany({ projectIds: ids }, options);
        case "deploy":
          return builder.deploy({ projectId: ids[0] ?? 0 }, options);
        case "deployMany":
          return builder.deployMany({ projectIds: ids }, options);
      }
    };

    /**
     * Chunks the candidates into many-transactions (a single one as harvest / deploy), estimates each (a revert
     * splits a chunk into singles to isolate it), and drops the ones whose bounty does not pay their share of the
     * gas at the current price, unless sponsored.
     */
    const plan = Effect.fn("Harvester.plan")(function* (
      family: Family,
      candidates: ReadonlyArray<Candidate>,
      fees: Fees,
      projectCount: number,
    ) {
      const kindOf = (n: number): Kind => (n === 1 ? family : family === "harvest" ? "harvestMany" : "deployMany");
      const planned: PlannedTx[] = [];
      const outcomes: ProjectOutcome[] = [];
      let queue = chunksOf(candidates, settings.chunkSize).map((chunk) => ({ chunk, checked: false }));
      // Estimates of different chunks are independent: run them together (one HTTP batch).
      while (queue.length > 0) {
        const round = queue;
        queue = [];
        const estimates = yield* Effect.forEach(
          round,
          ({ chunk }) =>
            Effect.either(
              build(
                kindOf(chunk.length),
                chunk.map((c) => c.projectId),
                projectCount,
              ),
            ),
          { concurrency: "unbounded" },
        );
        round.forEach(({ chunk, checked }, i) => {
          const result: Either.Either<PreparedTx, BuildError> | undefined = estimates[i];
          if (result === undefined) return;
          const ids = chunk.map((c) => c.projectId);
          if (Either.isLeft(result)) {
            const error = result.left;
            if (Predicate.isTagged(error, "ContractRevert")) {
              if (chunk.length > 1) {
                for (const c of chunk) queue.push({ chunk: [c], checked });
                return;
              }
              const reason = skipReasonOf(error);
              if (reason !== undefined) {
                for (const id of ids) outcomes.push({ projectId: id, result: "skipped", reason });
                return;
              }
            }
            outcomes.push(...failedAll(ids, error));
            return;
          }
          const tx = result.right;
          const gas = tx.gasEstimate ?? 0n;
          if (!checked) {
            const { keep, unprofitable } = splitProfitable(chunk, gas, fees.effectiveGasPrice, isSponsored);
            if (unprofitable.length > 0) {
              for (const c of unprofitable)
                outcomes.push({ projectId: c.projectId, result: "skipped", reason: "unprofitable" });
              if (keep.length > 0) queue.push({ chunk: keep, checked: true });
              return;
            }
          }
          planned.push({ family, kind: kindOf(chunk.length), projectIds: ids, tx, gas: withGasMargin(gas) });
        });
      }
      return { planned, outcomes };
    });

    const outcomesOf = (p: PlannedTx, outcome: TxOutcome) =>
      Effect.gen(function* () {
        const receipt = outcome.receipt;
        yield* Metrics.recordGas(receipt.gasUsed * receipt.effectiveGasPrice);
        return TxOutcome.$match(outcome, {
          Mined: ({ hash }) => outcomesOfReceipt(p.family, p.projectIds, me, { hash, logs: receipt.logs }),
          Reverted: ({ revert }) => outcomesOfReceipt(p.family, p.projectIds, me, { revert }),
        });
      });

    /** Broadcasts in order (consecutive nonces), then waits for all receipts together. Not interruptible. */
    const execute = (planned: ReadonlyArray<PlannedTx>, fees: Fees) =>
      Effect.gen(function* () {
        const outcomes: ProjectOutcome[] = [];
        const sent: Array<{ readonly plannedTx: PlannedTx; readonly pending: PendingTx }> = [];
        for (const p of planned) {
          const pending = yield* Effect.either(
            sender.sendManaged({ to: p.tx.to, data: p.tx.data, gas: p.gas, kind: p.kind }, fees),
          );
          if (Either.isLeft(pending)) outcomes.push(...failedAll(p.projectIds, pending.left));
          else {
            yield* Metrics.recordTx(p.kind);
            sent.push({ plannedTx: p, pending: pending.right });
          }
        }
        const results = yield* Effect.forEach(
          sent,
          ({ plannedTx, pending }) =>
            Metrics.inflightBy(1).pipe(
              Effect.zipRight(sender.awaitMined(pending, policy)),
              Effect.flatMap((outcome) => outcomesOf(plannedTx, outcome)),
              Effect.catchAll((error) => Effect.succeed(failedAll(plannedTx.projectIds, error))),
              Effect.ensuring(Metrics.inflightBy(-1)),
            ),
          { concurrency: "unbounded" },
        );
        for (const r of results) outcomes.push(...r);
        return outcomes;
      }).pipe(Effect.uninterruptible);

    const record = (family: Family) => (outcome: ProjectOutcome) =>
      Effect.gen(function* () {
        switch (outcome.result) {
          case "harvested":
            yield* Metrics.recordHarvest(outcome.projectId, outcome.bounty, outcome.step);
            yield* Effect.logInfo("harvested").pipe(
              Effect.annotateLogs({
                projectId: outcome.projectId,
                hash: outcome.hash,
                bountyWei: big(outcome.bounty),
                stepBountyWstEthWei: outcome.step === undefined ? null : big(outcome.step.bounty),
              }),
            );
            break;
          case "deployed":
            yield* Metrics.recordStep(outcome.projectId, outcome.report);
            yield* Effect.logInfo("deploy step").pipe(
              Effect.annotateLogs({
                projectId: outcome.projectId,
                hash: outcome.hash,
                bountyWstEthWei: big(outcome.report.bounty),
              }),
            );
            break;
          case "skipped":
            yield* Metrics.recordSkip(family, outcome.reason);
            yield* (
              outcome.reason === "not-harvested-in-tx" || outcome.reason === "not-deployed-in-tx"
                ? Effect.logWarning
                : Effect.logInfo
            )(family === "harvest" ? "harvest skipped" : "deploy step skipped").pipe(
              Effect.annotateLogs({ projectId: outcome.projectId, reason: outcome.reason }),
            );
            break;
          case "failed":
            yield* Metrics.recordError(outcome.errorClass);
            yield* Effect.logError(family === "harvest" ? "harvest failed" : "deploy step failed").pipe(
              Effect.annotateLogs({
                projectId: outcome.projectId,
                errorClass: outcome.errorClass,
                error: outcome.message,
              }),
            );
            break;
        }
      });

    /** Stall book: stalled projects reported once (log + gauge + counter), resumed ones cleared. */
    const updateStalls = (changes: ReturnType<typeof triageDeploys>["changes"]) =>
      Effect.gen(function* () {
        yield* Ref.update(stallBook, (book) => applyStallChanges(book, changes));
        for (const change of changes) {
          switch (change._tag) {
            case "Stalled":
              yield* Metrics.setStalled(change.projectId, true);
              yield* Effect.logWarning(
                "project stalled: its due step would deploy nothing; looking again after a back-off",
              ).pipe(
                Effect.annotateLogs({
                  projectId: change.projectId,
                  pendingWstEthWei: big(change.report.pendingIn),
                  spotPrice: big(change.report.spotPrice),
                  referencePrice: big(change.report.referencePrice),
                  nextLookAt: big(change.stall.nextLookAt),
                }),
              );
              break;
            case "StillStalled":
              yield* Effect.logDebug("project still stalled").pipe(
                Effect.annotateLogs({
                  projectId: change.projectId,
                  nextLookAt: big(change.stall.nextLookAt),
                  backoffSeconds: big(change.stall.backoff),
                }),
              );
              break;
            case "Resumed":
              yield* Metrics.setStalled(change.projectId, false);
              yield* Effect.logInfo("project resumed: its step deploys again").pipe(
                Effect.annotateLogs({ projectId: change.projectId, stalledSince: big(change.since) }),
              );
              break;
          }
        }
      });

    const recordPending = (state: State) =>
      Effect.forEach(Object.entries(state.projects), ([id, p]) => Metrics.setPending(Number(id), p.pendingWstEth), {
        discard: true,
      });

    const pass = Effect.fn("Harvester.pass")(function* (options: { readonly dryRun: boolean }) {
      const loaded = yield* models.load();
      const state = loaded.state;
      // The earliest the next block can be: previews and readiness are for it.
      const now = loaded.timestamp + 1n;
      yield* recordPending(state);
      const harvests = triageHarvests(state, now);
      const deploys = triageDeploys(
        state,
        now,
        new Set(harvests.candidates.map((c) => c.projectId)),
        yield* Ref.get(stallBook),
      );
      yield* updateStalls(deploys.changes);
      const outcomes: ProjectOutcome[] = [...harvests.outcomes];
      const deployOutcomes: ProjectOutcome[] = [...deploys.outcomes];
      if (harvests.candidates.length + deploys.candidates.length > 0) {
        const fees = yield* Effect.either(sender.fees(settings));
        if (Either.isLeft(fees)) {
          if (!Predicate.isTagged(fees.left, "GasAboveCap")) return yield* fees.left;
          yield* Effect.logWarning("gas price above the cap; nothing sent").pipe(
            Effect.annotateLogs({ baseFee: big(fees.left.baseFee) }),
          );
          for (const c of harvests.candidates)
            outcomes.push({ projectId: c.projectId, result: "skipped", reason: "gas-above-cap" });
          for (const c of deploys.candidates)
            deployOutcomes.push({ projectId: c.projectId, result: "skipped", reason: "gas-above-cap" });
        } else {
          const harvestPlan = yield* plan("harvest", harvests.candidates, fees.right, state.projectCount);
          // A project the harvest plan dropped (unprofitable, reverting) may still be due for a step; the next pass
          // sees it. Steps are planned for the projects no harvest of this pass touches.
          const stepPlan = yield* plan("deploy", deploys.candidates, fees.right, state.projectCount);
          outcomes.push(...harvestPlan.outcomes);
          deployOutcomes.push(...stepPlan.outcomes);
          const planned = [...harvestPlan.planned, ...stepPlan.planned];
          if (options.dryRun) {
            for (const p of planned) {
              yield* Effect.logInfo("dry run: would send").pipe(
                Effect.annotateLogs({ kind: p.kind, projectIds: p.projectIds.join(","), gas: big(p.gas) }),
              );
              for (const id of p.projectIds)
                (p.family === "harvest" ? outcomes : deployOutcomes).push({
                  projectId: id,
                  result: "skipped",
                  reason: "dry-run",
                });
            }
          } else {
            // Harvests first (consecutive nonces), then the steps: one batch, all receipts awaited together.
            const sent = yield* execute(planned, fees.right);
            const stepIds = new Set(stepPlan.planned.flatMap((p) => p.projectIds));
            for (const o of sent) (stepIds.has(o.projectId) ? deployOutcomes : outcomes).push(o);
          }
        }
      }
      yield* Effect.forEach(outcomes, record("harvest"), { discard: true });
      yield* Effect.forEach(deployOutcomes, record("deploy"), { discard: true });
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
          stalledWaiting: deploys.waiting.length,
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
        stalledWaiting: deploys.waiting,
        nextDeployTime: deploys.next,
        failures,
      } satisfies PassReport;
    });

    /** Before the first poll: waits for transactions a previous run left pending (at most three tx timeouts). */
    const settlePrevious = sender.settlePrevious({
      pollInterval: settings.receiptPollInterval,
      within: Duration.times(settings.txTimeout, 3),
    });

    return { pass, settlePrevious, address: me } as const;
  }),
}) {}
