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

/** One worker's /metrics text, as the cluster's primary collected it. */
export interface WorkerMetrics {
  /** The value of the `worker` label its series get. */
  readonly worker: string;
  readonly text: string;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{?)/;

/**
 * Several workers' Prometheus texts as one exposition: every sample gets a `worker="<i>"` label (first, before its
 * own), and each metric family is written once, its HELP and TYPE lines then the samples of every worker in the given
 * order, families in first-seen order (so `sum without (worker)` in Prometheus gives the API's totals). `notes` are
 * written first as comments (a worker that did not answer).
 */
export const mergePrometheus = (parts: ReadonlyArray<WorkerMetrics>, notes: ReadonlyArray<string> = []): string => {
  const families = new Map<string, { help?: string; type?: string; samples: string[] }>();
  const family = (name: string) => {
    let entry = families.get(name);
    if (entry === undefined) {
      entry = { samples: [] };
      families.set(name, entry);
    }
    return entry;
  };
  for (const { worker, text } of parts) {
    const label = `worker="${worker.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
    // Samples belong to the family of the HELP/TYPE lines above them (a histogram's _bucket, _sum and _count too).
    let current: string | undefined;
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      const header = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (header !== null) {
        current = header[2]!;
        const entry = family(current);
        if (header[1] === "HELP") entry.help ??= line;
        else entry.type ??= line;
        continue;
      }
      if (line.startsWith("#")) continue;
      const sample = SAMPLE.exec(line);
      if (sample === null) continue;
      const name = sample[1]!;
      const rest = line.slice(name.length + sample[2]!.length);
      const labelled = sample[2] === "{" ? `${name}{${label},${rest}` : `${name}{${label}}${rest}`;
      family(current ?? name).samples.push(labelled);
    }
  }
  const out = notes.map((note) => `# ${note.replace(/\n/g, " ")}`);
  for (const { help, type, samples } of families.values()) {
    if (help !== undefined) out.push(help);
    if (type !== undefined) out.push(type);
    out.push(...samples);
  }
  return `${out.join("\n")}\n`;
};
