import { prometheusText } from "@tcm/chain";
import { type Effect, Metric, MetricBoundaries } from "effect";

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

/** Every registered Effect metric in the Prometheus text exposition format (0.0.4), by @tcm/chain's one renderer. */
export const renderPrometheus: Effect.Effect<string> = prometheusText();
