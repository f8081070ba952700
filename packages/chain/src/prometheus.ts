/**
 * The Prometheus text exposition (format 0.0.4) of Effect metrics: one renderer for every service (the API's and the
 * keeper's /metrics). Counters, gauges (number or bigint), histograms (cumulative buckets, _sum, _count) and
 * frequencies (one series per value).
 */
import { Effect, Metric, MetricKeyType, type MetricPair, MetricState } from "effect";

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const labels = (
  tags: ReadonlyArray<{ readonly key: string; readonly value: string }>,
  extra: ReadonlyArray<readonly [string, string]> = [],
) => {
  const all = [...tags.map((t) => [t.key, t.value] as const), ...extra];
  return all.length === 0 ? "" : `{${all.map(([k, v]) => `${k}="${escape(v)}"`).join(",")}}`;
};
const num = (x: number | bigint) =>
  typeof x === "bigint"
    ? x.toString()
    : Number.isFinite(x)
      ? String(x)
      : Number.isNaN(x)
        ? "NaN"
        : x > 0
          ? "+Inf"
          : "-Inf";

export interface PrometheusOptions {
  /** Only metrics whose name starts with this (a service's own, e.g. "tcm_keeper_"). */
  readonly prefix?: string;
}

/** Renders metric pairs (Effect's `Metric.snapshot`) as Prometheus text; families in first-seen order. */
export const renderPrometheus = (
  pairs: Iterable<MetricPair.MetricPair.Untyped>,
  options: PrometheusOptions = {},
): string => {
  const byName = new Map<string, { type: string; help: string; lines: string[] }>();
  for (const pair of pairs) {
    const key = pair.metricKey;
    const name = key.name;
    if (options.prefix !== undefined && !name.startsWith(options.prefix)) continue;
    const state = pair.metricState;
    let entry = byName.get(name);
    if (entry === undefined) {
      // An Effect counter that is not `incremental` may go down (Effect's own effect_fiber_active): a gauge.
      const type = MetricKeyType.isCounterKey(key.keyType)
        ? key.keyType.incremental
          ? "counter"
          : "gauge"
        : MetricKeyType.isHistogramKey(key.keyType)
          ? "histogram"
          : MetricKeyType.isGaugeKey(key.keyType)
            ? "gauge"
            : "untyped";
      entry = { type, help: key.description._tag === "Some" ? key.description.value : name, lines: [] };
      byName.set(name, entry);
    }
    const tags = key.tags;
    if (MetricState.isCounterState(state)) entry.lines.push(`${name}${labels(tags)} ${num(state.count)}`);
    else if (MetricState.isGaugeState(state)) entry.lines.push(`${name}${labels(tags)} ${num(state.value)}`);
    else if (MetricState.isHistogramState(state)) {
      // Effect's boundaries end with +Infinity already; the +Inf bucket is written once, below, as the count.
      for (const [bound, count] of state.buckets)
        if (Number.isFinite(bound)) entry.lines.push(`${name}_bucket${labels(tags, [["le", num(bound)]])} ${count}`);
      entry.lines.push(`${name}_bucket${labels(tags, [["le", "+Inf"]])} ${state.count}`);
      entry.lines.push(`${name}_sum${labels(tags)} ${num(state.sum)}`);
      entry.lines.push(`${name}_count${labels(tags)} ${state.count}`);
    } else if (MetricState.isFrequencyState(state)) {
      for (const [value, count] of state.occurrences)
        entry.lines.push(`${name}${labels(tags, [["value", value]])} ${count}`);
    }
  }
  const out: string[] = [];
  for (const [name, { type, help, lines }] of byName)
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
  return `${out.join("\n")}\n`;
};

/** Every registered Effect metric (or those under `prefix`) as Prometheus text. */
export const prometheusText = (options: PrometheusOptions = {}): Effect.Effect<string> =>
  Effect.map(Metric.snapshot, (pairs) => renderPrometheus(pairs, options));
