/**
 * ModelState against a real anvil: the domain model built from a pinned snapshot predicts the harvest and the deploy
 * steps sent in the next block to the wei (HarvestReport and DeployReport field for field), and the model's
 * post-state equals the chain's. With the accounts a preview names read in (their storage words and stETH shares),
 * it predicts deposit, topUp, reallocate, claim and withdraw of an account with a position the same way: what each
 * call returns, the tokens it mints, and every storage word it writes. STORAGE_SLOTS is what the compiler says.
 */
import { assert, layer } from "@effect/vitest";
import {
  type Action,
  type ActionOutput,
  type DeployReport,
  type HarvestReport,
  type State,
  DEPLOY_REPORT_FIELDS,
  HARVEST_REPORT_FIELDS,
  execute,
  isDeployReady,
  isHarvestReady,
  positionOf,
  previewDeploy,
  previewHarvest,
} from "@tcm/domain";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Context, Effect, Either, Layer, Predicate, Schema } from "effect";
import { type Address, type TransactionReceipt, parseEther, parseEventLogs } from "viem";
import { type AnvilInstance, ANVIL_ACCOUNTS, anvil, deployDevnet, foundryBinary, workspaceRoot } from "@tcm/devnet";
import { Devnet } from "../src/devnet/index.js";
import {
  type AccountStorage,
  type PreparedTx,
  ChainClient,
  Deployment,
  type DeploymentInfo,
  ENTRY_WORDS,
  ModelState,
  STORAGE_SLOTS,
  TcmReader,
  TxBuilder,
  positionMismatch,
  projectTokenAbi,
  standInAccount,
  technoCapitalMachineAbi,
  withAccounts,
} from "../src/index.js";

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

/** What an account's position calls read and write, in a model state: the account's words and shares, the totals, every project. */
const accountPart = (state: State, account: Address) => {
  const a = account.toLowerCase() as Address;
  return {
    position: state.positions[a] ?? 0n,
    entries: state.entries[a] ?? Array.from({ length: ENTRY_WORDS }, () => 0n),
    shares: state.lido.shares[a] ?? 0n,
    machineShares: state.lido.shares[state.config.machine],
    lido: [state.lido.totalShares, state.lido.totalPooledEther],
    totals: [state.totalPrincipal, state.assignedScaled, state.accYield],
    projects: state.projects,
  };
};

/** What `forge inspect <contract> storageLayout --json` prints (the fields read here). */
const StorageLayout = Schema.parseJson(
  Schema.Struct({
    storage: Schema.Array(Schema.Struct({ label: Schema.String, slot: Schema.BigInt, type: Schema.String })),
  }),
);

/**
 * `forge inspect TechnoCapitalMachine storageLayout`: slot and type of each state variable, by label. Compiled into a
 * cache and out folder of its own: contracts/out's artifacts (from forge script or build) may lack the storage layout,
 * and forge's shared cache then answers "storage layout missing from artifact".
 */
const compilerSlots = Effect.async<string, Error>((resume) => {
  const root = workspaceRoot();
  const dir = mkdtempSync(join(tmpdir(), "tcm-inspect-"));
  execFile(
    foundryBinary("forge", root),
    [
      "inspect",
      "TechnoCapitalMachine",
      "storageLayout",
      "--json",
      "--cache-path",
      join(dir, "cache"),
      "--out",
      join(dir, "out"),
    ],
    { cwd: join(root, "contracts"), maxBuffer: 16 * 1024 * 1024 },
    (error, stdout) => {
      rmSync(dir, { recursive: true, force: true });
      resume(error === null ? Effect.succeed(stdout) : Effect.fail(error));
    },
  );
}).pipe(
  Effect.flatMap(Schema.decodeUnknown(StorageLayout)),
  Effect.map((layout) => new Map(layout.storage.map((v) => [v.label, { slot: v.slot, type: v.type }]))),
);

