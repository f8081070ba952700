/**
 * ModelState against a real anvil: the domain model built from a pinned snapshot predicts the harvest sent in the
 * next block to the wei (HarvestReport field for field), and the model's post-state equals the chain's.
 */
import { assert, layer } from "@effect/vitest";
import { harvest, type HarvestReport, type State, execute, isHarvestReady, previewHarvest } from "@tcm/domain";
import { Context, Effect, Layer } from "effect";
import { type TransactionReceipt, parseEther, parseEventLogs } from "viem";
import { type AnvilInstance, ANVIL_ACCOUNTS, Devnet, anvil, deployDevnet } from "../src/devnet/index.js";
import {
  ChainClient,
  Deployment,
  type DeploymentInfo,
  ModelState,
  TcmReader,
  TxBuilder,
  technoCapitalMachineAbi,
} from "../src/index.js";

class Node extends Context.Tag("test/Node")<Node, { readonly node: AnvilInstance; readonly deployment: DeploymentInfo }>() {}

const Base = Layer.unwrapScoped(
  Effect.gen(function* () {
    const node = yield* anvil();
    const deployment = yield* deployDevnet({ rpcUrl: node.url });
    return Layer.mergeAll(
      Layer.succeed(Node, { node, deployment }),
      ChainClient.layer({ rpcUrls: [node.url], pollingIntervalMs: 20 }),
      Deployment.fromValue(deployment),
    );
  }),
);

const Live = Layer.mergeAll(ModelState.Default, TcmReader.Default, TxBuilder.Default, Devnet.Default).pipe(
  Layer.provideMerge(Base),
);

const depositor = ANVIL_ACCOUNTS[1]!;
const keeper = ANVIL_ACCOUNTS[2]!;
const trader = ANVIL_ACCOUNTS[3]!;

const reportsOf = (receipt: TransactionReceipt): Map<number, HarvestReport> =>
  new Map(
    parseEventLogs({ abi: technoCapitalMachineAbi, logs: receipt.logs, eventName: "Harvested" }).map((log) => [
      log.args.projectId,
      log.args.report as unknown as HarvestReport,
    ]),
  );

const assertSameReport = (actual: HarvestReport | undefined, expected: HarvestReport, label: string) => {
  assert.isDefined(actual, `${label}: no Harvested event`);
  for (const field of harvest.HARVEST_REPORT_FIELDS) {
    assert.strictEqual(actual![field], expected[field], `${label}: report.${field}`);
  }
};

/** The fields ModelState loads, for comparing a model post-state with a reloaded one. */
const comparable = (state: State) => ({
  totalPrincipal: state.totalPrincipal,
  assignedScaled: state.assignedScaled,
  accYield: state.accYield,
  machineShares: state.lido.shares[state.config.machine],
  machineWst: state.wstEth.balances[state.config.machine],
  projects: Object.fromEntries(
    Object.entries(state.projects).map(([id, p]) => [
      id,
      {
        ...p,
        // Reward accrual is settled lazily; the harvest path does not touch it.
        lastAccrual: 0n,
        rewardAcc: 0n,
        contributorOwed: 0n,
        pairState: { ...state.pairs[p.pair], lpBalances: state.pairs[p.pair]?.lpBalances[state.config.machine] },
        pairWst: state.wstEth.balances[p.pair],
        token: { ...state.tokens[p.token], balances: undefined },
        tokenBalances: [state.tokens[p.token]?.balances[state.config.machine], state.tokens[p.token]?.balances[p.pair]],
      },
    ]),
  ),
});

layer(Live, { timeout: 90_000, excludeTestServices: true })("ModelState (anvil)", (it) => {
  it.effect("previewHarvest on the loaded state equals the next block's Harvested report, to the wei", () =>
    Effect.gen(function* () {
      const models = yield* ModelState;
      const builder = yield* TxBuilder;
      const devnet = yield* Devnet;
      const client = (yield* ChainClient).client;

      yield* devnet.fundStEth(depositor.address, parseEther("200"));
      yield* devnet.approveStEth(depositor.address, parseEther("200"));
      yield* devnet.sendAs(
        depositor.address,
        yield* builder.deposit({
          amount: parseEther("150"),
          allocation: [{ projectId: 1, bps: 5_000 }, { projectId: 2, bps: 3_000 }, { projectId: 3, bps: 2_000 }],
        }),
      );

      // Day 1: the seeding harvests (one alone, two in harvestMany), each predicted exactly.
      // Day 2 onwards: swaps through the guard; day 3 after a trader moved a pair (within the guard).
      for (let day = 1; day <= 3; day++) {
        yield* devnet.rebase(10); // +0.1 %
        yield* devnet.increaseTime(86_400);
        if (day === 3) {
          yield* devnet.fundWstEth(trader.address, parseEther("1"));
          yield* devnet.swap({ account: trader.address, projectId: 2, side: "buy", amountIn: parseEther("0.0001") });
          yield* devnet.increaseTime(600);
        }
        const loaded = yield* models.load();
        const state = loaded.state;
        for (const id of [1, 2, 3]) {
          const ready = isHarvestReady(state, id, loaded.timestamp + 7n);
          assert.isTrue(ready.ok && ready.value, `day ${day}: project ${id} ready`);
        }
        // The chain's own view agrees with the model's at this block.
        const onChain = yield* (yield* TcmReader).harvestReadiness([1, 2, 3], { blockNumber: loaded.blockNumber });
        assert.deepStrictEqual(onChain.map((r) => r.ready), [true, true, true]);

        const t1 = loaded.timestamp + 7n;
        const p1 = previewHarvest(state, 1, t1);
        assert.isTrue(p1.ok && p1.value.status === "Done", JSON.stringify(p1, (_k, v) => (typeof v === "bigint" ? String(v) : v)));
        yield* devnet.setNextBlockTimestamp(t1);
        const r1 = yield* devnet.sendAs(keeper.address, yield* builder.harvest({ projectId: 1 }));
        assert.strictEqual(r1.blockNumber, loaded.blockNumber + 1n);
        if (p1.ok) assertSameReport(reportsOf(r1).get(1), p1.value.report, `day ${day} harvest(1)`);

        // harvestMany(2, 3) in the block after: previews on a state loaded at the harvest(1) block.
        const again = yield* models.load();
        const t2 = again.timestamp + 13n;
        const expected = execute({ ...again.state, now: t2 }, { type: "harvestMany", caller: keeper.address, projectIds: [2, 3] });
        assert.isTrue(expected.ok);
        yield* devnet.setNextBlockTimestamp(t2);
        const r2 = yield* devnet.sendAs(keeper.address, yield* builder.harvestMany({ projectIds: [2, 3] }));
        const reports = reportsOf(r2);
        for (const id of [2, 3]) {
          const preview = previewHarvest(again.state, id, t2);
          assert.isTrue(preview.ok && preview.value.status === "Done");
          if (preview.ok) assertSameReport(reports.get(id), preview.value.report, `day ${day} harvestMany(${id})`);
        }
        // The model's post-state is the chain's post-state.
        const after = yield* models.load(r2.blockNumber);
        if (expected.ok) assert.deepStrictEqual(comparable(after.state), comparable(expected.value.state));
      }
      // A block number pins the load.
      const head = yield* Effect.promise(() => client.getBlockNumber({ cacheTime: 0 }));
      const pinned = yield* models.load(head - 2n);
      assert.strictEqual(pinned.blockNumber, head - 2n);
    }),
  );
});
