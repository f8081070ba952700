/**
 * The keeper's pure planning functions on domain-model states (no anvil): harvest and deploy triage against the
 * domain's own previews and readiness, stalled projects and their back-off, chunking, profitability, revert and
 * error classification, and receipts read back into outcomes.
 */
import { assert, describe, it } from "@effect/vitest";
import {
  ContractRevert,
  InvalidInput,
  NonceConflict,
  RpcError,
  StuckTransaction,
  TransientRpcError,
  TxRejected,
  technoCapitalMachineAbi,
} from "@tcm/chain";
import {
  type Action,
  type Address,
  EPOCH_SECONDS,
  type State,
  applyAll,
  deployedWstEthOf,
  initialState,
  isDeployReady,
  previewDeploy,
  previewHarvest,
} from "@tcm/domain";
import { encodeAbiParameters, encodeEventTopics, type Log } from "viem";
import {
  type Candidate,
  type Stall,
  applyStallChanges,
  chunksOf,
  errorClassOf,
  isIdleStep,
  nextStall,
  outcomesOfReceipt,
  skipReasonOf,
  splitProfitable,
  stEthValueOfWst,
  triageDeploys,
  triageHarvests,
} from "../src/planning.js";

const E = 10n ** 18n;
const DAY = 86_400n;
const addr = (n: number): Address => `0x${n.toString(16).padStart(40, "0")}`;
const [MACHINE, STETH, WSTETH, GUARDIAN, DEV, ALICE, TRADER, KEEPER] = [
  0x7c3, 0x5e, 0x3000, 0x9, 0xde7, 0xa11ce, 0x7ade, 0x4ee,
].map(addr) as [Address, Address, Address, Address, Address, Address, Address, Address];
const STEP_INTERVAL = 1_200n;

const must = (state: State, actions: ReadonlyArray<Action>): State => {
  const result = applyAll(state, actions);
  if (!result.ok)
    throw new Error(
      `action ${result.error.index} reverted: ${JSON.stringify(result.error.error, (_k, v) => (typeof v === "bigint" ? String(v) : v))}`,
    );
  return result.value;
};

const launch = (n: number): Action => ({
  type: "launch",
  caller: DEV,
  params: {
    name: `P${n}`,
    symbol: `P${n}`,
    metadataURI: "ipfs://x",
    launchPrice: 10n ** 15n,
    dailyEmission: 1_000n * E,
    decayBps: 100n,
    maxSupply: 1_000_000n * E,
    seedReserve: 100_000n * E,
    contributorBps: 1_000n,
    contributorRecipient: DEV,
  },
  token: addr(0x1000 + 2 * n),
  pair: addr(0x1001 + 2 * n),
});

/** Three projects with deposits; a day later a 1 % rebase is their yield (all three due for a harvest). */
const dueDay1 = (): State => {
  const init = initialState({
    now: 1_700_000_000n,
    machine: MACHINE,
    stEth: STETH,
    wstEth: WSTETH,
    guardian: GUARDIAN,
    bountyBps: 10n,
    maxBounty: E,
    maxImpactBps: 50n,
    minHarvestValue: 10n ** 9n,
    stepInterval: STEP_INTERVAL,
    followWindow: 2n * DAY,
    stepBountyBps: 10n,
    maxStepBounty: E / 200n,
    initialPooledEther: 1_000n * E,
  });
  if (!init.ok) throw new Error("initial state");
  const s = must(init.value, [
    launch(1),
    launch(2),
    launch(3),
    { type: "submit", account: ALICE, amount: 1_000n * E },
    { type: "submit", account: TRADER, amount: 1_000n * E },
    { type: "wrap", account: TRADER, amount: 500n * E },
    {
      type: "deposit",
      account: ALICE,
      amount: 300n * E,
      allocation: [
        { projectId: 1, bps: 5_000n },
        { projectId: 2, bps: 3_000n },
        { projectId: 3, bps: 2_000n },
      ],
    },
    { type: "advanceTime", seconds: DAY },
  ]);
  return must(s, [{ type: "rebase", delta: s.lido.totalPooledEther / 100n }]);
};

/** Day 2, harvested: every project has pending wstETH; `STEP_INTERVAL` later all three steps are due. */
const stepsDue = (): State => {
  let s = must(dueDay1(), [
    { type: "harvestMany", caller: KEEPER, projectIds: [1, 2, 3] },
    { type: "advanceTime", seconds: DAY },
  ]);
  s = must(s, [
    { type: "rebase", delta: s.lido.totalPooledEther / 100n },
    { type: "harvestMany", caller: KEEPER, projectIds: [1, 2, 3] },
  ]);
  return must(s, [{ type: "advanceTime", seconds: STEP_INTERVAL }]);
};