layer(Live, { timeout: 120_000, excludeTestServices: true })("ModelState (anvil)", (it) => {
  it.effect(
    "previewHarvest / previewDeploy on the loaded state equal the next block's Harvested / Deployed reports, to the wei",
    () =>
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
            allocation: [
              { projectId: 1, bps: 5_000 },
              { projectId: 2, bps: 3_000 },
              { projectId: 3, bps: 2_000 },
            ],
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
          assert.deepStrictEqual(
            onChain.map((r) => r.ready),
            [true, true, true],
          );

          const t1 = loaded.timestamp + 7n;
          const p1 = previewHarvest(state, 1, t1);
          assert.isTrue(
            p1.ok && p1.value.status === "Done",
            JSON.stringify(p1, (_k, v) => (typeof v === "bigint" ? String(v) : v)),
          );
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
          const expected = execute(
            { ...again.state, now: t2 },
            { type: "harvestMany", caller: keeper.address, projectIds: [2, 3] },
          );
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
            const planned = execute(
              { ...before.state, now: t3 },
              { type: "deployMany", caller: keeper.address, projectIds: [1, 2, 3] },
            );
            assert.isTrue(planned.ok);
            yield* devnet.setNextBlockTimestamp(t3);
            const r3 = yield* devnet.sendAs(keeper.address, yield* builder.deployMany({ projectIds: [1, 2, 3] }));
            const steps = stepsOf(r3);
            assert.deepStrictEqual([...steps.keys()], due, `day ${day} step ${round}: stepped`);
            for (const id of [1, 2, 3]) {
              const preview = previewDeploy(before.state, id, t3);
              assertSameStep(
                steps.get(id),
                preview.ok ? preview.value : undefined,
                `day ${day} step ${round} deploy(${id})`,
              );
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
  it.effect("STORAGE_SLOTS are the compiler's slots of _positions and _entries", () =>
    Effect.gen(function* () {
      const slots = yield* compilerSlots;
      assert.deepStrictEqual(slots.get("_positions"), {
        slot: STORAGE_SLOTS.positions,
        type: "t_mapping(t_address,t_uint256)",
      });
      assert.deepStrictEqual(slots.get("_entries"), {
        slot: STORAGE_SLOTS.entries,
        type: `t_mapping(t_address,t_array(t_uint256)${ENTRY_WORDS}_storage)`,
      });
    }),
  );

  it.effect("a word read from the wrong slot, or changed by one, is caught against positionOf (ModelMismatch)", () =>
    Effect.gen(function* () {
      const models = yield* ModelState;
      const builder = yield* TxBuilder;
      const devnet = yield* Devnet;
      const carol = ANVIL_ACCOUNTS[7]!.address;
      yield* devnet.fundStEth(carol, parseEther("10"));
      yield* devnet.approveStEth(carol, parseEther("10"));
      const allocation = [
        { projectId: 1, bps: 4_000 },
        { projectId: 3, bps: 6_000 },
      ];
      yield* devnet.sendAs(carol, yield* builder.deposit({ amount: parseEther("5"), allocation }));
      yield* devnet.increaseTime(600);
      const loaded = yield* models.load();
      const [storage] = yield* models.accounts(loaded.blockNumber, [carol]);
      const view = yield* (yield* TcmReader).position(carol, { blockNumber: loaded.blockNumber });
      assert.isDefined(storage);
      if (storage === undefined) return;
      assert.isUndefined(positionMismatch(withAccounts(loaded.state, [storage]), view), "the words as stored agree");
      const zero = Array.from({ length: ENTRY_WORDS }, () => 0n);
      const fieldWith = (words: Partial<AccountStorage>) =>
        positionMismatch(withAccounts(loaded.state, [{ ...storage, ...words }]), view)?.field;
      assert.strictEqual(fieldWith({ position: 0n, entries: zero }), "principal", "words from an empty slot");
      assert.strictEqual(fieldWith({ position: storage.position + 1n }), "principal", "principal + 1");
      // Garbage naming project 999 (there are 3): a mismatch, not a crash.
      assert.strictEqual(
        fieldWith({ position: storage.position | (999n << 116n) }),
        "entries[1].projectId",
        "unknown project",
      );
      const [word0, ...others] = storage.entries;
      // Entry 0's reward debt + 1 (bps in the low 16 bits).
      assert.strictEqual(fieldWith({ entries: [(word0 ?? 0n) + (1n << 16n), ...others] }), "entries[0].pendingRewards");
    }),
  );

  it.effect(
    "with the account read in, the model predicts deposit, topUp, reallocate, claim and withdraw of a position to the wei: " +
      "outputs, minted tokens, every storage word",
    () =>
      Effect.gen(function* () {
        const models = yield* ModelState;
        const builder = yield* TxBuilder;
        const devnet = yield* Devnet;
        const client = (yield* ChainClient).client;
        // The model keys its ledgers by lowercase address.
        const alice = ANVIL_ACCOUNTS[5]!.address.toLowerCase() as Address;
        const bob = ANVIL_ACCOUNTS[6]!.address.toLowerCase() as Address;
        for (const who of [alice, bob]) {
          yield* devnet.fundStEth(who, parseEther("300"));
          yield* devnet.approveStEth(who, parseEther("300"));
        }
        const tokenBalances = (state: State, account: Address, blockNumber: bigint) =>
          Effect.promise(() =>
            Promise.all(
              Object.values(state.projects).map((p) =>
                client.readContract({
                  address: p.token,
                  abi: projectTokenAbi,
                  functionName: "balanceOf",
                  args: [account],
                  blockNumber,
                }),
              ),
            ),
          );

        /** The transaction that does what the model's action does. */
        const txFor = (action: Action): Effect.Effect<PreparedTx, unknown> => {
          const wire = (a: ReadonlyArray<{ projectId: number; bps: bigint }>) =>
            a.map((e) => ({ projectId: e.projectId, bps: Number(e.bps) }));
          switch (action.type) {
            case "deposit":
              return builder.deposit({ amount: action.amount, allocation: wire(action.allocation) });
            case "topUp":
              return builder.topUp({ amount: action.amount });
            case "reallocate":
              return builder.reallocate({ allocation: wire(action.allocation) });
            case "claim":
              return builder.claim({ projectIds: action.projectIds, receiver: action.receiver });
            case "withdraw":
              return builder.withdraw({ amount: action.amount, receiver: action.receiver });
            default:
              return Effect.die(`no transaction for ${action.type}`);
          }
        };

        /** What each call returns in the model (each is compared with the call's event below). */
        const outputType: Partial<Record<Action["type"], ActionOutput["type"]>> = {
          deposit: "deposit",
          topUp: "deposit",
          reallocate: "none",
          claim: "claim",
          withdraw: "withdraw",
        };

        /**
         * Loads the model with `account` at the head, executes `action` on it at head + 5 s, sends the same call at that
         * time, and holds the model to what the chain then did.
         */
        const predict = (label: string, account: Address, action: Action) =>
          Effect.gen(function* () {
            const before = yield* models.load(undefined, [account]);
            const t = before.timestamp + 5n;
            const expected = execute({ ...before.state, now: t }, action);
            if (action.type === "deposit" && expected.ok) {
              // A preview without an account: a stand-in with just enough shares gets the same principal and shares.
              const standIn = "0x00000000000000000000000000000000000a11ce";
              const funded = withAccounts({ ...before.state, now: t }, [
                standInAccount(before.state, standIn, action.amount),
              ]);
              const anonymous = execute(funded, { ...action, account: standIn });
              const got = anonymous.ok ? anonymous.value.output : anonymous.error;
              assert.deepStrictEqual(got, expected.value.output, `${label}: stand-in`);
            }
            const tokensBefore = yield* tokenBalances(before.state, account, before.blockNumber);
            yield* devnet.setNextBlockTimestamp(t);
            const sent = yield* Effect.either(devnet.sendAs(account, yield* txFor(action)));
            if (!expected.ok) {
              assert.isTrue(
                Either.isLeft(sent),
                `${label}: the model reverts (${expected.error._tag}), the chain did not`,
              );
              if (Either.isLeft(sent)) {
                assert.isTrue(Predicate.isTagged(sent.left, "ContractRevert"), `${label}: ${sent.left.message}`);
                if (Predicate.isTagged(sent.left, "ContractRevert"))
                  assert.strictEqual(sent.left.name, expected.error._tag, label);
              }
              return { before, output: undefined };
            }
            assert.isTrue(Either.isRight(sent), `${label}: ${Either.isLeft(sent) ? sent.left.message : ""}`);
            if (Either.isLeft(sent)) return { before, output: undefined };
            const receipt = sent.right;
            assert.strictEqual(receipt.blockNumber, before.blockNumber + 1n, `${label}: next block`);
            // Loading the account again checks its words against positionOf (ModelMismatch otherwise).
            const after = yield* models.load(receipt.blockNumber, [account]);
            assert.deepStrictEqual(
              accountPart(after.state, account),
              accountPart(expected.value.state, account),
              `${label}: state`,
            );
            const tokensAfter = yield* tokenBalances(after.state, account, receipt.blockNumber);
            const minted = Object.values(expected.value.state.projects).map(
              (p) => expected.value.state.tokens[p.token]?.balances[account.toLowerCase() as Address] ?? 0n,
            );
            assert.deepStrictEqual(
              tokensAfter.map((b, i) => b - tokensBefore[i]!),
              minted,
              `${label}: tokens minted to the account`,
            );
            const output = expected.value.output;
            assert.strictEqual(output.type, outputType[action.type], `${label}: output type`);
            const logs = { abi: technoCapitalMachineAbi, logs: receipt.logs } as const;
            if (output.type === "deposit") {
              const [e] = parseEventLogs({ ...logs, eventName: action.type === "topUp" ? "ToppedUp" : "Deposited" });
              const added = [e?.args.principalAdded, e?.args.sharesAdded];
              assert.deepStrictEqual(added, [output.principal, output.sharesAdded], `${label}: output`);
            } else if (output.type === "withdraw") {
              const [e] = parseEventLogs({ ...logs, eventName: "Withdrawn" });
              const paid = [e?.args.sharesPaid, e?.args.stEthPaid, e?.args.deficit];
              assert.deepStrictEqual(paid, [output.sharesPaid, output.stEthPaid, output.deficit], `${label}: output`);
            } else if (output.type === "claim") {
              const claimed = parseEventLogs({ ...logs, eventName: "Claimed" }).map((e) => e.args.amount);
              assert.deepStrictEqual(
                claimed,
                [...output.amounts].filter((a) => a > 0n),
                `${label}: output`,
              );
            }
            return { before, output };
          });

        const allocation = (entries: ReadonlyArray<readonly [number, number]>) =>
          entries.map(([projectId, bps]) => ({ projectId, bps: BigInt(bps) }));
        const first = allocation([
          [1, 5_000],
          [2, 3_000],
          [3, 2_000],
        ]);
        const principalOf = (account: Address) =>
          models.load(undefined, [account]).pipe(Effect.map((m) => positionOf(m.state, account).principal));

        // Fresh positions: the account's own stETH shares come from the chain.
        const amount = parseEther("100");
        yield* predict("deposit (alice)", alice, { type: "deposit", account: alice, amount, allocation: first });
        const bobIn = {
          type: "deposit",
          account: bob,
          amount: parseEther("40"),
          allocation: allocation([[2, 10_000]]),
        } as const;
        yield* predict("deposit (bob)", bob, bobIn);
        yield* devnet.rebase(10);
        yield* devnet.increaseTime(86_400);

        // An existing position: a second deposit reverts as the model says; the rest change it, rewards pending.
        yield* predict("deposit over a position", alice, {
          type: "deposit",
          account: alice,
          amount,
          allocation: first,
        });
        const topUp = yield* predict("topUp", alice, { type: "topUp", account: alice, amount: parseEther("25") });
        const pending = positionOf(topUp.before.state, alice).entries.map((e) => e.pendingRewards);
        assert.isTrue(
          pending.every((r) => r > 0n),
          "rewards pending before the topUp",
        );
        yield* devnet.increaseTime(3_600);
        // Project 2 leaves (its rewards are minted to alice); 1 and 3 change parts.
        const moved = allocation([
          [1, 2_500],
          [3, 7_500],
        ]);
        yield* predict("reallocate", alice, { type: "reallocate", account: alice, allocation: moved });
        yield* devnet.increaseTime(3_600);
        const claim = yield* predict("claim", alice, {
          type: "claim",
          account: alice,
          projectIds: [3, 1],
          receiver: alice,
        });
        assert.isTrue(
          claim.output?.type === "claim" && claim.output.amounts.every((a) => a > 0n),
          "claim mints something",
        );
        yield* devnet.increaseTime(3_600);
        yield* predict("withdraw (part)", alice, {
          type: "withdraw",
          account: alice,
          amount: parseEther("30"),
          receiver: alice,
        });
        yield* devnet.increaseTime(3_600);
        const rest = yield* principalOf(alice);
        yield* predict("withdraw (all)", alice, { type: "withdraw", account: alice, amount: rest, receiver: alice });

        // A deficit: Lido loses 5 %; bob's full withdrawal pays his pro-rata share.
        yield* devnet.rebase(-500);
        const bobs = yield* principalOf(bob);
        const deficit = yield* predict("withdraw in a deficit", bob, {
          type: "withdraw",
          account: bob,
          amount: bobs,
          receiver: bob,
        });
        assert.isTrue(deficit.output?.type === "withdraw" && deficit.output.deficit, "the withdrawal ran in a deficit");
      }),
  );
});
