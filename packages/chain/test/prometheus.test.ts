/** The one Prometheus renderer (API and keeper): every metric kind in the text exposition format 0.0.4. */
import { assert, describe, it } from "@effect/vitest";
import { Effect, Metric, MetricBoundaries } from "effect";
import { prometheusText, renderPrometheus } from "../src/prometheus.js";

describe("Prometheus text", () => {
  it.effect(
    "counters, bigint gauges, histograms (cumulative buckets, +Inf, sum, count), escaped labels, prefix filter",
    () =>
      Effect.gen(function* () {
        const counter = Metric.counter("tcm_test_requests_total", {
          description: "Requests by route.",
          incremental: true,
        });
        const wei = Metric.gauge("tcm_test_pending_wei", { description: "Pending wei.", bigint: true });
        const latency = Metric.histogram(
          "tcm_test_latency_seconds",
          MetricBoundaries.fromIterable([0.1, 1]),
          "Latency.",
        );
        yield* Metric.increment(Metric.tagged(counter, "route", 'a"b\\c'));
        yield* Metric.incrementBy(Metric.tagged(counter, "route", "/x"), 2);
        yield* Metric.set(Metric.tagged(wei, "project", "1"), 123_456_789_012_345_678_901_234n);
        for (const seconds of [0.05, 0.5, 0.7, 3]) yield* Metric.update(latency, seconds);
        const text = yield* prometheusText({ prefix: "tcm_test_" });
        const lines = text.split("\n");
        assert.include(lines, "# HELP tcm_test_requests_total Requests by route.");
        assert.include(lines, "# TYPE tcm_test_requests_total counter");
        assert.include(lines, 'tcm_test_requests_total{route="a\\"b\\\\c"} 1');
        assert.include(lines, 'tcm_test_requests_total{route="/x"} 2');
        assert.include(lines, "# TYPE tcm_test_pending_wei gauge");
        assert.include(lines, 'tcm_test_pending_wei{project="1"} 123456789012345678901234');
        assert.include(lines, "# TYPE tcm_test_latency_seconds histogram");
        assert.include(lines, 'tcm_test_latency_seconds_bucket{le="0.1"} 1');
        assert.include(lines, 'tcm_test_latency_seconds_bucket{le="1"} 3');
        assert.include(lines, 'tcm_test_latency_seconds_bucket{le="+Inf"} 4');
        assert.include(lines, "tcm_test_latency_seconds_sum 4.25");
        assert.include(lines, "tcm_test_latency_seconds_count 4");
        // A counter that may go down (not incremental, as Effect's effect_fiber_active) is a gauge.
        const level = Metric.counter("tcm_test_active", { description: "Active things." });
        yield* Metric.incrementBy(level, 3);
        yield* Metric.incrementBy(level, -1);
        const withLevel = (yield* prometheusText({ prefix: "tcm_test_active" })).split("\n");
        assert.include(withLevel, "# TYPE tcm_test_active gauge");
        assert.include(withLevel, "tcm_test_active 2");
        // Every series once (the +Inf bucket too), one HELP/TYPE per family, and nothing outside the prefix.
        const series = lines.filter((l) => l !== "" && !l.startsWith("#")).map((l) => l.slice(0, l.lastIndexOf(" ")));
        assert.deepStrictEqual(series, [...new Set(series)]);
        assert.strictEqual(lines.filter((l) => l.startsWith('tcm_test_latency_seconds_bucket{le="+Inf"}')).length, 1);
        assert.strictEqual(lines.filter((l) => l === "# TYPE tcm_test_requests_total counter").length, 1);
        assert.isTrue(lines.filter((l) => l !== "" && !l.startsWith("#")).every((l) => l.startsWith("tcm_test_")));
        assert.isTrue(text.endsWith("\n"));
        assert.strictEqual(renderPrometheus([], {}), "\n");
      }),
  );
});