describe("harvest triage", () => {
  it("every project whose epoch turned is due; candidates carry the domain preview and its bounty (+ the step's)", () => {
    const s = dueDay1();
    const t = triageHarvests(s, s.now);
    assert.strictEqual(t.epoch, (s.now - s.config.genesis) / EPOCH_SECONDS);
    assert.deepStrictEqual(t.due, [1, 2, 3]);
    assert.deepStrictEqual(t.outcomes, []);
    for (const c of t.candidates) {
      const preview = previewHarvest(s, c.projectId, s.now);
      assert.isTrue(preview.ok && preview.value.status === "Done");
      if (!preview.ok) continue;
      assert.deepStrictEqual(c.report, preview.value.report);
      // The step's wstETH bounty counts at what it unwraps to: more than its face value once stETH has rebased.
      const step = preview.value.deploy?.bounty ?? 0n;
      assert.strictEqual(c.bounty, preview.value.report.bountyStEth + stEthValueOfWst(s, step));
      if (step > 0n) assert.isAbove(Number(stEthValueOfWst(s, step)), Number(step));
      assert.isAbove(Number(c.bounty), 0);
    }
  });

  it("harvested this epoch: nothing due; paused: every due project skipped as paused", () => {
    const s = must(dueDay1(), [{ type: "harvestMany", caller: KEEPER, projectIds: [1, 2, 3] }]);
    assert.deepStrictEqual(triageHarvests(s, s.now).due, []);
    const paused = must(dueDay1(), [
      { type: "setPaused", caller: GUARDIAN, depositsPaused: false, harvestsPaused: true },
    ]);
    const t = triageHarvests(paused, paused.now);
    assert.deepStrictEqual(t.candidates, []);
    assert.deepStrictEqual(
      t.outcomes.map((o) => o.result === "skipped" && o.reason),
      ["paused", "paused", "paused"],
    );
  });
});

