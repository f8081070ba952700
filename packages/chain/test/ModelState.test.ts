/**
 * ModelState against a real anvil: the domain model built from a pinned snapshot predicts the harvest and the deploy
 * steps sent in the next block to the wei (HarvestReport and DeployReport field for field), and the model's
 * post-state equals the chain's.
 */
import { assert, layer } from "@effect/vitest";
import {
  type DeployReport,
  type HarvestReport,
  type State,
  DEPLOY_REPORT_FIELDS,
  HARVEST_REPORT_FIELDS,
  execute,
  isDeployReady,
  isHarvestReady,
  previewDeploy,
  previewHarvest,
} from "@tcm/domain";
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

const stepsOf = (receipt: TransactionReceipt): Map<number, DeployReport> =>
  new Map(
    parseEventLogs({ abi: technoCapitalMachineAbi, logs: receipt.logs, eventName: "Deployed" }).map((log) => [
      log.args.projectId,
      log.args.report as unknown as DeployReport,
    ]),
  );

const assertSameReport = (actual: HarvestReport | undefined, expected: HarvestReport, label: string) => {
  assert.isDefined(actual, `${label}: no Harvested event`);
  for (const field of HARVEST_REPORT_FIELDS) {
    assert.strictEqual(actual![field], expected[field], `${label}: report.${field}`);
  }
};

/** A deploy step predicted by the model (or none: then the transaction ran none for the project). */
const assertSameStep = (actual: DeployReport | undefined, expected: DeployReport | undefined, label: string) => {
  if (expected === undefined) return assert.isUndefined(actual, `${label}: a Deployed event the model did not predict`);
  assert.isDefined(actual, `${label}: no Deployed event`);
  for (const field of DEPLOY_REPORT_FIELDS) {
    assert.strictEqual(actual![field], expected[field], `${label}: step.${field}`);
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
  it.effect("previewHarvest / previewDeploy on the loaded state equal the next block's Harvested / Deployed reports, to the wei", () =>
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

      // Day 1: the harvests (one alone, two in harvestMany), each with the step that opens its pool, predicted exactly.
      // Then deploy steps every stepInterval (deployMany), day 3 after a trader moved a pair; each predicted exactly.
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
        if (p1.ok) {
          assertSameReport(reportsOf(r1).get(1), p1.value.report, `day ${day} harvest(1)`);
          assertSameStep(stepsOf(r1).get(1), p1.value.deploy, `day ${day} harvest(1) step`);
          if (day === 1) assert.isDefined(p1.value.deploy, "the first harvest opens the pool");
        }

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
          if (preview.ok) {
            assertSameReport(reports.get(id), preview.value.report, `day ${day} harvestMany(${id})`);
            assertSameStep(stepsOf(r2).get(id), preview.value.deploy, `day ${day} harvestMany(${id}) step`);
          }
        }
        // The model's post-state is the chain's post-state.
        const after = yield* models.load(r2.blockNumber);
        if (expected.ok) assert.deepStrictEqual(comparable(after.state), comparable(expected.value.state));

        // Two deploy steps, each stepInterval after the previous: the model says which are due (as the chain does)
        // and what each does.
        for (let round = 1; round <= 2; round++) {
          yield* devnet.advanceToNextStep([1, 2, 3]);
          const before = yield* models.load();
          const t3 = before.timestamp + 3n;
          const due = [1, 2, 3].filter((id) => {
            const ready = isDeployReady(before.state, id, t3);
            return ready.ok && ready.value;
          });
          const chainDue = yield* (yield* TcmReader).deployReadiness([1, 2, 3], { blockNumber: before.blockNumber });
          const chainNow = chainDue.filter((r) => r.ready).map((r) => r.projectId);
          // The chain answers at the loaded block; the model at t3 (3 s later) may find one more due.
          assert.includeMembers(due, chainNow, `day ${day} step ${round}: due`);
          const planned = execute({ ...before.state, now: t3 }, { type: "deployMany", caller: keeper.address, projectIds: [1, 2, 3] });
          assert.isTrue(planned.ok);
          yield* devnet.setNextBlockTimestamp(t3);
          const r3 = yield* devnet.sendAs(keeper.address, yield* builder.deployMany({ projectIds: [1, 2, 3] }));
          const steps = stepsOf(r3);
          assert.deepStrictEqual([...steps.keys()], due, `day ${day} step ${round}: stepped`);
          for (const id of [1, 2, 3]) {
            const preview = previewDeploy(before.state, id, t3);
            assertSameStep(steps.get(id), preview.ok ? preview.value : undefined, `day ${day} step ${round} deploy(${id})`);
          }
          const stepped = yield* models.load(r3.blockNumber);
          if (planned.ok) assert.deepStrictEqual(comparable(stepped.state), comparable(planned.value.state));
        }
      }
      // A block number pins the load.
      const head = yield* Effect.promise(() => client.getBlockNumber({ cacheTime: 0 }));
      const pinned = yield* models.load(head - 2n);
      assert.strictEqual(pinned.blockNumber, head - 2n);
    }),
  );
});
