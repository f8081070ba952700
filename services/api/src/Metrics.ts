import { Effect, Metric, MetricBoundaries, MetricKeyType, MetricState } from "effect";

/** The API's metrics (Effect Metric), rendered as Prometheus text at /metrics. */
export const httpRequests = Metric.counter("tcm_api_http_requests_total", {
  description: "HTTP requests by route and status",
  incremental: true,
});
export const httpDuration = Metric.histogram(
  "tcm_api_http_request_duration_seconds",
  // 1 ms … ~4 s
  MetricBoundaries.exponential({ start: 0.001, factor: 2, count: 13 }),
  "HTTP request duration",
);
export const graphqlOperations = Metric.counter("tcm_api_graphql_operations_total", {
  description: "GraphQL operations by outcome",
  incremental: true,
});
export const snapshotLoads = Metric.counter("tcm_api_chain_snapshot_loads_total", {
  description: "Per-block chain snapshots read (one per block served)",
  incremental: true,
});
export const chainReads = Metric.counter("tcm_api_chain_position_reads_total", {
  description: "Account position reads (cache misses)",
  incremental: true,
});
export const subgraphRequests = Metric.counter("tcm_api_subgraph_requests_total", {
  description: "Subgraph requests by outcome",
  incremental: true,
});

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const labels = (tags: ReadonlyArray<{ key: string; value: string }>, extra: ReadonlyArray<[string, string]> = []) => {
  const all = [...tags.map((t) => [t.key, t.value] as [string, string]), ...extra];
  return all.length === 0 ? "" : `{${all.map(([k, v]) => `${k}="${escape(v)}"`).join(",")}}`;
};
const num = (x: number | bigint) => (typeof x === "bigint" ? x.toString() : Number.isFinite(x) ? String(x) : x > 0 ? "+Inf" : "-Inf");

/** Every registered Effect metric in the Prometheus text exposition format (0.0.4). */
export const renderPrometheus: Effect.Effect<string> = Effect.sync(() => {
  const byName = new Map<string, { type: string; help: string; lines: string[] }>();
  for (const pair of Metric.unsafeSnapshot()) {
    const key = pair.metricKey;
    const name = key.name;
    const state = pair.metricState;
    const entry =
      byName.get(name) ??
      (() => {
        const type = MetricKeyType.isCounterKey(key.keyType)
          ? "counter"
          : MetricKeyType.isHistogramKey(key.keyType)
            ? "histogram"
            : MetricKeyType.isGaugeKey(key.keyType)
              ? "gauge"
              : "untyped";
        const created = { type, help: key.description._tag === "Some" ? key.description.value : name, lines: [] as string[] };
        byName.set(name, created);
        return created;
      })();
    const tags = key.tags;
    if (MetricState.isCounterState(state)) entry.lines.push(`${name}${labels(tags)} ${num(state.count)}`);
    else if (MetricState.isGaugeState(state)) entry.lines.push(`${name}${labels(tags)} ${num(state.value)}`);
    else if (MetricState.isHistogramState(state)) {
      for (const [bound, count] of state.buckets) {
        entry.lines.push(`${name}_bucket${labels(tags, [["le", num(bound)]])} ${count}`);
      }
      entry.lines.push(`${name}_bucket${labels(tags, [["le", "+Inf"]])} ${state.count}`);
      entry.lines.push(`${name}_sum${labels(tags)} ${num(state.sum)}`);
      entry.lines.push(`${name}_count${labels(tags)} ${state.count}`);
    } else if (MetricState.isFrequencyState(state)) {
      for (const [value, count] of state.occurrences) entry.lines.push(`${name}${labels(tags, [["value", value]])} ${count}`);
    }
  }
  const out: string[] = [];
  for (const [name, { type, help, lines }] of byName) {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
  }
  return `${out.join("\n")}\n`;
});