describe("deploy triage and stalls", () => {
  it("due steps are the domain's isDeployReady, minus the projects being harvested; candidates are previewDeploy", () => {
    const s = stepsDue();
    for (const id of [1, 2, 3]) assert.isTrue(isDeployReady(s, id, s.now).ok);
    const t = triageDeploys(s, s.now, new Set([2]));
    assert.deepStrictEqual(t.due, [1, 3]);
    for (const c of t.candidates) {
      const preview = previewDeploy(s, c.projectId, s.now);
      assert.isTrue(preview.ok);
      if (preview.ok) assert.deepStrictEqual(c.report, preview.value);
      if (preview.ok) assert.strictEqual(c.bounty, stEthValueOfWst(s, preview.value.bounty));
      assert.isFalse(isIdleStep(c.report));
    }
    // Before the step interval has passed: nothing due, and the next step time is the earliest lastStepTime + interval.
    const early = triageDeploys(s, s.now - STEP_INTERVAL + 1n, new Set());
    assert.deepStrictEqual(early.due, []);
    assert.isDefined(early.next);
    assert.isTrue(early.next! > s.now - STEP_INTERVAL + 1n && early.next! <= s.now);
  });

  it("a step past the band is idle: the project is stalled once, waits out its back-off, and resumes when its step deploys again", () => {
    const base = stepsDue();
    // A trader lifts project 1's price far past the band.
    const pumped = must(base, [{ type: "swap", trader: TRADER, projectId: 1, side: "buyTokens", amountIn: 5n * E }]);
    const now = pumped.now + 1n;
    const first = triageDeploys(pumped, now, new Set());
    const idle = previewDeploy(pumped, 1, now);
    assert.isTrue(idle.ok && deployedWstEthOf(idle.value) === 0n);
    assert.deepStrictEqual(first.outcomes, [{ projectId: 1, result: "skipped", reason: "stalled" }]);
    assert.deepStrictEqual(
      first.candidates.map((c) => c.projectId),
      [2, 3],
    );
    assert.strictEqual(first.changes.length, 1);
    assert.strictEqual(first.changes[0]?._tag, "Stalled");
    const book = applyStallChanges(new Map(), first.changes);
    assert.deepStrictEqual(book.get(1), { since: now, nextLookAt: now + STEP_INTERVAL, backoff: STEP_INTERVAL });

    // Within the back-off: not previewed, no outcome, listed as waiting.
    const waiting = triageDeploys(pumped, now + STEP_INTERVAL - 1n, new Set(), book);
    assert.deepStrictEqual(waiting.waiting, [1]);
    assert.deepStrictEqual(waiting.outcomes, []);
    assert.deepStrictEqual(waiting.changes, []);

    // Looked at again, still idle: the back-off doubles; no second "Stalled" report.
    const again = triageDeploys(pumped, now + STEP_INTERVAL, new Set(), book);
    assert.deepStrictEqual(
      again.changes.map((c) => c._tag),
      ["StillStalled"],
    );
    const book2 = applyStallChanges(book, again.changes);
    assert.deepStrictEqual(book2.get(1), {
      since: now,
      nextLookAt: now + 3n * STEP_INTERVAL,
      backoff: 2n * STEP_INTERVAL,
    });

    // The price back (the trader sells what it bought): the preview deploys again and the project resumes.
    const bought = pumped.tokens[pumped.projects[1]!.token]!.balances[TRADER]!;
    const back = must(pumped, [
      { type: "swap", trader: TRADER, projectId: 1, side: "sellTokens", amountIn: bought },
      { type: "advanceTime", seconds: 4n * STEP_INTERVAL },
    ]);
    const resumed = triageDeploys(back, back.now, new Set(), book2);
    assert.deepStrictEqual(resumed.changes, [{ _tag: "Resumed", projectId: 1, since: now }]);
    assert.include(
      resumed.candidates.map((c) => c.projectId),
      1,
    );
    assert.isUndefined(applyStallChanges(book2, resumed.changes).get(1));
  });

  it("a stalled project with nothing left to deploy is no longer stalled", () => {
    const s = dueDay1();
    assert.strictEqual(s.projects[1]?.pendingWstEth, 0n);
    const book = new Map([[1, { since: 1n, nextLookAt: s.now + DAY, backoff: DAY }]]);
    const t = triageDeploys(s, s.now, new Set(), book);
    assert.deepStrictEqual(t.changes, [{ _tag: "Resumed", projectId: 1, since: 1n }]);
    assert.deepStrictEqual(t.due, []);
  });

  it("the back-off doubles up to an epoch", () => {
    let stall: Stall | undefined;
    const seen: bigint[] = [];
    for (let i = 0; i < 10; i++) {
      stall = nextStall(stall, 1_000n, 600n);
      seen.push(stall.backoff);
    }
    assert.deepStrictEqual(seen, [
      600n,
      1_200n,
      2_400n,
      4_800n,
      9_600n,
      19_200n,
      38_400n,
      76_800n,
      EPOCH_SECONDS,
      EPOCH_SECONDS,
    ]);
  });
});

describe("chunks and profitability", () => {
  it("chunks keep order, are at most `size` long, and cover every item once", () => {
    for (const [n, size] of [
      [0, 3],
      [1, 1],
      [7, 3],
      [25, 25],
      [26, 25],
      [200, 25],
    ] as const) {
      const items = Array.from({ length: n }, (_, i) => i);
      const chunks = chunksOf(items, size);
      assert.deepStrictEqual(chunks.flat(), items);
      assert.isTrue(chunks.every((c) => c.length >= 1 && c.length <= size));
      assert.strictEqual(chunks.length, Math.ceil(n / size));
    }
    assert.throws(() => chunksOf([1], 0), RangeError);
  });

  it("a candidate pays when its bounty covers its share of the chunk's gas; sponsored ones always go", () => {
    const chunk: Candidate[] = [
      { projectId: 1, bounty: 100n },
      { projectId: 2, bounty: 99n },
      { projectId: 3, bounty: 0n },
    ];
    // 300 gas × 1 wei ÷ 3 = 100 wei a project.
    const split = splitProfitable(chunk, 300n, 1n, (id) => id === 3);
    assert.deepStrictEqual(
      split.keep.map((c) => c.projectId),
      [1, 3],
    );
    assert.deepStrictEqual(
      split.unprofitable.map((c) => c.projectId),
      [2],
    );
    assert.deepStrictEqual(splitProfitable(chunk, 0n, 10n ** 9n, () => false).unprofitable, []);
  });
});

const revert = (name: string) =>
  new ContractRevert({ operation: "estimate", name, args: [], message: name, data: undefined });

