/**
 * Metrics.mergePrometheus: the cluster's /metrics, every worker's text as one exposition (worker="<i>" on each sample,
 * one HELP/TYPE per family). In a process that is not a worker of the API's cluster (TCM_API_WORKERS=1), /metrics is
 * the process's own text, without a worker label.
 */
import { assert, describe, it } from "@effect/vitest";
import { Effect, Metric } from "effect";
import { metricsText } from "../src/Cluster.js";
import { mergePrometheus } from "../src/Metrics.js";

const worker1 = [
  "# HELP a_total A",
  "# TYPE a_total counter",
  'a_total{route="x"} 3',
  "# HELP h H",
  "# TYPE h histogram",
  'h_bucket{le="1"} 1',
  'h_bucket{le="+Inf"} 2',
  "h_sum 1.5",
  "h_count 2",
  "",
].join("\n");
const worker2 = [
  "# HELP b B",
  "# TYPE b gauge",
  "b 7",
  "# HELP a_total A",
  "# TYPE a_total counter",
  'a_total{route="x"} 4',
  'a_total{route="y"} 1',
  "",
].join("\n");

describe("mergePrometheus", () => {
  it("labels every sample with its worker and writes each family once, in first-seen order", () => {
    const merged = mergePrometheus(
      [
        { worker: "1", text: worker1 },
        { worker: "2", text: worker2 },
      ],
      ["worker 3 did not answer within 2s"],
    );
    assert.strictEqual(
      merged,
      [
        "# worker 3 did not answer within 2s",
        "# HELP a_total A",
        "# TYPE a_total counter",
        'a_total{worker="1",route="x"} 3',
        'a_total{worker="2",route="x"} 4',
        'a_total{worker="2",route="y"} 1',
        "# HELP h H",
        "# TYPE h histogram",
        'h_bucket{worker="1",le="1"} 1',
        'h_bucket{worker="1",le="+Inf"} 2',
        'h_sum{worker="1"} 1.5',
        'h_count{worker="1"} 2',
        "# HELP b B",
        "# TYPE b gauge",
        'b{worker="2"} 7',
        "",
      ].join("\n"),
    );
  });

  it("one worker's text comes back with only the label added", () => {
    const merged = mergePrometheus([{ worker: "1", text: worker1 }]);
    assert.strictEqual(merged.replaceAll('worker="1",', "").replaceAll('{worker="1"}', ""), worker1);
  });
});

describe("metricsText outside a cluster (TCM_API_WORKERS=1)", () => {
  it.effect("is this process's text, without a worker label", () =>
    Effect.gen(function* () {
      yield* Metric.increment(Metric.counter("tcm_api_test_merge_total"));
      const text = yield* metricsText;
      assert.match(text, /^# HELP /);
      assert.include(text, "tcm_api_test_merge_total 1");
      assert.notInclude(text, "worker=");
    }),
  );
});
