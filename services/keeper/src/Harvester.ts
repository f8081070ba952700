import { type BuildError, type ContractRevert, Deployment, ModelState, type PreparedTx, TxBuilder, technoCapitalMachineAbi, withGasMargin } from "@tcm/chain";
import { EPOCH_SECONDS, type HarvestReport, type State, harvest as harvestMath, previewHarvest } from "@tcm/domain";
import { Effect, Either } from "effect";
import { encodeFunctionData, parseEventLogs } from "viem";
import { KeeperConfig } from "./KeeperConfig.js";
import { KeeperMetrics } from "./Metrics.js";
import { type Fees, type PendingTx, type TxOutcome, Transactions } from "./Transactions.js";

/** Why a due project was not harvested by this pass. None of these is a failure. */
export type SkipReason =
  | "nothing-to-harvest"
  | "unprofitable"
  | "price-deviation"
  | "twap-window"
  | "already-harvested"
  | "insufficient-output"
  | "paused"
  | "gas-above-cap"
  | "dry-run"
  | "not-harvested-in-tx";

export type ProjectOutcome =
  | { readonly projectId: number; readonly result: "harvested"; readonly hash: string; readonly bounty: bigint }
  | { readonly projectId: number; readonly result: "refreshed"; readonly hash: string }
  | { readonly projectId: number; readonly result: "skipped"; readonly reason: SkipReason }
  | { readonly projectId: number; readonly result: "failed"; readonly errorClass: string; readonly message: string };

export interface PassReport {
  readonly blockNumber: bigint;
  readonly epoch: bigint;
  /** Projects whose epoch had turned since their last harvest. */
  readonly due: ReadonlyArray<number>;
  readonly outcomes: ReadonlyArray<ProjectOutcome>;
  readonly failures: number;
}

interface Candidate {
  readonly projectId: number;
  readonly report: HarvestReport;
  readonly minTokensOut: bigint;
}

interface PlannedTx {
  readonly kind: "harvest" | "harvestMany" | "refresh";
  readonly projectIds: ReadonlyArray<number>;
  readonly tx: PreparedTx;
  readonly gas: bigint;
}

