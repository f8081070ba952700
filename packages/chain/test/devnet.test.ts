/**
 * Against a real anvil (free port, stopped by PID when the layer is released) with the forge deploy script.
 */
import { NodeFileSystem } from "@effect/platform-node";
import { assert, layer } from "@effect/vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Context, Effect, Layer, Redacted } from "effect";
import { encodeFunctionData, parseEther, parseEventLogs } from "viem";
import { type AnvilInstance, ANVIL_ACCOUNTS, anvil, deployDevnet, deploymentJson } from "@tcm/devnet";
import { Devnet } from "../src/devnet/index.js";
import {
  ChainClient,
  type ContractRevert,
  Deployment,
  type DeploymentInfo,
  MIN_DEPOSIT,
  TcmReader,
  TxBuilder,
  TxSender,
  Wallet,
  loadDeploymentFile,
  mockStETHAbi,
  projectTokenAbi,
  technoCapitalMachineAbi,
} from "../src/index.js";
import { writeFileSync } from "node:fs";

class Node extends Context.Tag("test/Node")<
  Node,
  { readonly node: AnvilInstance; readonly deployment: DeploymentInfo }
>() {}

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

const depositor = ANVIL_ACCOUNTS[1]!;
const keeper = ANVIL_ACCOUNTS[2]!;
const trader = ANVIL_ACCOUNTS[3]!;

// The depositor signs with the Wallet (private key as Redacted); the keeper sends as an unlocked dev account.
const Live = Layer.mergeAll(
  TcmReader.Default,
  TxBuilder.Default,
  Devnet.Default,
  TxSender.Default.pipe(Layer.provideMerge(Wallet.fromKey(Redacted.make(depositor.privateKey)))),
).pipe(Layer.provideMerge(Base));

const balanceOf = (token: `0x${string}`, account: `0x${string}`) =>
  Effect.flatMap(ChainClient, (chain) =>
    chain.read("balanceOf", (c) =>
      c.readContract({ address: token, abi: projectTokenAbi, functionName: "balanceOf", args: [account] }),
    ),
  );

