/**
 * (d) Deploy steps when a trader moves a pair: the keeper keeps stepping on schedule and never fails. A pumped pool
 * makes the project's step count without trading (its wstETH waits, no revert); once the price is back at or
 * below the machine's reference the steps buy and add again. Steps come due every stepInterval, not earlier.
 */
import { assert, describe, it } from "@effect/vitest";
import { Deployment, TcmReader, TxBuilder } from "@tcm/chain";
import { Devnet } from "@tcm/chain/devnet";
import { anvil, deployDevnet } from "@tcm/devnet";
import { Effect, Layer } from "effect";
import { parseEther } from "viem";
import { type ProjectOutcome } from "../src/Harvester.js";
import {
  deployedEvents,
  depositDemo,
  depositor,
  keeperEnv,
  keeperKeys,
  keeperLayer,
  pass,
  renderKeeperMetrics,
  rpc,
  testChain,
  trader,
  writeDeploymentFile,
} from "./support.js";

const outcomeOf = (outcomes: ReadonlyArray<ProjectOutcome>, id: number) => outcomes.find((o) => o.projectId === id);

describe("deploy steps and price moves", () => {
  it.live(
    "a pumped pool's step waits without trading, steps trade again once the price is back; nothing early, no failure",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const node = yield* anvil();
          const deployment = yield* deployDevnet({ rpcUrl: node.url });
          const file = writeDeploymentFile(deployment);
          yield* Effect.gen(function* () {
            yield* depositDemo(parseEther("300"));
            const devnet = yield* Devnet;
            const genesis = (yield* Deployment).genesis;
            const reader = yield* TcmReader;
            const keeper = yield* Layer.build(
              keeperLayer(keeperEnv(node.url, file, keeperKeys[0].privateKey, { TCM_SPONSORED_PROJECTS: "all" })),
            );
            const run = pass().pipe(Effect.provide(keeper));
            const setTime = (t: bigint) => Effect.zipRight(devnet.setNextBlockTimestamp(t), rpc(node.url, "evm_mine"));
            const stepsIn = (block: bigint) =>
              Effect.map(deployedEvents, (events) => events.filter((e) => e.blockNumber === block));

            // Day 1: the harvests open the pools. Day 2: the harvests step into them; most of the day's yield waits.
            for (const day of [1n, 2n]) {
              yield* devnet.rebase(20);
              yield* setTime(genesis + day * 86_400n + 100n);
              const harvested = yield* run;
              assert.deepStrictEqual(
                harvested.outcomes.map((o) => o.result),
                ["harvested", "harvested", "harvested"],
              );
            }
            const { config } = yield* reader.protocolState();
            for (const id of [1, 2, 3])
              assert.isTrue((yield* reader.project(id)).project.pendingWstEth >= config.minDeploy);

            // Not due yet: a pass sends nothing and says when the next step comes.
            const early = yield* run;
            assert.deepStrictEqual([...early.deployDue], []);
            const next = early.nextDeployTime;
            assert.strictEqual(next, yield* reader.nextDeployTime(1));

            // A trader pumps project 1; at the next step time project 1's step would deploy nothing (the price is past
            // the band): the keeper reports it stalled once and sends nothing for it; 2 and 3 trade.
            yield* devnet.fundWstEth(trader.address, parseEther("5"));
            const bought = yield* devnet.swap({
              account: trader.address,
              projectId: 1,
              side: "buy",
              amountIn: parseEther("0.05"),
            });
            yield* setTime(next!);
            const pumped = yield* run;
            assert.strictEqual(pumped.failures, 0);
            assert.deepStrictEqual([...pumped.deployDue], [1, 2, 3]);
            assert.deepStrictEqual(outcomeOf(pumped.deployOutcomes, 1), {
              projectId: 1,
              result: "skipped",
              reason: "stalled",
            });
            for (const id of [2, 3]) assert.strictEqual(outcomeOf(pumped.deployOutcomes, id)?.result, "deployed");
            const traded = yield* stepsIn(pumped.blockNumber + 1n);
            assert.deepStrictEqual(
              traded.map((e) => e.projectId),
              [2, 3],
            );
            for (const e of traded)
              assert.isAbove(Number(e.report["wstEthSwapped"]), 0, `project ${e.projectId} traded`);
            const stalledText = yield* renderKeeperMetrics;
            assert.include(stalledText, 'tcm_keeper_stalled{project="1"} 1');
            assert.include(stalledText, 'tcm_keeper_stalls_total{project="1"} 1');
            assert.include(stalledText, 'tcm_keeper_skips_total{family="deploy",reason="stalled"} 1');
            // Still due, still past the band: not looked at again before the back-off (no preview, no outcome).
            const quiet = yield* run;
            assert.deepStrictEqual([...quiet.stalledWaiting], [1]);
            assert.isUndefined(outcomeOf(quiet.deployOutcomes, 1));

            // The trader sells back (the pool keeps the fees, so the price stays a little above where it was) and a
            // depositor sells some of its claimed tokens: project 1's price is below its reference, its next step trades.
            const builder = yield* TxBuilder;
            yield* devnet.swap({ account: trader.address, projectId: 1, side: "sell", amountIn: bought });
            yield* devnet.sendAs(
              depositor.address,
              yield* builder.claim({ projectIds: [1], receiver: depositor.address }),
            );
            yield* devnet.swap({ account: depositor.address, projectId: 1, side: "sell", amountIn: bought / 20n });
            const below = yield* reader.project(1);
            assert.isTrue(
              (below.pair.reserveWstEth << 112n) / below.pair.reserveTokens <= below.project.referencePrice,
            );
            // Projects 2 and 3 come due again one step interval after theirs: project 1's back-off (one step interval
            // from when it was found stalled) has ended too; its preview deploys again, so it resumes.
            yield* devnet.advanceToNextStep([2, 3]);
            const back = yield* run;
            assert.strictEqual(back.failures, 0);
            assert.strictEqual(outcomeOf(back.deployOutcomes, 1)?.result, "deployed");
            assert.include(yield* renderKeeperMetrics, 'tcm_keeper_stalled{project="1"} 0');
            const [again] = (yield* stepsIn(back.blockNumber + 1n)).filter((e) => e.projectId === 1);
            assert.isAbove(Number(again?.report["wstEthSwapped"]), 0);
            assert.isAbove(Number(again?.report["liquidityMinted"]), 0);

            // A step sent by someone else first: the keeper's estimate says it is not due, and it skips (no failure).
            yield* devnet.advanceToNextStep();
            yield* devnet.sendAs(trader.address, yield* builder.deploy({ projectId: 2 }));
            const raced = yield* run;
            assert.strictEqual(raced.failures, 0);
            assert.notInclude([...raced.deployDue], 2);
          }).pipe(Effect.provide(testChain(node, deployment)));
        }),
      ),
    120_000,
  );
});
