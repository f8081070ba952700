/**
 * (d) The price guard trips when a trader moves a pair: the keeper logs and skips, harvests once the price is
 * back; when the observation is a whole epoch old it refreshes it and harvests after the minimum TWAP window.
 */
import { assert, describe, it } from "@effect/vitest";
import { Deployment } from "@tcm/chain";
import { anvil, deployDevnet, Devnet } from "@tcm/chain/devnet";
import { Effect, Layer } from "effect";
import { parseEther } from "viem";
import { type ProjectOutcome } from "../src/Harvester.js";
import { depositDemo, keeperEnv, keeperKeys, keeperLayer, pass, rpc, testChain, trader, writeDeploymentFile } from "./support.js";

const outcomeOf = (outcomes: ReadonlyArray<ProjectOutcome>, id: number) => outcomes.find((o) => o.projectId === id);

describe("price guard", () => {
  it.live("skip while the pair is moved, harvest when it is back; refresh a stale observation, then harvest", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const node = yield* anvil();
        const deployment = yield* deployDevnet({ rpcUrl: node.url });
        const file = writeDeploymentFile(deployment);
        yield* Effect.gen(function* () {
          yield* depositDemo(parseEther("300"));
          const devnet = yield* Devnet;
          const genesis = (yield* Deployment).genesis;
          const keeper = yield* Layer.build(keeperLayer(keeperEnv(node.url, file, keeperKeys[0].privateKey, { TCM_SPONSORED_PROJECTS: "all" })));
          const run = pass().pipe(Effect.provide(keeper));
          const setTime = (t: bigint) => Effect.zipRight(devnet.setNextBlockTimestamp(t), rpc(node.url, "evm_mine"));

          // Day 1: seeding harvests late in epoch 1.
          yield* devnet.rebase(20);
          yield* setTime(genesis + 86_400n + 40_000n);
          const seeded = yield* run;
          assert.deepStrictEqual(seeded.outcomes.map((o) => o.result), ["harvested", "harvested", "harvested"]);

          // Day 2, early in epoch 2 (observation younger than an epoch): a trader pumps project 1.
          yield* devnet.rebase(20);
          yield* setTime(genesis + 2n * 86_400n + 100n);
          yield* devnet.fundWstEth(trader.address, parseEther("5"));
          const bought = yield* devnet.swap({ account: trader.address, projectId: 1, side: "buy", amountIn: parseEther("0.1") });
          const tripped = yield* run;
          assert.deepStrictEqual(outcomeOf(tripped.outcomes, 1), { projectId: 1, result: "skipped", reason: "price-deviation" });
          assert.strictEqual(outcomeOf(tripped.outcomes, 2)?.result, "harvested");
          assert.strictEqual(outcomeOf(tripped.outcomes, 3)?.result, "harvested");
          // The trader sells back: the price is back within the guard and the keeper harvests project 1.
          yield* devnet.swap({ account: trader.address, projectId: 1, side: "sell", amountIn: bought });
          const back = yield* run;
          assert.deepStrictEqual(back.due, [1]);
          assert.strictEqual(outcomeOf(back.outcomes, 1)?.result, "harvested");

          // Day 3, the observation a whole epoch old: pumped again → refreshObservation, wait the window, harvest.
          yield* devnet.rebase(20);
          yield* setTime(genesis + 3n * 86_400n + 5_000n);
          yield* devnet.swap({ account: trader.address, projectId: 1, side: "buy", amountIn: parseEther("0.1") });
          const refreshed = yield* run;
          assert.strictEqual(outcomeOf(refreshed.outcomes, 1)?.result, "refreshed");
          const waiting = yield* run;
          assert.deepStrictEqual(outcomeOf(waiting.outcomes, 1), { projectId: 1, result: "skipped", reason: "twap-window" });
          yield* devnet.increaseTime(3_601);
          const after = yield* run;
          assert.strictEqual(outcomeOf(after.outcomes, 1)?.result, "harvested");
          assert.strictEqual(after.failures, 0);
        }).pipe(Effect.provide(testChain(node, deployment)));
      }).pipe(
        // Well under the test timeout: a stuck step fails here, the scope stops anvil, and vitest's retry starts clean.
        Effect.timeoutFail({ duration: "200 seconds", onTimeout: () => new Error("price guard scenario did not finish within 200 s") }),
      ),
    ),
  );
});
