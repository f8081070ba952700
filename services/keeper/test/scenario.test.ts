/**
 * (a) Multi-day scenario and (b) two racing keepers, against a real anvil with the forge deployment.
 * The keeper harvests each project exactly once per epoch, then runs the deploy steps as they come due (every
 * stepInterval); every Harvested and Deployed report equals the domain preview computed on a ModelState loaded
 * before the pass (to the wei).
 */
import { assert, describe, it } from "@effect/vitest";
import { type DeploymentInfo, ModelState } from "@tcm/chain";
import { Devnet } from "@tcm/chain/devnet";
import { type AnvilInstance, anvil, deployDevnet } from "@tcm/devnet";
import { DEPLOY_REPORT_FIELDS, HARVEST_REPORT_FIELDS, isDeployReady, previewDeploy, previewHarvest } from "@tcm/domain";
import { Effect, Layer } from "effect";
import { parseEther } from "viem";
import {
  renderKeeperMetrics,
  TxSender,
  deployedEvents,
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

const withDevnet = <A, E, R>(
  body: (node: AnvilInstance, deployment: DeploymentInfo, file: string) => Effect.Effect<A, E, R>,
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const node = yield* anvil();
      const deployment = yield* deployDevnet({ rpcUrl: node.url });
      return yield* body(node, deployment, writeDeploymentFile(deployment));
    }),
  );