describe("classification", () => {
  it("legitimate reverts are skips; others are not", () => {
    assert.strictEqual(skipReasonOf(revert("TCM_AlreadyHarvested")), "already-harvested");
    assert.strictEqual(skipReasonOf(revert("TCM_NothingToHarvest")), "nothing-to-harvest");
    assert.strictEqual(skipReasonOf(revert("TCM_NothingToDeploy")), "nothing-to-deploy");
    assert.strictEqual(skipReasonOf(revert("TCM_StepNotDue")), "step-not-due");
    assert.strictEqual(skipReasonOf(revert("TCM_HarvestsPaused")), "paused");
    assert.isUndefined(skipReasonOf(revert("Panic")));
  });

  it("error classes by tag", () => {
    assert.strictEqual(
      errorClassOf(new TransientRpcError({ operation: "x", reason: "network", message: "" })),
      "transient-rpc",
    );
    assert.strictEqual(errorClassOf(new RpcError({ operation: "x", reason: "other", message: "" })), "rpc");
    assert.strictEqual(errorClassOf(revert("Panic")), "revert-unexpected");
    assert.strictEqual(errorClassOf(new InvalidInput({ input: "x", rule: "r", message: "" })), "invalid-input");
    assert.strictEqual(errorClassOf(new TxRejected({ kind: "harvest", message: "" })), "tx-rejected");
    assert.strictEqual(errorClassOf(new NonceConflict({ nonce: 1, message: "" })), "nonce-conflict");
    assert.strictEqual(errorClassOf(new StuckTransaction({ nonce: 1, hashes: [], message: "" })), "stuck");
    assert.strictEqual(errorClassOf(new Error("boom")), "other");
  });
});

describe("receipts to outcomes", () => {
  const me = addr(0xabc);
  const other = addr(0xdef);
  const report = {
    pendingIn: 5n,
    pendingOut: 1n,
    wstEthSwapped: 2n,
    tokensBought: 3n,
    wstEthAdded: 1n,
    tokensAdded: 3n,
    tokensSeeded: 0n,
    liquidityMinted: 7n,
    carryTokensIn: 0n,
    carryTokensOut: 0n,
    bounty: 1n,
    spotPrice: 9n,
    referencePrice: 9n,
    ceilingPrice: 10n,
    reserveWstEth: 11n,
    reserveTokens: 12n,
    lpTotalSupply: 13n,
  };
  const deployedEvent = technoCapitalMachineAbi.find((x) => x.type === "event" && x.name === "Deployed");
  const logOf = (projectId: number, caller: Address): Log => {
    if (deployedEvent === undefined || deployedEvent.type !== "event") throw new Error("no Deployed event in the ABI");
    const topics = encodeEventTopics({
      abi: [deployedEvent],
      eventName: "Deployed",
      args: { projectId, caller } as never,
    });
    const nonIndexed = deployedEvent.inputs.filter((i) => !("indexed" in i && i.indexed));
    const values = nonIndexed.map((i) =>
      i.name === "report"
        ? Object.fromEntries(
            ("components" in i ? i.components : []).map((c) => [c.name, report[c.name as keyof typeof report] ?? 0n]),
          )
        : i.name === "projectId"
          ? projectId
          : caller,
    );
    return {
      address: MACHINE,
      topics,
      data: encodeAbiParameters(nonIndexed, values as never),
      blockHash: null,
      blockNumber: null,
      logIndex: null,
      transactionHash: null,
      transactionIndex: null,
      removed: false,
    } as unknown as Log;
  };
  it("a mined deployMany: my steps are deployed (with their reports), another caller's are skipped; a reverted one is classified", () => {
    const outcomes = outcomesOfReceipt("deploy", [1, 2, 3], me, {
      hash: "0x01",
      logs: [logOf(1, me), logOf(2, other)],
    });
    assert.strictEqual(outcomes[0]?.result, "deployed");
    if (outcomes[0]?.result === "deployed") assert.strictEqual(deployedWstEthOf(outcomes[0].report), 3n);
    assert.deepStrictEqual(outcomes.slice(1), [
      { projectId: 2, result: "skipped", reason: "not-deployed-in-tx" },
      { projectId: 3, result: "skipped", reason: "not-deployed-in-tx" },
    ]);
    assert.deepStrictEqual(outcomesOfReceipt("deploy", [4], me, { revert: revert("TCM_StepNotDue") }), [
      { projectId: 4, result: "skipped", reason: "step-not-due" },
    ]);
    assert.strictEqual(outcomesOfReceipt("harvest", [4], me, { revert: revert("Panic") })[0]?.result, "failed");
  });
});
