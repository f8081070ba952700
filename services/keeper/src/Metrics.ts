import { Effect } from "effect";

/** RPC latency buckets, seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

interface Histogram {
  readonly counts: number[];
  sum: number;
  count: number;
}

const labelText = (labels: Readonly<Record<string, string>>): string => {
  const entries = Object.entries(labels);
  return entries.length === 0
    ? ""
    : `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`).join(",")}}`;
};

/**
 * The keeper's Prometheus metrics (text exposition 0.0.4), kept in memory:
 * tcm_keeper_harvests_total{project}, tcm_keeper_bounty_wei_total, tcm_keeper_deploy_steps_total{project},
 * tcm_keeper_step_bounty_wei_total, tcm_keeper_errors_total{class},
 * tcm_keeper_skips_total{reason}, tcm_keeper_txs_total{kind}, tcm_keeper_rpc_requests_total{method},
 * tcm_keeper_rpc_latency_seconds{method} (histogram), tcm_keeper_last_successful_poll_timestamp_seconds,
 * tcm_keeper_polls_total{result}, tcm_keeper_inflight_transactions.
 */
export class KeeperMetrics extends Effect.Service<KeeperMetrics>()("@tcm/keeper/KeeperMetrics", {
  sync: () => {
    const harvests = new Map<number, number>();
    const steps = new Map<number, number>();
    const errors = new Map<string, number>();
    const skips = new Map<string, number>();
    const txs = new Map<string, number>();
    const polls = new Map<string, number>();
    const rpcRequests = new Map<string, number>();
    const latency = new Map<string, Histogram>();
    let bountyWei = 0n;
    let stepBountyWei = 0n;
    let lastSuccessfulPoll = 0;
    let inflight = 0;
    const bump = <K>(map: Map<K, number>, key: K, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

    const observeRpc = (method: string, seconds: number) => {
      bump(rpcRequests, method);
      let h = latency.get(method);
      if (h === undefined) {
        h = { counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };
        latency.set(method, h);
      }
      LATENCY_BUCKETS.forEach((le, i) => {
        if (seconds <= le) h.counts[i] = (h.counts[i] ?? 0) + 1;
      });
      h.sum += seconds;
      h.count += 1;
    };

    const render = (): string => {
      const lines: string[] = [];
      const family = (name: string, type: string, help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      family("tcm_keeper_harvests_total", "counter", "Harvests this keeper performed, by project.");
      for (const [project, n] of [...harvests].sort((a, b) => a[0] - b[0])) {
        lines.push(`tcm_keeper_harvests_total${labelText({ project: String(project) })} ${n}`);
      }
      family("tcm_keeper_bounty_wei_total", "counter", "Bounties earned, in stETH wei.");
      lines.push(`tcm_keeper_bounty_wei_total ${bountyWei}`);
      family("tcm_keeper_deploy_steps_total", "counter", "Deploy steps this keeper ran (alone or inside a harvest), by project.");
      for (const [project, n] of [...steps].sort((a, b) => a[0] - b[0])) {
        lines.push(`tcm_keeper_deploy_steps_total${labelText({ project: String(project) })} ${n}`);
      }
      family("tcm_keeper_step_bounty_wei_total", "counter", "Deploy-step bounties earned, in wstETH wei.");
      lines.push(`tcm_keeper_step_bounty_wei_total ${stepBountyWei}`);
      family("tcm_keeper_errors_total", "counter", "Errors by class.");
      for (const [cls, n] of errors) lines.push(`tcm_keeper_errors_total${labelText({ class: cls })} ${n}`);
      family("tcm_keeper_skips_total", "counter", "Due harvests and deploy steps not done, by reason.");
      for (const [reason, n] of skips) lines.push(`tcm_keeper_skips_total${labelText({ reason })} ${n}`);
      family("tcm_keeper_txs_total", "counter", "Transactions broadcast, by kind (harvest, harvestMany, deploy, deployMany, replacement).");
      for (const [kind, n] of txs) lines.push(`tcm_keeper_txs_total${labelText({ kind })} ${n}`);
      family("tcm_keeper_polls_total", "counter", "Polls by result.");
      for (const [result, n] of polls) lines.push(`tcm_keeper_polls_total${labelText({ result })} ${n}`);
      family("tcm_keeper_rpc_requests_total", "counter", "JSON-RPC HTTP requests by method (batch for JSON-RPC batches).");
      for (const [method, n] of rpcRequests) lines.push(`tcm_keeper_rpc_requests_total${labelText({ method })} ${n}`);
      family("tcm_keeper_rpc_latency_seconds", "histogram", "JSON-RPC HTTP round-trip latency.");
      for (const [method, h] of latency) {
        LATENCY_BUCKETS.forEach((le, i) =>
          lines.push(`tcm_keeper_rpc_latency_seconds_bucket${labelText({ method, le: String(le) })} ${h.counts[i] ?? 0}`),
        );
        lines.push(`tcm_keeper_rpc_latency_seconds_bucket${labelText({ method, le: "+Inf" })} ${h.count}`);
        lines.push(`tcm_keeper_rpc_latency_seconds_sum${labelText({ method })} ${h.sum}`);
        lines.push(`tcm_keeper_rpc_latency_seconds_count${labelText({ method })} ${h.count}`);
      }
      family("tcm_keeper_last_successful_poll_timestamp_seconds", "gauge", "Unix time of the last poll that completed.");
      lines.push(`tcm_keeper_last_successful_poll_timestamp_seconds ${lastSuccessfulPoll}`);
      family("tcm_keeper_inflight_transactions", "gauge", "Transactions broadcast and not yet mined.");
      lines.push(`tcm_keeper_inflight_transactions ${inflight}`);
      return `${lines.join("\n")}\n`;
    };

    return {
      harvested: (projectId: number, bounty: bigint) =>
        Effect.sync(() => {
          bump(harvests, projectId);
          bountyWei += bounty;
        }),
      deployed: (projectId: number, bounty: bigint) =>
        Effect.sync(() => {
          bump(steps, projectId);
          stepBountyWei += bounty;
        }),
      error: (cls: string) => Effect.sync(() => void bump(errors, cls)),
      skipped: (reason: string) => Effect.sync(() => void bump(skips, reason)),
      tx: (kind: string) => Effect.sync(() => void bump(txs, kind)),
      poll: (result: "ok" | "failed") =>
        Effect.sync(() => {
          bump(polls, result);
          if (result === "ok") lastSuccessfulPoll = Date.now() / 1000;
        }),
      inflight: (delta: number) => Effect.sync(() => void (inflight += delta)),
      /** Called from the RPC transport's fetch wrapper (outside Effect). */
      observeRpc,
      lastSuccessfulPoll: Effect.sync(() => lastSuccessfulPoll),
      rpcRequestCount: Effect.sync(() => [...rpcRequests.values()].reduce((a, b) => a + b, 0)),
      harvestCount: Effect.sync(() => [...harvests.values()].reduce((a, b) => a + b, 0)),
      deployStepCount: Effect.sync(() => [...steps.values()].reduce((a, b) => a + b, 0)),
      render: Effect.sync(render),
    } as const;
  },
}) {}