describe("keeper on anvil", () => {
  it.live(
    "(a) harvests every project exactly once per epoch and runs the due deploy steps over several days; reports equal the domain previews",
    () =>
      withDevnet((node, deployment, file) =>
        Effect.gen(function* () {
          yield* depositDemo(parseEther("300"));
          const devnet = yield* Devnet;
          const models = yield* ModelState;
          const keeper = yield* Layer.build(keeperLayer(keeperEnv(node.url, file, keeperKeys[0].privateKey)));
          const runPass = pass().pipe(Effect.provide(keeper));
          // A step's bounty is bps of the little it deploys: on this small devnet it does not pay for the gas, so the
          // steps between harvests are run by a keeper that sponsors them (a key of its own).
          const stepKeeper = yield* Layer.build(
            keeperLayer(keeperEnv(node.url, file, keeperKeys[3].privateKey, { TCM_SPONSORED_PROJECTS: "all" })),
          );
          const days = 4;
          for (let day = 1; day <= days; day++) {
            yield* devnet.rebase(100); // +1 %: bounties pay for the gas, no sponsorship needed
            yield* devnet.increaseTime(86_400);
            const before = yield* models.load();
            const at = before.timestamp + 5n;
            yield* devnet.setNextBlockTimestamp(at);
            const report = yield* runPass;
            assert.strictEqual(
              report.failures,
              0,
              JSON.stringify(report.outcomes, (_k, v) => (typeof v === "bigint" ? String(v) : v)),
            );
            assert.deepStrictEqual([...report.due], [1, 2, 3], `day ${day}: due`);
            assert.deepStrictEqual(
              report.outcomes.map((o) => o.result),
              ["harvested", "harvested", "harvested"],
            );
            // Each harvest ran its project's step (a day since the last one), so no separate step was due.
            for (const o of report.outcomes)
              assert.isTrue(
                o.result === "harvested" && o.step !== undefined,
                JSON.stringify(o, (_k, v) => (typeof v === "bigint" ? String(v) : v)),
              );
            assert.deepStrictEqual([...report.deployDue], []);
            // The harvestMany was the next block: its reports are the previews on the state before it.
            const events = (yield* harvestedEvents).filter((e) => e.blockNumber === before.blockNumber + 1n);
            const steps = (yield* deployedEvents).filter((e) => e.blockNumber === before.blockNumber + 1n);
            assert.strictEqual(events.length, 3);
            assert.strictEqual(steps.length, 3);
            for (const e of events) {
              const preview = previewHarvest(before.state, e.projectId, at);
              assert.isTrue(preview.ok && preview.value.status === "Done");
              if (!preview.ok) continue;
              for (const field of HARVEST_REPORT_FIELDS) {
                assert.strictEqual(
                  e.report[field],
                  preview.value.report[field],
                  `day ${day} project ${e.projectId} ${field}`,
                );
              }
              const step = steps.find((s) => s.projectId === e.projectId);
              for (const field of DEPLOY_REPORT_FIELDS) {
                assert.strictEqual(
                  step?.report[field],
                  preview.value.deploy?.[field],
                  `day ${day} project ${e.projectId} step ${field}`,
                );
              }
            }
            // A second pass in the same epoch finds nothing due (no harvest, no step) and sends nothing; it says
            // when the next step comes due.
            const nonce = yield* Effect.flatMap(TxSender, (t) => t.nextNonce).pipe(Effect.provide(keeper));
            const again = yield* runPass;
            assert.strictEqual(again.due.length, 0);
            assert.strictEqual(again.deployDue.length, 0);
            assert.strictEqual(yield* Effect.flatMap(TxSender, (t) => t.nextNonce).pipe(Effect.provide(keeper)), nonce);
            const stepInterval = before.state.config.stepInterval;
            if (day > 1) assert.strictEqual(again.nextDeployTime, at + stepInterval, `day ${day}: next step`);

            // From day 2 on a day's yield takes several steps: two of them, each when it comes due.
            for (let round = 1; day > 1 && round <= 2; round++) {
              yield* devnet.advanceToNextStep();
              const ahead = yield* models.load();
              const t = ahead.timestamp + 2n;
              const due = [1, 2, 3].filter((id) => {
                const r = isDeployReady(ahead.state, id, t);
                return r.ok && r.value;
              });
              assert.isAbove(due.length, 0, `day ${day} round ${round}: a step is due`);
              yield* devnet.setNextBlockTimestamp(t);
              const stepped = yield* pass().pipe(Effect.provide(stepKeeper));
              assert.strictEqual(
                stepped.failures,
                0,
                JSON.stringify(stepped.deployOutcomes, (_k, v) => (typeof v === "bigint" ? String(v) : v)),
              );
              assert.deepStrictEqual([...stepped.deployDue], due);
              assert.isTrue(stepped.deployOutcomes.every((o) => o.result === "deployed"));
              const ran = (yield* deployedEvents).filter((e) => e.blockNumber === ahead.blockNumber + 1n);
              assert.deepStrictEqual(
                ran.map((e) => e.projectId),
                due,
              );
              for (const e of ran) {
                const preview = previewDeploy(ahead.state, e.projectId, t);
                assert.isTrue(preview.ok);
                if (!preview.ok) continue;
                for (const field of DEPLOY_REPORT_FIELDS) {
                  assert.strictEqual(
                    e.report[field],
                    preview.value[field],
                    `day ${day} round ${round} project ${e.projectId} ${field}`,
                  );
                }
              }
            }
          }
          const counts = harvestCounts(yield* harvestedEvents);
          assert.strictEqual(counts.size, 3 * days);
          assert.isTrue([...counts.values()].every((n) => n === 1));
          const metrics = yield* renderKeeperMetrics;
          assert.include(metrics, 'tcm_keeper_harvests_total{project="1"} 4');
          assert.match(metrics, /tcm_keeper_deploy_steps_total\{project="1"\} ([4-9]|1\d)/);
          assert.match(metrics, /tcm_keeper_step_bounty_wei_total [1-9]\d*/);
          assert.match(metrics, /tcm_keeper_rpc_latency_seconds_count\{method="eth_call"\} \d+/);
        }).pipe(Effect.provide(testChain(node, deployment))),
      ),
    120_000,
  );

  it.live(
    "(b) two keepers racing (two keys, two instances): each epoch harvested once, each due step run once, neither fails",
    () =>
      withDevnet((node, deployment, file) =>
        Effect.gen(function* () {
          yield* depositDemo(parseEther("300"));
          const devnet = yield* Devnet;
          const a = yield* Layer.build(
            keeperLayer(keeperEnv(node.url, file, keeperKeys[0].privateKey, { TCM_SPONSORED_PROJECTS: "all" })),
          );
          const b = yield* Layer.build(
            keeperLayer(keeperEnv(node.url, file, keeperKeys[1].privateKey, { TCM_SPONSORED_PROJECTS: "all" })),
          );
          for (let day = 1; day <= 3; day++) {
            yield* devnet.rebase(20);
            yield* devnet.increaseTime(86_400);
            const [ra, rb] = yield* Effect.all([pass().pipe(Effect.provide(a)), pass().pipe(Effect.provide(b))], {
              concurrency: 2,
            });
            assert.strictEqual(
              ra.failures + rb.failures,
              0,
              JSON.stringify([ra.outcomes, rb.outcomes], (_k, v) => (typeof v === "bigint" ? String(v) : v)),
            );
            // Whatever the interleaving, both keepers' outcomes are harvested or rightly skipped.
            for (const o of [...ra.outcomes, ...rb.outcomes]) assert.include(["harvested", "skipped"], o.result);
            if (day === 1) continue;
            // A step comes due: both keepers go for it; one step per project, the other keeper skips.
            const stepsBefore = (yield* deployedEvents).length;
            yield* devnet.advanceToNextStep();
            const [sa, sb] = yield* Effect.all([pass().pipe(Effect.provide(a)), pass().pipe(Effect.provide(b))], {
              concurrency: 2,
            });
            assert.strictEqual(
              sa.failures + sb.failures,
              0,
              JSON.stringify([sa.deployOutcomes, sb.deployOutcomes], (_k, v) =>
                typeof v === "bigint" ? String(v) : v,
              ),
            );
            for (const o of [...sa.deployOutcomes, ...sb.deployOutcomes])
              assert.include(["deployed", "skipped"], o.result);
            const fresh = (yield* deployedEvents).slice(stepsBefore);
            assert.isAbove(fresh.length, 0);
            assert.strictEqual(new Set(fresh.map((e) => e.projectId)).size, fresh.length, "one step per project");
          }
          const events = yield* harvestedEvents;
          const counts = harvestCounts(events);
          assert.strictEqual(counts.size, 9);
          assert.isTrue([...counts.values()].every((n) => n === 1));
          for (const keeper of [a, b]) {
            const t = yield* Effect.provide(TxSender, keeper);
            const onChain = yield* nonceOf(t.address);
            assert.strictEqual(yield* t.nextNonce, onChain, "local nonce equals the chain's");
          }
        }).pipe(Effect.provide(testChain(node, deployment))),
      ),
    120_000,
  );
});