layer(Live, { timeout: 120_000, excludeTestServices: true })("devnet (anvil + forge deploy script)", (it) => {
  it.effect("loads the deployment from a file and matches the chain", () =>
    Effect.gen(function* () {
      const { deployment, node } = yield* Node;
      assert.isAbove(node.pid, 0);
      const file = join(mkdtempSync(join(tmpdir(), "tcm-")), "devnet.json");
      writeFileSync(file, JSON.stringify(deploymentJson(deployment)));
      const loaded = yield* loadDeploymentFile(file).pipe(Effect.provide(NodeFileSystem.layer));
      assert.deepStrictEqual(loaded, deployment);
      const verified = yield* (yield* TcmReader).verifyDeployment();
      assert.isTrue(verified.chainIdMatches && verified.machineHasCode);
    }),
  );

  it.effect("reads protocol state, config, projects and one project with its pair", () =>
    Effect.gen(function* () {
      const reader = yield* TcmReader;
      const { deployment } = yield* Node;
      const state = yield* reader.protocolState();
      assert.strictEqual(state.projectCount, 3);
      assert.strictEqual(state.config.genesis, deployment.genesis);
      assert.strictEqual(state.config.bountyBps, 50n);
      assert.strictEqual(state.config.maxBounty, parseEther("0.05"));
      assert.strictEqual(state.config.minHarvestValue, 10n ** 12n);
      // Deploy.s.sol's defaults for the deploy steps.
      assert.strictEqual(state.config.maxImpactBps, 50n);
      assert.strictEqual(state.config.stepInterval, 20n * 60n);
      assert.strictEqual(state.config.followWindow, 2n * 86_400n);
      assert.strictEqual(state.config.stepBountyBps, 10n);
      assert.strictEqual(state.config.maxStepBounty, parseEther("0.005"));
      assert.strictEqual(state.config.minDeploy, 10n ** 9n);
      assert.strictEqual(state.guardian, ANVIL_ACCOUNTS[0]!.address);
      assert.isFalse(state.depositsPaused || state.harvestsPaused || state.deficit.inDeficit);
      const projects = yield* reader.projects();
      assert.deepStrictEqual(
        projects.map((p) => p.id),
        [1, 2, 3],
      );
      assert.strictEqual(projects[1]!.launchPrice, parseEther("0.001"));
      const one = yield* reader.project(1);
      assert.strictEqual(one.pair.reserve0 + one.pair.reserve1, 0n);
      assert.strictEqual(one.token.totalSupply, 0n);
      assert.strictEqual(one.token.maxSupply, parseEther("100000000"));
      const next = yield* reader.nextHarvestTime(1);
      assert.strictEqual(next, deployment.genesis + (one.project.lastHarvestEpoch + 1n) * 86_400n);
      assert.isFalse(yield* reader.isHarvestReady(1));
      // Nothing pending: no step is due, whatever the clock says.
      assert.strictEqual(one.project.pendingWstEth, 0n);
      assert.strictEqual(one.project.seedReserve, parseEther("1000000"));
      assert.strictEqual(one.project.emissionCap, one.token.maxSupply - one.project.seedReserve);
      assert.strictEqual(yield* reader.nextDeployTime(1), one.project.lastStepTime + state.config.stepInterval);
      assert.deepStrictEqual(
        (yield* reader.deployReadiness([1, 2])).map((r) => r.ready),
        [false, false],
      );
      // The package's validation constants are the contract's.
      const chain = yield* ChainClient;
      const [minDeposit, maxSupplyLimit, maxDecay] = yield* chain.read("constants", (c) =>
        Promise.all([
          c.readContract({ address: deployment.machine, abi: technoCapitalMachineAbi, functionName: "MIN_DEPOSIT" }),
          c.readContract({
            address: deployment.machine,
            abi: technoCapitalMachineAbi,
            functionName: "MAX_SUPPLY_LIMIT",
          }),
          c.readContract({ address: deployment.machine, abi: technoCapitalMachineAbi, functionName: "MAX_DECAY_BPS" }),
        ]),
      );
      assert.strictEqual(minDeposit, MIN_DEPOSIT);
      // Launch bounds come from the deployed machine, so validation follows the contract if it changes.
      const bounds = yield* (yield* TxBuilder).launchBounds;
      assert.strictEqual(bounds.maxSupplyLimit, maxSupplyLimit);
      assert.strictEqual(bounds.maxDecayBps, maxDecay);
      const unknown = (yield* Effect.flip(reader.project(9))) as ContractRevert;
      assert.strictEqual(unknown.name, "TCM_UnknownProject");
    }),
  );

  it.effect("deposit → rebase + one epoch → harvest → claim → withdraw, checked on chain", () =>
    Effect.gen(function* () {
      const builder = yield* TxBuilder;
      const sender = yield* TxSender;
      const reader = yield* TcmReader;
      const devnet = yield* Devnet;
      const { deployment } = yield* Node;
      const me = depositor.address;

      yield* devnet.fundStEth(me, parseEther("10"));
      yield* sender.send(yield* builder.approveStEth({ amount: "max" }, { from: me }));
      const deposit = yield* builder.deposit(
        {
          amount: parseEther("5"),
          allocation: [
            { projectId: 1, bps: 6_000 },
            { projectId: 3, bps: 4_000 },
          ],
        },
        { from: me },
      );
      assert.isAbove(Number(deposit.gasEstimate ?? 0n), 100_000);
      const sent = yield* sender.send(deposit);
      assert.strictEqual(sent.receipt.status, "success");
      const position = yield* reader.position(me);
      // stETH transfers can lose 1–2 wei to share rounding; the principal is what arrived.
      assert.isTrue(parseEther("5") - position.principal <= 2n);
      assert.deepStrictEqual(
        position.entries.map((e) => [e.projectId, e.bps]),
        [
          [1, 6_000],
          [3, 4_000],
        ],
      );
      assert.strictEqual(position.entries[0]!.principal + position.entries[1]!.principal, position.principal);
      assert.strictEqual((yield* reader.protocolState()).totalPrincipal, position.principal);

      // A second deposit from the same account is refused by the contract; the estimate says why.
      const again = (yield* Effect.flip(
        builder.deposit({ amount: MIN_DEPOSIT, allocation: [{ projectId: 2, bps: 10_000 }] }, { from: me }),
      )) as ContractRevert;
      assert.strictEqual(again.name, "TCM_PositionExists");

      yield* devnet.rebase(100); // +1 %
      yield* devnet.increaseTime(86_400);
      assert.isTrue(yield* reader.isHarvestReady(1));
      assert.isFalse(yield* reader.isHarvestReady(2));
      const pending = yield* reader.pendingYield(1);
      assert.isAbove(Number(pending.stEth), 10 ** 15);

      // The keeper harvests project 1: the yield becomes pending wstETH and the first deploy step, due at once,
      // opens the pool at the launch price in the same transaction.
      const harvest = yield* builder.harvest({ projectId: 1 }, { from: keeper.address });
      const keeperBefore = yield* balanceOf(deployment.stETH, keeper.address);
      const harvested = yield* devnet.sendAs(keeper.address, harvest);
      const keeperAfter = yield* balanceOf(deployment.stETH, keeper.address);
      assert.isTrue(keeperAfter > keeperBefore, "bounty paid");
      const [collected] = parseEventLogs({
        abi: technoCapitalMachineAbi,
        logs: harvested.logs,
        eventName: "Harvested",
      });
      const [opened] = parseEventLogs({ abi: technoCapitalMachineAbi, logs: harvested.logs, eventName: "Deployed" });
      assert.isAbove(Number(collected!.args.report.wstEthWrapped), 0);
      assert.strictEqual(collected!.args.report.pendingWstEth, collected!.args.report.wstEthWrapped);
      assert.strictEqual(opened!.args.report.pendingIn, collected!.args.report.pendingWstEth);
      assert.isAbove(Number(opened!.args.report.tokensSeeded), 0);
      const seeded = yield* reader.project(1);
      assert.isTrue(seeded.project.seeded);
      assert.isAbove(Number(seeded.pair.reserveWstEth), 0);
      assert.isAbove(Number(seeded.pair.reserveTokens), 0);
      assert.isAbove(Number(seeded.pair.lpHeldByMachine), 0);
      assert.strictEqual(seeded.pair.lpHeldByMachine, seeded.project.totalLiquidity);
      assert.strictEqual(seeded.project.pendingWstEth, opened!.args.report.pendingOut);
      // The view keeps the reference as UQ112x112; the report gives it at 1e18 scale.
      assert.strictEqual((seeded.project.referencePrice * 10n ** 18n) >> 112n, opened!.args.report.referencePrice);
      assert.isFalse(yield* reader.isHarvestReady(1));
      const again1 = (yield* Effect.flip(
        builder.harvest({ projectId: 1 }, { from: keeper.address }),
      )) as ContractRevert;
      assert.strictEqual(again1.name, "TCM_AlreadyHarvested");

      // Project 1's opening deployed (almost) all its pending wstETH; project 2 has no yield at all.
      const { config } = yield* reader.protocolState();
      assert.isTrue(
        seeded.project.pendingWstEth < config.minDeploy,
        `pending after the opening: ${seeded.project.pendingWstEth}`,
      );
      const none = (yield* Effect.flip(builder.deploy({ projectId: 2 }, { from: keeper.address }))) as ContractRevert;
      assert.strictEqual(none.name, "TCM_NothingToDeploy");
      assert.deepStrictEqual(none.args, [2, 0n, config.minDeploy]);

      // harvestMany skips the harvested one and does project 3 (and opens its pool).
      yield* devnet.sendAs(keeper.address, yield* builder.harvestMany({ projectIds: [1, 3] }));
      assert.isTrue((yield* reader.project(3)).project.seeded);

      // A trader buys project 1 tokens through the router: its spot is now above the machine's reference price.
      yield* devnet.fundWstEth(trader.address, parseEther("1"));
      const bought = yield* devnet.swap({
        account: trader.address,
        projectId: 1,
        side: "buy",
        amountIn: parseEther("0.001"),
      });
      assert.isAbove(Number(bought), 0);

      // Day 2: each harvest runs the step that is due. A pool of one day's yield cannot take the next day's in one
      // step (at most maxImpactBps of price per buy), so wstETH stays pending and the next step waits stepInterval.
      yield* devnet.rebase(100);
      yield* devnet.increaseTime(86_400);
      const day2 = yield* devnet.sendAs(
        keeper.address,
        yield* builder.harvestMany({ projectIds: [1, 3] }, { from: keeper.address }),
      );
      assert.deepStrictEqual(
        parseEventLogs({ abi: technoCapitalMachineAbi, logs: day2.logs, eventName: "Deployed" }).map(
          (e) => e.args.projectId,
        ),
        [1, 3],
      );
      const waiting = yield* reader.project(1);
      assert.isTrue(waiting.project.pendingWstEth >= config.minDeploy);
      const nextStep = yield* reader.nextDeployTime(1);
      assert.strictEqual(nextStep, waiting.project.lastStepTime + config.stepInterval);
      assert.isFalse(yield* reader.isDeployReady(1));
      const early = (yield* Effect.flip(builder.deploy({ projectId: 1 }, { from: keeper.address }))) as ContractRevert;
      assert.strictEqual(early.name, "TCM_StepNotDue");
      assert.deepStrictEqual(early.args, [1, nextStep]);

      // After stepInterval a permissionless step is due for 1 and 3 (deployMany skips 2). Project 3's spot is its
      // reference: it buys and adds. Project 1's spot is above it (the trader): the step counts without trading.
      yield* devnet.advanceToNextStep([1, 3]);
      assert.deepStrictEqual(
        (yield* reader.deployReadiness([1, 2, 3])).map((r) => r.ready),
        [true, false, true],
      );
      const stepped = yield* devnet.sendAs(
        keeper.address,
        yield* builder.deployMany({ projectIds: [1, 2, 3] }, { from: keeper.address }),
      );
      const steps = parseEventLogs({ abi: technoCapitalMachineAbi, logs: stepped.logs, eventName: "Deployed" });
      assert.deepStrictEqual(
        steps.map((e) => e.args.projectId),
        [1, 3],
      );
      const [idle, traded] = steps.map((e) => e.args.report);
      assert.isTrue(idle!.spotPrice > idle!.referencePrice);
      assert.strictEqual(idle!.ceilingPrice, 0n);
      assert.strictEqual(idle!.wstEthSwapped + idle!.wstEthAdded + idle!.bounty, 0n);
      assert.strictEqual(idle!.pendingOut, idle!.pendingIn);
      assert.isAbove(Number(traded!.ceilingPrice), 0);
      assert.isAbove(Number(traded!.tokensBought), 0);
      assert.isAbove(Number(traded!.liquidityMinted), 0);
      assert.isAbove(Number(traded!.bounty), 0);
      assert.strictEqual(
        traded!.pendingOut,
        traded!.pendingIn - traded!.wstEthSwapped - traded!.wstEthAdded - traded!.bounty,
      );
      assert.strictEqual(steps[1]!.args.caller, keeper.address);
      assert.strictEqual((yield* reader.project(1)).project.lastStepTime, yield* devnet.latestTimestamp);

      // Claim both projects' rewards.
      const owed = yield* reader.pendingRewards(me, 1);
      assert.isAbove(Number(owed), 0);
      yield* sender.send(yield* builder.claim({ projectIds: [1, 3], receiver: me }, { from: me }));
      const claimed = yield* balanceOf(seeded.token.address, me);
      assert.isTrue(claimed >= owed, `claimed ${claimed} ≥ pending ${owed}`);
      assert.strictEqual(yield* reader.pendingRewards(me, 1), 0n);

      // The contributor claims its share of project 1 (recipient: the deployer).
      yield* devnet.sendAs(ANVIL_ACCOUNTS[0]!.address, yield* builder.claimContributor({ projectId: 1 }));
      assert.isAbove(Number(yield* balanceOf(seeded.token.address, ANVIL_ACCOUNTS[0]!.address)), 0);

      // Withdraw everything.
      const stBefore = yield* balanceOf(deployment.stETH, me);
      yield* sender.send(yield* builder.withdraw({ amount: position.principal, receiver: me }, { from: me }));
      assert.strictEqual((yield* reader.position(me)).principal, 0n);
      const stAfter = yield* balanceOf(deployment.stETH, me);
      assert.isTrue(stAfter - stBefore >= position.principal - 2n);
    }),
  );

  it.effect("snapshot reads everything at one block and stays pinned", () =>
    Effect.gen(function* () {
      const reader = yield* TcmReader;
      const devnet = yield* Devnet;
      const first = yield* reader.snapshot();
      assert.strictEqual(first.projects.length, 3);
      assert.isAbove(Number(first.lido.totalPooledEther), 0);
      yield* devnet.rebase(-50);
      const again = yield* reader.snapshot(first.blockNumber);
      assert.deepStrictEqual(again, first);
      const latest = yield* reader.snapshot();
      assert.isTrue(latest.lido.totalPooledEther < first.lido.totalPooledEther);
      const pinned = yield* reader.protocolState({ blockNumber: first.blockNumber });
      assert.deepStrictEqual(pinned, first.protocol);
    }),
  );

  // Multicall alone: one POST per aggregate of MULTICALL_BATCH_BYTES of calldata (the snapshot's largest tick makes
  // two); JSON-RPC batching: one POST per tick.
  it.effect(
    "a snapshot costs 5 HTTP requests with multicall alone, 4 with JSON-RPC batching, and reads the same values",
    () =>
      Effect.gen(function* () {
        const { node, deployment } = yield* Node;
        const results: Array<unknown> = [];
        for (const [mode, expected] of [
          [{ multicall: true, batch: false }, 5],
          [{ multicall: false, batch: true }, 4],
        ] as const) {
          let posts = 0;
          const client = ChainClient.layer({ rpcUrls: [node.url], ...mode, onFetchRequest: () => void posts++ });
          const snapshot = yield* Effect.flatMap(TcmReader, (r) => r.snapshot()).pipe(
            Effect.provide(
              TcmReader.Default.pipe(Layer.provide(Layer.mergeAll(client, Deployment.fromValue(deployment)))),
            ),
          );
          assert.strictEqual(posts, expected, JSON.stringify(mode));
          results.push({ ...snapshot, blockNumber: 0n, timestamp: 0n });
        }
        assert.deepStrictEqual(results[0], results[1]);
      }),
  );

  it.effect("decodes a real revert: deposit with a bad allocation via raw eth_call, and a mined revert", () =>
    Effect.gen(function* () {
      const chain = yield* ChainClient;
      const sender = yield* TxSender;
      const { deployment } = yield* Node;
      const data = encodeFunctionData({
        abi: technoCapitalMachineAbi,
        functionName: "deposit",
        args: [
          parseEther("1"),
          [
            { projectId: 1, bps: 6_000 },
            { projectId: 2, bps: 3_000 },
          ],
        ],
      });
      const viaCall = (yield* Effect.flip(
        chain.request("call", (c) => c.call({ account: trader.address, to: deployment.machine, data })),
      )) as ContractRevert;
      assert.strictEqual(viaCall._tag, "ContractRevert");
      assert.strictEqual(viaCall.name, "TCM_AllocationSumNot10000");
      assert.deepStrictEqual(viaCall.args, [9_000n]);
      assert.strictEqual(viaCall.message, "Allocation sums to 9,000 bps; it must be exactly 10,000");
      // Sent with a fixed gas limit (no estimate), mined, reverted: decoded by replaying it.
      const mined = (yield* Effect.flip(
        sender.send({ to: deployment.machine, data, value: 0n }, { gas: 500_000n }),
      )) as ContractRevert;
      assert.strictEqual(mined.name, "TCM_AllocationSumNot10000");
      assert.match(mined.txHash ?? "", /^0x[0-9a-f]{64}$/);
      // stETH reverts with Lido's own reason strings (as on mainnet): a sentence, the raw reason kept.
      const noAllowance = (yield* Effect.flip(
        chain.request("call", (c) =>
          c.call({
            account: trader.address,
            to: deployment.stETH,
            data: encodeFunctionData({
              abi: mockStETHAbi,
              functionName: "transferFrom",
              args: [depositor.address, trader.address, 1n],
            }),
          }),
        ),
      )) as ContractRevert;
      assert.strictEqual(noAllowance.name, "Error");
      assert.deepStrictEqual(noAllowance.args, ["ALLOWANCE_EXCEEDED"]);
      assert.strictEqual(
        noAllowance.message,
        "stETH: the amount is more than the spender's stETH allowance (approve it first) [ALLOWANCE_EXCEEDED]",
      );
      // ... and the reason reaches a depositor through the machine unchanged.
      const stranger = "0x000000000000000000000000000000000000bEEF";
      const unapproved = (yield* Effect.flip(
        chain.request("call", (c) =>
          c.call({
            account: stranger,
            to: deployment.machine,
            data: encodeFunctionData({
              abi: technoCapitalMachineAbi,
              functionName: "deposit",
              args: [parseEther("1"), [{ projectId: 1, bps: 10_000 }]],
            }),
          }),
        ),
      )) as ContractRevert;
      assert.deepStrictEqual([unapproved.name, unapproved.args], ["Error", ["ALLOWANCE_EXCEEDED"]]);
    }),
  );

  it.effect("launchProject: validated against the machine's bounds, then launched", () =>
    Effect.gen(function* () {
      const builder = yield* TxBuilder;
      const devnet = yield* Devnet;
      const reader = yield* TcmReader;
      const bounds = yield* builder.launchBounds;
      const params = {
        name: "Test Project",
        symbol: "TEST",
        metadataURI: "ipfs://test",
        launchPrice: parseEther("0.0005"),
        dailyEmission: parseEther("1000"),
        decayBps: 25n,
        maxSupply: bounds.maxSupplyLimit,
        seedReserve: parseEther("1000000"),
        contributorBps: 500n,
        contributorRecipient: trader.address,
      };
      const tooBig = yield* Effect.flip(builder.launchProject({ ...params, maxSupply: bounds.maxSupplyLimit + 1n }));
      assert.strictEqual(tooBig._tag === "InvalidInput" && tooBig.input, "params.maxSupply");
      const noReserve = yield* Effect.flip(builder.launchProject({ ...params, seedReserve: 0n }));
      assert.strictEqual(noReserve._tag === "InvalidInput" && noReserve.input, "params.seedReserve");
      const before = (yield* reader.protocolState()).projectCount;
      yield* devnet.sendAs(trader.address, yield* builder.launchProject(params, { from: trader.address }));
      const after = yield* reader.protocolState();
      assert.strictEqual(after.projectCount, before + 1);
      const launched = yield* reader.project(after.projectCount);
      assert.strictEqual(launched.project.owner, trader.address);
      assert.strictEqual(launched.token.maxSupply, bounds.maxSupplyLimit);
      assert.strictEqual(launched.project.seedReserve, params.seedReserve);
      assert.strictEqual(launched.project.emissionCap, bounds.maxSupplyLimit - params.seedReserve);
    }),
  );

  it.effect("explicit nonce and evm snapshot/revert", () =>
    Effect.gen(function* () {
      const sender = yield* TxSender;
      const builder = yield* TxBuilder;
      const devnet = yield* Devnet;
      const reader = yield* TcmReader;
      const id = yield* devnet.snapshot;
      const nonce = yield* sender.pendingNonce;
      const hash = yield* sender.submit(yield* builder.approveStEth({ amount: 1n }), { nonce });
      const receipt = yield* sender.waitForReceipt(hash);
      assert.strictEqual(receipt.status, "success");
      assert.strictEqual(yield* sender.pendingNonce, nonce + 1);
      const stale = yield* Effect.flip(
        sender.submit(yield* builder.approveStEth({ amount: 2n }), { nonce, gas: 100_000n }),
      );
      assert.strictEqual(stale._tag, "RpcError");
      const before = yield* reader.snapshot();
      yield* devnet.rebase(200);
      yield* devnet.revert(id);
      const after = yield* reader.protocolState();
      assert.strictEqual(yield* sender.pendingNonce, nonce);
      assert.strictEqual(after.totalPrincipal, before.protocol.totalPrincipal);
    }),
  );
});
