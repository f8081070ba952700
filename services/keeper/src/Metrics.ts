import { prometheusText } from "@tcm/chain";
import { deployedWstEthOf } from "@tcm/domain";
import { Clock, Effect, Metric, MetricBoundaries, MetricLabel, Option } from "effect";

/**
 * The keeper's metrics (Effect Metric), rendered at /metrics by @tcm/chain's Prometheus renderer:
 * tcm_keeper_harvests_total{project}, tcm_keeper_bounty_wei_total (stETH), tcm_keeper_deploy_steps_total{project},
 * tcm_keeper_step_bounty_wei_total (wstETH), tcm_keeper_deployed_wsteth_wei_total{project},
 * tcm_keeper_gas_spent_wei_total (ETH), tcm_keeper_pending_wsteth_wei{project}, tcm_keeper_stalled{project} (1 while
 * its steps would deploy nothing), tcm_keeper_stalls_total{project}, tcm_keeper_errors_total{class},
 * tcm_keeper_skips_total{family,reason}, tcm_keeper_txs_total{kind}, tcm_keeper_polls_total{result},
 * tcm_keeper_rpc_requests_total{method}, tcm_keeper_rpc_latency_seconds{method},
 * tcm_keeper_last_successful_poll_timestamp_seconds, tcm_keeper_inflight_transactions.
 */
export const harvests = Metric.counter("tcm_keeper_harvests_total", {
  description: "Harvests this keeper performed, by project.",
  incremental: true,
});
export const bountyWei = Metric.counter("tcm_keeper_bounty_wei_total", {
  description: "Harvest bounties earned, in stETH wei.",
  bigint: true,
  incremental: true,
});
export const deploySteps = Metric.counter("tcm_keeper_deploy_steps_total", {
  description: "Deploy steps this keeper ran (alone or inside a harvest), by project.",
  incremental: true,
});
export const stepBountyWei = Metric.counter("tcm_keeper_step_bounty_wei_total", {
  description: "Deploy-step bounties earned, in wstETH wei.",
  bigint: true,
  incremental: true,
});
export const deployedWstEthWei = Metric.counter("tcm_keeper_deployed_wsteth_wei_total", {
  description: "wstETH the steps this keeper ran put into the pools (swapped + added), by project.",
  bigint: true,
  incremental: true,
});
export const gasSpentWei = Metric.counter("tcm_keeper_gas_spent_wei_total", {
  description: "Gas this keeper paid for its mined transactions (gasUsed × effectiveGasPrice), in ETH wei.",
  bigint: true,
  incremental: true,
});
export const pendingWstEthWei = Metric.gauge("tcm_keeper_pending_wsteth_wei", {
  description: "wstETH harvested and not yet deployed, by project, at the last poll.",
  bigint: true,
});
export const stalled = Metric.gauge("tcm_keeper_stalled", {
  description:
    "1 while a project's due steps would deploy nothing (price past the band); looked at again after a back-off.",
});
export const stalls = Metric.counter("tcm_keeper_stalls_total", {
  description: "Times a project was found stalled, by project.",
  incremental: true,
});
export const errors = Metric.counter("tcm_keeper_errors_total", { description: "Errors by class.", incremental: true });
export const skips = Metric.counter("tcm_keeper_skips_total", {
  description: "Due harvests (family=harvest) and deploy steps (family=deploy) not done, by reason.",
  incremental: true,
});
export const txs = Metric.counter("tcm_keeper_txs_total", {
  description: "Transactions broadcast, by kind (harvest, harvestMany, deploy, deployMany, replacement).",
  incremental: true,
});
export const polls = Metric.counter("tcm_keeper_polls_total", { description: "Polls by result.", incremental: true });
export const rpcRequests = Metric.counter("tcm_keeper_rpc_requests_total", {
  description: "JSON-RPC HTTP requests by method (batch for JSON-RPC batches).",
  incremental: true,
});
export const rpcLatency = Metric.histogram(
  "tcm_keeper_rpc_latency_seconds",
  MetricBoundaries.fromIterable([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
  "JSON-RPC HTTP round-trip latency.",
);
export const lastSuccessfulPoll = Metric.gauge("tcm_keeper_last_successful_poll_timestamp_seconds", {
  description: "Unix time of the last poll that completed.",
});
export const inflight = Metric.gauge("tcm_keeper_inflight_transactions", {
  description: "Transactions broadcast and not yet mined.",
});

const project = (id: number) => String(id);

/** Counts one RPC round trip (called from the transport's fetch wrapper, outside Effect). */
export const observeRpc = (method: string, seconds: number): void => {
  const tags = [MetricLabel.make("method", method)];
  rpcRequests.unsafeUpdate(1, tags);
  rpcLatency.unsafeUpdate(seconds, tags);
};

/** A harvest this keeper performed, and the step it ran. */
export const recordHarvest = (
  projectId: number,
  bounty: bigint,
  step: { readonly bounty: bigint; readonly wstEthAdded: bigint; readonly wstEthSwapped: bigint } | undefined,
) =>
  Effect.gen(function* () {
    yield* Metric.increment(Metric.tagged(harvests, "project", project(projectId)));
    yield* Metric.incrementBy(bountyWei, bounty);
    if (step !== undefined) yield* recordStep(projectId, step);
  });

/** A deploy step this keeper ran (alone or inside a harvest). */
export const recordStep = (
  projectId: number,
  step: { readonly bounty: bigint; readonly wstEthAdded: bigint; readonly wstEthSwapped: bigint },
) =>
  Effect.gen(function* () {
    yield* Metric.increment(Metric.tagged(deploySteps, "project", project(projectId)));
    yield* Metric.incrementBy(stepBountyWei, step.bounty);
    yield* Metric.incrementBy(Metric.tagged(deployedWstEthWei, "project", project(projectId)), deployedWstEthOf(step));
  });

export const recordError = (cls: string) => Metric.increment(Metric.tagged(errors, "class", cls));
export const recordSkip = (family: "harvest" | "deploy", reason: string) =>
  Metric.increment(Metric.tagged(Metric.tagged(skips, "family", family), "reason", reason));
export const recordTx = (kind: string) => Metric.increment(Metric.tagged(txs, "kind", kind));
export const recordGas = (wei: bigint) => Metric.incrementBy(gasSpentWei, wei);
export const setPending = (projectId: number, wei: bigint) =>
  Metric.set(Metric.tagged(pendingWstEthWei, "project", project(projectId)), wei);
export const setStalled = (projectId: number, isStalled: boolean) =>
  Effect.zipRight(
    Metric.set(Metric.tagged(stalled, "project", project(projectId)), isStalled ? 1 : 0),
    isStalled ? Metric.increment(Metric.tagged(stalls, "project", project(projectId))) : Effect.void,
  );
export const recordPoll = (result: "ok" | "failed") =>
  Effect.gen(function* () {
    yield* Metric.increment(Metric.tagged(polls, "result", result));
    if (result === "ok") yield* Metric.set(lastSuccessfulPoll, (yield* Clock.currentTimeMillis) / 1000);
  });
export const inflightBy = (delta: number) => Metric.modify(inflight, delta);

/** Unix ms of the last poll that completed, if any. */
export const lastSuccessfulPollMillis = Effect.map(Metric.value(lastSuccessfulPoll), (s) =>
  s.value > 0 ? Option.some(s.value * 1000) : Option.none<number>(),
);

/** The keeper's metrics as Prometheus text. */
export const renderKeeperMetrics = prometheusText({ prefix: "tcm_keeper_" });