/** The revert names a harvest may legitimately hit, and what they mean for the keeper. */
const skipReasonOf = (revert: ContractRevert): SkipReason | undefined => {
  switch (revert.name) {
    case "TCM_AlreadyHarvested":
      return "already-harvested";
    case "TCM_PriceDeviation":
      return "price-deviation";
    case "TCM_NothingToHarvest":
      return "nothing-to-harvest";
    case "TCM_InsufficientOutput":
      return "insufficient-output";
    case "TCM_HarvestsPaused":
      return "paused";
    case "TCM_ObservationFresh":
      return "twap-window";
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

/**
 * One keeper pass: load the domain model at the head block (one pinned snapshot), find the projects whose epoch
 * turned, preview each harvest exactly, decide (bounty vs gas × price, or sponsored), and send harvest /
 * harvestMany in chunks with minTokensOut from the preview minus slippage; refresh stale observations when the
 * price guard trips. Reverts are classified, never retried blindly; the next pass re-reads the chain.
 */
export class Harvester extends Effect.Service<Harvester>()("@tcm/keeper/Harvester", {
  effect: Effect.gen(function* () {
    const settings = yield* KeeperConfig;
    const models = yield* ModelState;
    const builder = yield* TxBuilder;
    const txs = yield* Transactions;
    const deployment = yield* Deployment;
    const metrics = yield* KeeperMetrics;
    const me = txs.address;
    const isSponsored = (id: number) => settings.sponsored === "all" || settings.sponsored.has(id);
    const minOutOf = (report: HarvestReport) => (report.tokensBought * (10_000n - settings.slippageBps)) / 10_000n;

    const estimate = (kind: "harvest" | "harvestMany", ids: ReadonlyArray<number>, mins: ReadonlyArray<bigint>, projectCount: number) =>
      (kind === "harvest"
        ? builder.harvest({ projectId: ids[0] as number, minTokensOut: mins[0] as bigint }, { from: me, projectCount })
        : builder.harvestMany({ projectIds: ids, minTokensOut: mins }, { from: me, projectCount })
      ).pipe(Effect.either);

    /** Previews every due project and sorts them into candidates, observation refreshes and skips. */
    const triage = (state: State, now: bigint) => {
      const epoch = (now - state.config.genesis) / EPOCH_SECONDS;
      const due: number[] = [];
      const candidates: Candidate[] = [];
      const refreshes: number[] = [];
      const outcomes: ProjectOutcome[] = [];
      const guardTrips: Array<{ id: number; spot: bigint; twap: bigint; age: bigint }> = [];
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
          outcomes.push({ projectId: id, result: "failed", errorClass: "model", message: JSON.stringify(preview.error, (_k, v) => (typeof v === "bigint" ? String(v) : v)) });
          continue;
        }
        const { status, report } = preview.value;
        const age = now - p.observationTime;
        switch (status) {
          case "Done":
            candidates.push({ projectId: id, report, minTokensOut: minOutOf(report) });
            break;
          case "PriceDeviation":
            if (p.seeded && age >= EPOCH_SECONDS) refreshes.push(id);
            else outcomes.push({ projectId: id, result: "skipped", reason: age < harvestMath.MIN_TWAP_WINDOW ? "twap-window" : "price-deviation" });
            break;
          case "NothingToHarvest":
            outcomes.push({ projectId: id, result: "skipped", reason: "nothing-to-harvest" });
            break;
          case "AlreadyHarvested":
            outcomes.push({ projectId: id, result: "skipped", reason: "already-harvested" });
            break;
          case "InsufficientOutput":
            outcomes.push({ projectId: id, result: "skipped", reason: "insufficient-output" });
            break;
        }
        if (status === "PriceDeviation") {
          guardTrips.push({ id, spot: report.spotPrice, twap: report.twapPrice, age });
        }
      }
      return { epoch, due, candidates, refreshes, outcomes, guardTrips };
    };

    /**
     * Chunks the candidates into harvestMany transactions (a single one as harvest), estimates each (a revert
     * splits a chunk into singles to isolate it), and drops the ones whose bounty does not pay their share of
     * the gas at the current price, unless sponsored.
     */
    const plan = Effect.fn("Harvester.plan")(function* (candidates: ReadonlyArray<Candidate>, fees: Fees, projectCount: number) {
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
          ({ chunk }) =>
            estimate(
              chunk.length === 1 ? "harvest" : "harvestMany",
              chunk.map((c) => c.projectId),
              chunk.map((c) => c.minTokensOut),
              projectCount,
            ),
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
            const keep = chunk.filter((c) => isSponsored(c.projectId) || c.report.bountyStEth >= perProject);
            if (keep.length < chunk.length) {
              for (const c of chunk) {
                if (!keep.includes(c)) outcomes.push({ projectId: c.projectId, result: "skipped", reason: "unprofitable" });
              }
              if (keep.length > 0) queue.push({ chunk: keep, checked: true });
              return;
            }
          }
          planned.push({ kind: chunk.length === 1 ? "harvest" : "harvestMany", projectIds: ids, tx, gas: withGasMargin(gas) });
        });
      }
      return { planned, outcomes };
    });

    const planRefreshes = Effect.fn("Harvester.planRefreshes")(function* (ids: ReadonlyArray<number>) {
      const planned: PlannedTx[] = [];
      const outcomes: ProjectOutcome[] = [];
      for (const id of ids) {
        const tx: PreparedTx = {
          to: deployment.machine,
          data: encodeFunctionData({ abi: technoCapitalMachineAbi, functionName: "refreshObservation", args: [id] }),
          value: 0n,
        };
        const gas = yield* Effect.either(txs.estimate(tx));
        if (Either.isLeft(gas)) {
          const e = gas.left;
          const reason = e._tag === "ContractRevert" ? skipReasonOf(e) : undefined;
          outcomes.push(
            reason !== undefined
              ? { projectId: id, result: "skipped", reason }
              : { projectId: id, result: "failed", errorClass: errorClassOf(e), message: e.message },
          );
        } else planned.push({ kind: "refresh", projectIds: [id], tx, gas: withGasMargin(gas.right) });
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
      if (p.kind === "refresh") return [{ projectId: p.projectIds[0] as number, result: "refreshed", hash: outcome.hash }];
      const harvested = new Map<number, bigint>();
      for (const log of parseEventLogs({ abi: technoCapitalMachineAbi, logs: outcome.receipt.logs, eventName: "Harvested" })) {
        if (log.args.caller.toLowerCase() === me.toLowerCase()) harvested.set(log.args.projectId, log.args.report.bountyStEth);
      }
      return p.projectIds.map((id) => {
        const bounty = harvested.get(id);
        return bounty !== undefined
          ? { projectId: id, result: "harvested", hash: outcome.hash, bounty }
          : { projectId: id, result: "skipped", reason: "not-harvested-in-tx" };
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

    const record = (outcome: ProjectOutcome) =>
      Effect.gen(function* () {
        switch (outcome.result) {
          case "harvested":
            yield* metrics.harvested(outcome.projectId, outcome.bounty);
            yield* Effect.logInfo("harvested").pipe(
              Effect.annotateLogs({ projectId: outcome.projectId, hash: outcome.hash, bountyWei: big(outcome.bounty) }),
            );
            break;
          case "refreshed":
            yield* metrics.tx("refresh-done");
            yield* Effect.logInfo("observation refreshed; harvest retried after the TWAP window").pipe(
              Effect.annotateLogs({ projectId: outcome.projectId, hash: outcome.hash }),
            );
            break;
          case "skipped":
            yield* metrics.skipped(outcome.reason);
            yield* (outcome.reason === "price-deviation" || outcome.reason === "not-harvested-in-tx" ? Effect.logWarning : Effect.logInfo)(
              "skipped",
            ).pipe(Effect.annotateLogs({ projectId: outcome.projectId, reason: outcome.reason }));
            break;
          case "failed":
            yield* metrics.error(outcome.errorClass);
            yield* Effect.logError("harvest failed").pipe(
              Effect.annotateLogs({ projectId: outcome.projectId, errorClass: outcome.errorClass, error: outcome.message }),
            );
            break;
        }
      });

    const pass = Effect.fn("Harvester.pass")(function* (options: { readonly dryRun: boolean }) {
      const loaded = yield* models.load();
      const state = loaded.state;
      // The earliest the next block can be: previews are for it (seconds later only move the TWAP slightly,
      // which minTokensOut's slippage absorbs).
      const now = loaded.timestamp + 1n;
      const triaged = triage(state, now);
      for (const d of triaged.guardTrips) {
        yield* Effect.logWarning("price guard tripped").pipe(
          Effect.annotateLogs({ projectId: d.id, spot: big(d.spot), twap: big(d.twap), observationAge: big(d.age) }),
        );
      }
      const outcomes: ProjectOutcome[] = [...triaged.outcomes];
      if (triaged.candidates.length + triaged.refreshes.length > 0) {
        const fees = yield* Effect.either(txs.fees());
        if (Either.isLeft(fees)) {
          if (fees.left._tag !== "GasAboveCap") return yield* fees.left;
          yield* Effect.logWarning("gas price above the cap; nothing sent").pipe(Effect.annotateLogs({ baseFee: big(fees.left.baseFee) }));
          for (const c of triaged.candidates) outcomes.push({ projectId: c.projectId, result: "skipped", reason: "gas-above-cap" });
          for (const id of triaged.refreshes) outcomes.push({ projectId: id, result: "skipped", reason: "gas-above-cap" });
        } else {
          const harvests = yield* plan(triaged.candidates, fees.right, state.projectCount);
          const refreshes = yield* planRefreshes(triaged.refreshes);
          outcomes.push(...harvests.outcomes, ...refreshes.outcomes);
          const planned = [...harvests.planned, ...refreshes.planned];
          if (options.dryRun) {
            for (const p of planned) {
              yield* Effect.logInfo("dry run: would send").pipe(
                Effect.annotateLogs({ kind: p.kind, projectIds: p.projectIds.join(","), gas: big(p.gas) }),
              );
              for (const id of p.projectIds) outcomes.push({ projectId: id, result: "skipped", reason: "dry-run" });
            }
          } else outcomes.push(...(yield* execute(planned, fees.right)));
        }
      }
      for (const o of outcomes) yield* record(o);
      const failures = outcomes.filter((o) => o.result === "failed").length;
      yield* Effect.logInfo("poll done").pipe(
        Effect.annotateLogs({
          block: big(loaded.blockNumber),
          epoch: big(triaged.epoch),
          due: triaged.due.length,
          harvested: outcomes.filter((o) => o.result === "harvested").length,
          skipped: outcomes.filter((o) => o.result === "skipped").length,
          failures,
        }),
      );
      return { blockNumber: loaded.blockNumber, epoch: triaged.epoch, due: triaged.due, outcomes, failures } satisfies PassReport;
    });

    return { pass } as const;
  }),
}) {}
