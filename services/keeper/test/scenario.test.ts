/**
 * (a) Multi-day scenario and (b) two racing keepers, against a real anvil with the forge deployment.
 * The keeper harvests each project exactly once per epoch; every Harvested report equals the domain preview
 * computed on a ModelState loaded before the pass (to the wei).
 */
import { assert, describe, it } from "@effect/vitest";
import { type DeploymentInfo, ModelState } from "@tcm/chain";
import { type AnvilInstance, Devnet, anvil, deployDevnet } from "@tcm/chain/devnet";
import { harvest, previewHarvest } from "@tcm/domain";
import { Effect, Layer } from "effect";
import { parseEther } from "viem";
import {
  KeeperMetrics,
  Transactions,
  depositDemo,
  harvestCounts,
  harvestedEvents,
  keeperEnv,
  keeperKeys,
  keeperLayer,
  nonceOf,
  pass,
  testChain,
  writeDeploymentFile,
} from "./support.js";

const withDevnet = <A, E, R>(body: (node: AnvilInstance, deployment: DeploymentInfo, file: string) => Effect.Effect<A, E, R>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const node = yield* anvil();
      const deployment = yield* deployDevnet({ rpcUrl: node.url });
      return yield* body(node, deployment, writeDeploymentFile(deployment));
    }),
  );

describe("keeper on anvil", () => {
  it.live(
    "(a) harvests every project exactly once per epoch over several days; reports equal the domain previews",
    () =>
      withDevnet((node, deployment, file) =>
        Effect.gen(function* () {
          yield* depositDemo(parseEther("300"));
          const devnet = yield* Devnet;
          const models = yield* ModelState;
          const keeper = yield* Layer.build(keeperLayer(keeperEnv(node.url, file, keeperKeys[0].privateKey)));
          const runPass = pass().pipe(Effect.provide(keeper));
          const days = 4;
          for (let day = 1; day <= days; day++) {
            yield* devnet.rebase(100); // +1 %: bounties pay for the gas, no sponsorship needed
            yield* devnet.increaseTime(86_400);
            const before = yield* models.load();
            const at = before.timestamp + 5n;
            yield* devnet.setNextBlockTimestamp(at);
            const report = yield* runPass;
            assert.strictEqual(report.failures, 0, JSON.stringify(report.outcomes, (_k, v) => (typeof v === "bigint" ? String(v) : v)));
            assert.deepStrictEqual([...report.due], [1, 2, 3], `day ${day}: due`);
            assert.deepStrictEqual(report.outcomes.map((o) => o.result), ["harvested", "harvested", "harvested"]);
            // The harvestMany was the next block: its reports are the previews on the state before it.
            const events = (yield* harvestedEvents).filter((e) => e.blockNumber === before.blockNumber + 1n);
            assert.strictEqual(events.length, 3);
            for (const e of events) {
              const preview = previewHarvest(before.state, e.projectId, at);
              assert.isTrue(preview.ok && preview.value.status === "Done");
              if (!preview.ok) continue;
              for (const field of harvest.HARVEST_REPORT_FIELDS) {
                assert.strictEqual(e.report[field], preview.value.report[field], `day ${day} project ${e.projectId} ${field}`);
              }
            }
            // A second pass in the same epoch finds nothing due and sends nothing.
            const nonce = yield* Effect.flatMap(Transactions, (t) => t.nextNonce).pipe(Effect.provide(keeper));
            const again = yield* runPass;
            assert.strictEqual(again.due.length, 0);
            assert.strictEqual(yield* Effect.flatMap(Transactions, (t) => t.nextNonce).pipe(Effect.provide(keeper)), nonce);
          }
          const counts = harvestCounts(yield* harvestedEvents);
          assert.strictEqual(counts.size, 3 * days);
          assert.isTrue([...counts.values()].every((n) => n === 1));
          const metrics = yield* Effect.flatMap(KeeperMetrics, (m) => m.render).pipe(Effect.provide(keeper));
          assert.include(metrics, 'tcm_keeper_harvests_total{project="1"} 4');
          assert.match(metrics, /tcm_keeper_rpc_latency_seconds_count\{method="eth_call"\} \d+/);
        }).pipe(Effect.provide(testChain(node, deployment))),
      ),
    120_000,
  );

  it.live(
    "(b) two keepers racing (two keys, two instances): each epoch harvested once, neither fails",
    () =>
      withDevnet((node, deployment, file) =>
        Effect.gen(function* () {
          yield* depositDemo(parseEther("300"));
          const devnet = yield* Devnet;
          const a = yield* Layer.build(keeperLayer(keeperEnv(node.url, file, keeperKeys[0].privateKey, { TCM_SPONSORED_PROJECTS: "all" })));
          const b = yield* Layer.build(keeperLayer(keeperEnv(node.url, file, keeperKeys[1].privateKey, { TCM_SPONSORED_PROJECTS: "all" })));
          for (let day = 1; day <= 3; day++) {
            yield* devnet.rebase(20);
            yield* devnet.increaseTime(86_400);
            const [ra, rb] = yield* Effect.all([pass().pipe(Effect.provide(a)), pass().pipe(Effect.provide(b))], { concurrency: 2 });
            assert.strictEqual(ra.failures + rb.failures, 0, JSON.stringify([ra.outcomes, rb.outcomes], (_k, v) => (typeof v === "bigint" ? String(v) : v)));
            // Whatever the interleaving, both keepers' outcomes are harvested or rightly skipped.
            for (const o of [...ra.outcomes, ...rb.outcomes]) assert.include(["harvested", "skipped"], o.result);
          }
          const events = yield* harvestedEvents;
          const counts = harvestCounts(events);
          assert.strictEqual(counts.size, 9);
          assert.isTrue([...counts.values()].every((n) => n === 1));
          for (const keeper of [a, b]) {
            const t = yield* Effect.provide(Transactions, keeper);
            const onChain = yield* nonceOf(t.address);
            assert.strictEqual(yield* t.nextNonce, onChain, "local nonce equals the chain's");
          }
        }).pipe(Effect.provide(testChain(node, deployment))),
      ),
    120_000,
  );
});
