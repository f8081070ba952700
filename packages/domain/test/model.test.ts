import { assert, describe, it } from "@effect/vitest";
import fc from "fast-check";
import {
  type Action,
  type DeployReport,
  type LidoError,
  type PairState,
  type State,
  harvest as harvestMath,
  deficitStatus,
  emission,
  execute,
  pendingRewardsOf,
  positionOf,
  previewHarvest,
  sumBalances,
  uniswap,
  unpackEntry,
  yieldMath,
} from "../src/index.js";
import {
  ALICE,
  BOB,
  DAY,
  DEV,
  E,
  KEEPER,
  MACHINE,
  STETH,
  TRADER,
  WSTETH,
  addr,
  fresh,
  launchParams,
  run,
  withProjects,
} from "./fixtures.js";

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

const errorOf = (state: State, action: Action) => {
  const result = execute(state, action);
  assert.isFalse(result.ok, `${action.type} should revert`);
  return result.ok ? undefined : result.error;
};

describe("reverts carry the contract's custom errors and values", () => {
  const s = withProjects();

  it("allocation validation", () => {
    assert.deepStrictEqual(
      errorOf(s, { type: "deposit", account: ALICE, amount: E, allocation: [{ projectId: 1, bps: 9_999n }] }),
      { _tag: "TCM_AllocationSumNot10000", sum: 9_999n },
    );
    assert.deepStrictEqual(
      errorOf(s, {
        type: "deposit",
        account: ALICE,
        amount: E,
        allocation: [
          { projectId: 2, bps: 5_000n },
          { projectId: 1, bps: 5_000n },
        ],
      }),
      { _tag: "TCM_AllocationNotSorted", index: 1n, projectId: 1 },
    );
    assert.deepStrictEqual(errorOf(s, { type: "deposit", account: ALICE, amount: E, allocation: [] }), {
      _tag: "TCM_AllocationEmpty",
    });
    assert.deepStrictEqual(
      errorOf(s, { type: "deposit", account: ALICE, amount: E, allocation: [{ projectId: 4, bps: 10_000n }] }),
      { _tag: "TCM_UnknownProject", projectId: 4 },
    );
    assert.deepStrictEqual(
      errorOf(s, { type: "deposit", account: ALICE, amount: 10n ** 8n, allocation: [{ projectId: 1, bps: 10_000n }] }),
      { _tag: "TCM_DepositTooSmall", principal: 10n ** 8n, minimum: 10n ** 9n },
    );
  });

  it("launch validation names the parameter", () => {
    assert.deepStrictEqual(
      errorOf(s, {
        type: "launch",
        caller: DEV,
        params: launchParams({ decayBps: 5_001n }),
        token: addr(0x7000),
        pair: addr(0x7001),
      }),
      { _tag: "TCM_DecayOutOfBounds", value: 5_001n, max: 5_000n },
    );
  });

  it("a revert leaves the input state untouched", () => {
    const before = JSON.stringify(s, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    errorOf(s, { type: "withdraw", account: ALICE, amount: E, receiver: ALICE });
    run(s, { type: "deposit", account: ALICE, amount: E, allocation: [{ projectId: 1, bps: 10_000n }] });
    assert.strictEqual(
      JSON.stringify(s, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
      before,
    );
  });
});

describe("stETH / wstETH reverts carry Lido's reason strings, in the mocks' order", () => {
  const s = withProjects();
  const lido = (reason: LidoError["reason"]): LidoError => ({ _tag: "LidoError", reason });
  const ZERO = addr(0);

  it("stETH: submit, transfer (zero addresses before the contract check before the balance), Aragon SafeMath", () => {
    assert.deepStrictEqual(errorOf(s, { type: "submit", account: ZERO, amount: 0n }), lido("ZERO_DEPOSIT"));
    assert.deepStrictEqual(errorOf(s, { type: "submit", account: ZERO, amount: E }), lido("MINT_TO_ZERO_ADDR"));
    assert.deepStrictEqual(
      errorOf(s, { type: "submit", account: ALICE, amount: 2n ** 200n }),
      lido("MATH_MUL_OVERFLOW"),
    );
    // Two int256-max rebases bring the pooled ether to 2^256 - 2 - 1000e18: 1000e18 + 1 fits exactly, + 2 overflows.
    const int256Max = 2n ** 255n - 1n;
    const huge = run(fresh(), { type: "rebase", delta: int256Max }, { type: "rebase", delta: int256Max - 2_000n * E });
    assert.strictEqual(execute(huge, { type: "submit", account: ALICE, amount: 1_000n * E + 1n }).ok, true);
    assert.deepStrictEqual(
      errorOf(huge, { type: "submit", account: ALICE, amount: 1_000n * E + 2n }),
      lido("MATH_ADD_OVERFLOW"),
    );
    const over = 1_000n * E + 1n;
    assert.deepStrictEqual(
      errorOf(s, { type: "transferStEth", from: ZERO, to: ZERO, amount: over }),
      lido("TRANSFER_FROM_ZERO_ADDR"),
    );
    assert.deepStrictEqual(
      errorOf(s, { type: "transferStEth", from: ALICE, to: ZERO, amount: over }),
      lido("TRANSFER_TO_ZERO_ADDR"),
    );
    assert.deepStrictEqual(
      errorOf(s, { type: "transferStEth", from: ALICE, to: STETH, amount: over }),
      lido("TRANSFER_TO_STETH_CONTRACT"),
    );
    assert.deepStrictEqual(
      errorOf(s, { type: "transferStEth", from: ALICE, to: BOB, amount: over }),
      lido("BALANCE_EXCEEDED"),
    );
    assert.deepStrictEqual(
      errorOf(s, { type: "transferStEth", from: ALICE, to: BOB, amount: 2n ** 200n }),
      lido("MATH_MUL_OVERFLOW"),
    );
  });

  it("a deposit of more stETH than held: the pull's BALANCE_EXCEEDED", () => {
    assert.deepStrictEqual(
      errorOf(s, {
        type: "deposit",
        account: ALICE,
        amount: 1_000n * E + 1n,
        allocation: [{ projectId: 1, bps: 10_000n }],
      }),
      lido("BALANCE_EXCEEDED"),
    );
  });

  it("wstETH: wrap and unwrap check zero first, then the maths, the burn, the stETH transfer; transfers are OpenZeppelin 3.4's", () => {
    assert.deepStrictEqual(
      errorOf(s, { type: "wrap", account: ALICE, amount: 0n }),
      lido("wstETH: can't wrap zero stETH"),
    );
    assert.deepStrictEqual(
      errorOf(s, { type: "wrap", account: ALICE, amount: 1_000n * E + 1n }),
      lido("BALANCE_EXCEEDED"),
    );
    assert.deepStrictEqual(
      errorOf(s, { type: "unwrap", account: BOB, amount: 0n }),
      lido("wstETH: zero amount unwrap not allowed"),
    );
    assert.deepStrictEqual(errorOf(s, { type: "unwrap", account: BOB, amount: 2n ** 200n }), lido("MATH_MUL_OVERFLOW"));
    assert.deepStrictEqual(
      errorOf(s, { type: "unwrap", account: BOB, amount: 1n }),
      lido("ERC20: burn amount exceeds balance"),
    );
    assert.deepStrictEqual(
      errorOf(s, { type: "donate", from: BOB, asset: "wstETH", amount: 1n, projectId: 1 }),
      lido("ERC20: transfer amount exceeds balance"),
    );
    assert.deepStrictEqual(
      errorOf(s, { type: "donate", from: ZERO, asset: "wstETH", amount: 1n, projectId: 1 }),
      lido("ERC20: transfer from the zero address"),
    );
  });
});

describe("a hand-checked life cycle", () => {
  // stETH at 1:1 (1000e18 pooled, 1000e18 shares at 0xdead), Alice holds 1000e18 after submitting.
  let s = run(withProjects(), {
    type: "deposit",
    account: ALICE,
    amount: 100n * E,
    allocation: [{ projectId: 1, bps: 10_000n }],
  });
  const pooledBefore = s.lido.totalPooledEther;
  const shares = s.lido.totalShares;

  it("deposit measures what arrived", () => {
    assert.strictEqual(s.totalPrincipal, 100n * E);
    assert.strictEqual(s.projects[1]?.allocatedPrincipal, 100n * E);
    assert.strictEqual(s.lido.shares[MACHINE], 100n * E);
  });

  it("a 10% rebase becomes yield; the harvest collects it and its first deploy step opens the pool at the launch price", () => {
    s = run(s, { type: "advanceTime", seconds: DAY }, { type: "rebase", delta: pooledBefore / 10n });
    const pooled = s.lido.totalPooledEther;
    const required = (100n * E * shares + pooled - 1n) / pooled;
    const excess = 100n * E - required;
    const indexDelta = (excess << 32n) / (100n * E);
    const yieldShares = (100n * E * indexDelta) >> 32n;
    const bounty = (yieldShares * 10n) / 10_000n;
    const toWrap = ((yieldShares - bounty) * pooled) / shares;
    const wrapped = (toWrap * shares) / pooled;
    // The step: its budget keeps back the largest bounty it could pay; the bounty is then paid on what it deployed.
    const budget = wrapped - min((wrapped * 10n) / 10_010n, E / 200n);
    const tokens = (budget * E) / 10n ** 15n;
    const stepBounty = min(min((budget * 10n) / 10_000n, E / 200n), wrapped - budget);

    const preview = previewHarvest(s, 1);
    const result = execute(s, { type: "harvest", caller: KEEPER, projectId: 1 });
    assert.isTrue(preview.ok && result.ok);
    if (!preview.ok || !result.ok || result.value.output.type !== "harvest") return;
    const { report: r, deploy: d } = result.value.output;
    assert.deepStrictEqual(preview.value, { status: "Done", report: r, deploy: d }, "the preview is the transaction");
    s = result.value.state;
    assert.strictEqual(r.yieldShares, yieldShares);
    assert.strictEqual(r.bountyShares, bounty);
    assert.strictEqual(r.wstEthWrapped, wrapped);
    assert.strictEqual(r.pendingWstEth, wrapped);
    assert.isDefined(d);
    if (d === undefined) return;
    assert.strictEqual(d.pendingIn, wrapped);
    assert.strictEqual(d.tokensSeeded, tokens);
    assert.strictEqual(d.tokensAdded, tokens);
    assert.strictEqual(d.wstEthAdded, budget);
    assert.strictEqual(d.liquidityMinted, uniswap.sqrt(budget * tokens) - 1000n);
    assert.strictEqual(d.bounty, stepBounty);
    assert.strictEqual(d.pendingOut, wrapped - budget - stepBounty);
    assert.strictEqual(d.wstEthSwapped, 0n);
    assert.strictEqual(d.ceilingPrice, 0n);
    const spot = uniswap.priceUQ112(budget, tokens);
    assert.strictEqual(d.spotPrice, (spot * E) >> 112n);
    assert.strictEqual(d.referencePrice, d.spotPrice, "opened without donations: the reference is the opening spot");
    assert.strictEqual(s.lido.shares[KEEPER], bounty);
    assert.strictEqual(s.wstEth.balances[KEEPER], stepBounty, "the step's bounty is paid in wstETH");
    const p = s.projects[1];
    assert.strictEqual(p?.emissionCap, 1_000_000n * E - 100_000n * E, "the seed reserve is outside the emission cap");
    assert.strictEqual(p?.pendingWstEth, d.pendingOut);
    assert.strictEqual(p?.lastStepTime, s.now);
    assert.strictEqual(p?.referencePrice, spot);
    assert.strictEqual(p?.observationTime, s.now);
    assert.isTrue(p?.seeded);
    assert.strictEqual(s.wstEth.balances[addr(0x1001)], budget);
    // The sub-share remainder stays with the project.
    assert.strictEqual(
      yieldMath.pendingYieldScaled(100n * E, s.projects[1]?.yieldDebt ?? 0n, s.accYield),
      (100n * E * indexDelta) & 0xffffffffn,
    );
  });

  it("rewards: one epoch of 1% decay emits exactly dailyEmission, 10% to the contributor", () => {
    const owed = pendingRewardsOf(s, ALICE, 1);
    // 1000e18 over 100e18 principal: (900e18 << 64) / 100e18 = 9 << 64 exactly.
    assert.deepStrictEqual(owed, { ok: true, value: 900n * E });
    const next = run(
      s,
      { type: "claim", account: ALICE, projectIds: [1], receiver: ALICE },
      { type: "claimContributor", caller: DEV, projectId: 1 },
    );
    assert.strictEqual(next.tokens[addr(0x1000)]?.balances[ALICE], 900n * E);
    assert.strictEqual(next.tokens[addr(0x1000)]?.balances[DEV], 100n * E);
    assert.strictEqual(emission.cumulativeAtEpoch((1_000n * E) as never, 100n as never, 1n), 1_000n * E);
  });

  it("the next harvest is refused in the same epoch", () => {
    assert.deepStrictEqual(errorOf(s, { type: "harvest", caller: KEEPER, projectId: 1 }), {
      _tag: "TCM_AlreadyHarvested",
      projectId: 1,
      epoch: 1n,
    });
  });

  it("a buy just before the harvest's step makes the step trade nothing; harvestMany still collects", () => {
    const sameBlock = run(
      s,
      { type: "advanceTime", seconds: DAY },
      { type: "rebase", delta: E },
      { type: "swap", trader: TRADER, projectId: 1, side: "buyTokens", amountIn: E },
    );
    // In the block of the buy, the step does nothing at all (it stays due); a block later it counts without trading.
    const same = execute(sameBlock, { type: "harvest", caller: KEEPER, projectId: 1 });
    assert.isTrue(same.ok);
    if (same.ok && same.value.output.type === "harvest") {
      assert.strictEqual(same.value.output.deploy?.spotPrice, 0n);
      assert.strictEqual(same.value.output.deploy?.pendingOut, same.value.output.report.pendingWstEth);
      assert.strictEqual(same.value.state.projects[1]?.lastStepTime, sameBlock.projects[1]?.lastStepTime);
    }
    const pumped = run(sameBlock, { type: "advanceTime", seconds: 12n });
    const single = execute(pumped, { type: "harvest", caller: KEEPER, projectId: 1 });
    assert.isTrue(single.ok);
    if (single.ok && single.value.output.type === "harvest") {
      const d = single.value.output.deploy;
      assert.isDefined(d, "a step was due");
      assert.isTrue((d?.spotPrice ?? 0n) > (d?.referencePrice ?? 0n));
      assert.strictEqual(d?.wstEthSwapped, 0n);
      assert.strictEqual(d?.wstEthAdded, 0n);
      assert.strictEqual(d?.bounty, 0n);
      assert.strictEqual(d?.pendingOut, d?.pendingIn);
      assert.strictEqual(single.value.state.projects[1]?.lastStepTime, pumped.now, "the step counts");
    }
    const many = execute(pumped, { type: "harvestMany", caller: KEEPER, projectIds: [1, 2, 99] });
    assert.isTrue(many.ok);
    if (many.ok && many.value.output.type === "harvestMany") {
      assert.strictEqual(many.value.output.harvested, 1);
      assert.deepStrictEqual(many.value.output.statuses, ["Done", "NothingToHarvest", "Skipped"]);
      assert.isDefined(many.value.output.reports[0]);
      assert.isDefined(many.value.output.deploys[0]);
      assert.deepStrictEqual(many.value.output.reports.slice(1), [undefined, undefined]);
    }
  });

  it("a negative rebase is a deficit: deposits refused, withdrawal pro rata and whole", () => {
    const slashed = run(
      s,
      { type: "deposit", account: BOB, amount: 100n * E, allocation: [{ projectId: 2, bps: 10_000n }] },
      { type: "rebase", delta: -(s.lido.totalPooledEther / 2n) },
    );
    const status = deficitStatus(slashed);
    assert.isTrue(status.inDeficit);
    assert.strictEqual(errorOf(slashed, { type: "topUp", account: BOB, amount: E })?._tag, "TCM_InDeficit");
    assert.strictEqual(
      errorOf(slashed, { type: "withdraw", account: BOB, amount: E, receiver: BOB })?._tag,
      "TCM_DeficitRequiresFullWithdrawal",
    );
    const principal = positionOf(slashed, BOB).principal;
    const held = slashed.lido.shares[MACHINE] ?? 0n;
    const expected =
      (yieldMath.availableForPrincipal(held as never, slashed.assignedScaled) * principal) / slashed.totalPrincipal;
    const after = execute(slashed, { type: "withdraw", account: BOB, amount: principal, receiver: BOB });
    assert.isTrue(after.ok);
    if (after.ok) {
      assert.deepStrictEqual(after.value.output, {
        type: "withdraw",
        sharesPaid: expected,
        stEthPaid: (expected * slashed.lido.totalPooledEther) / slashed.lido.totalShares,
        deficit: true,
      });
      assert.strictEqual(after.value.state.positions[BOB], 0n);
      assert.deepStrictEqual(
        after.value.state.entries[BOB],
        [0n, 0n, 0n, 0n],
        "a full withdrawal clears the entry words",
      );
    }
  });
});

// ------------------------------------------------------------------ property: random sequences keep the invariants

const accounts = [ALICE, BOB, addr(0xca201)];
const action = fc.oneof(
  fc
    .record({
      a: fc.constantFrom(...accounts),
      amt: fc.bigInt({ min: 10n ** 9n, max: 200n * E }),
      split: fc.integer({ min: 0, max: 3 }),
    })
    .map(({ a, amt, split }): Action => ({
      type: "deposit",
      account: a,
      amount: amt,
      allocation:
        [
          [{ projectId: 1, bps: 10_000n }],
          [
            { projectId: 1, bps: 3_333n },
            { projectId: 2, bps: 6_667n },
          ],
          [
            { projectId: 1, bps: 5_000n },
            { projectId: 2, bps: 2_500n },
            { projectId: 3, bps: 2_500n },
          ],
          [{ projectId: 3, bps: 10_000n }],
        ][split] ?? [],
    })),
  fc
    .record({ a: fc.constantFrom(...accounts), amt: fc.bigInt({ min: 10n ** 9n, max: 50n * E }) })
    .map(({ a, amt }): Action => ({ type: "topUp", account: a, amount: amt })),
  // Withdraw amounts are per-mille of the position (resolved against the state when applied); 1000 = all.
  fc
    .record({ a: fc.constantFrom(...accounts), permille: fc.constantFrom(1n, 250n, 500n, 999n, 1000n) })
    .map(({ a, permille }): Action => ({ type: "withdraw", account: a, amount: permille, receiver: a })),
  fc
    .record({ a: fc.constantFrom(...accounts), id: fc.integer({ min: 1, max: 3 }) })
    .map(({ a, id }): Action => ({ type: "reallocate", account: a, allocation: [{ projectId: id, bps: 10_000n }] })),
  fc.constantFrom(...accounts).map((a): Action => ({ type: "claim", account: a, projectIds: [1, 2, 3], receiver: a })),
  fc.integer({ min: 1, max: 3 }).map((id): Action => ({ type: "claimContributor", caller: DEV, projectId: id })),
  fc.integer({ min: 1, max: 3 }).map((id): Action => ({ type: "harvest", caller: KEEPER, projectId: id })),
  fc.constant<Action>({ type: "harvestMany", caller: KEEPER, projectIds: [1, 2, 3] }),
  fc.bigInt({ min: -2n * E, max: 30n * E }).map((delta): Action => ({ type: "rebase", delta })),
  fc.bigInt({ min: 30n * E, max: 300n * E }).map((delta): Action => ({ type: "rebase", delta })),
  fc.bigInt({ min: 1n, max: E }).map((amount): Action => ({ type: "donate", from: TRADER, asset: "stETH", amount })),
  fc
    .record({ id: fc.integer({ min: 1, max: 3 }), amt: fc.bigInt({ min: 10n ** 6n, max: E / 50n }), buy: fc.boolean() })
    .map(({ id, amt, buy }): Action => ({
      type: "swap",
      trader: TRADER,
      projectId: id,
      side: buy ? "buyTokens" : "sellTokens",
      amountIn: amt,
    })),
  fc.integer({ min: 1, max: 3 }).map((id): Action => ({ type: "deploy", caller: KEEPER, projectId: id })),
  fc.constant<Action>({ type: "deployMany", caller: KEEPER, projectIds: [1, 2, 3, 99] }),
  fc.bigInt({ min: 1n, max: 2n * DAY }).map((seconds): Action => ({ type: "advanceTime", seconds })),
  fc.bigInt({ min: 60n, max: 3_600n }).map((seconds): Action => ({ type: "advanceTime", seconds })),
);

/** The step laws every DeployReport must satisfy, whatever the path. */
const checkStep = (before: State, id: number, d: DeployReport, pendingIn: bigint): string => {
  const p = before.projects[id];
  if (p === undefined) throw new Error(`no project ${id}`);
  // Every wei of the step's pending wstETH is deployed, paid as bounty or still pending.
  assert.strictEqual(
    d.wstEthSwapped + d.wstEthAdded + d.bounty + d.pendingOut,
    d.pendingIn,
    "deployed + bounty + pendingOut == pendingIn",
  );
  assert.strictEqual(d.pendingIn, pendingIn, "the step starts from the project's pending wstETH");
  if (!p.seeded) return d.tokensSeeded === 0n ? "step:open-deferred" : "step:open";
  assert.strictEqual(d.tokensSeeded, 0n);
  if (d.spotPrice === 0n) {
    // The pool was touched in this block: nothing at all.
    assert.strictEqual(d.pendingOut, d.pendingIn);
    return "step:same-block";
  }
  if (d.ceilingPrice === 0n) {
    // Spot at or past min(spot, reference) · (1 + maxImpactBps): a lift past the band, nothing traded.
    assert.isTrue(d.spotPrice > d.referencePrice, "only a lift past the band stops a step");
    assert.strictEqual(d.wstEthSwapped + d.wstEthAdded + d.bounty, 0n, "spot past the band: nothing traded");
    return "step:spot-past-band";
  }
  // The band is anchored at the lower of spot and the reference (wad figures, rounded down from UQ112).
  assert.isTrue(
    d.ceilingPrice <=
      ((d.spotPrice < d.referencePrice ? d.spotPrice : d.referencePrice) * (10_000n + before.config.maxImpactBps)) /
        10_000n +
        1n,
    "ceiling from min(spot, reference)",
  );
  if (d.wstEthSwapped !== 0n) {
    // The buy never lifts the price above spot · (1 + maxImpactBps): (x + dx) / (y - dy) <= ceiling (exact, in UQ112).
    const pair = before.pairs[p.pair] as PairState;
    const { reserveWst, reserveTokens } = harvestMath.reservesOf(pair, p.tokenIsToken0);
    const spot = uniswap.priceUQ112(reserveWst, reserveTokens);
    const ceiling = (spot * (10_000n + before.config.maxImpactBps)) / 10_000n;
    assert.isTrue(
      (reserveWst + d.wstEthSwapped) << 112n <= ceiling * (reserveTokens - d.tokensBought),
      "price after the buy <= ceiling",
    );
    assert.isTrue(1997n * d.wstEthSwapped <= 1000n * d.pendingIn, "about half is swapped (the zap's share)");
  }
  return d.wstEthSwapped !== 0n ? "step:buy" : "step:add-only";
};

const lpOfMachine = (s: State) => Object.values(s.pairs).reduce((sum, p) => sum + (p.lpBalances[MACHINE] ?? 0n), 0n);

describe("invariants over random action sequences", () => {
  it("shares conserved, principal fully allocated, yield fully accounted, indices and LP monotone", () => {
    // Half of the runs start before any pool is open, half with projects 1 and 3 open (their first harvest done).
    const unopened = run(withProjects(), { type: "submit", account: addr(0xca201), amount: 1_000n * E });
    const openedStart = (() => {
      let s = run(
        unopened,
        {
          type: "deposit",
          account: addr(0xca201),
          amount: 10n * E,
          allocation: [
            { projectId: 1, bps: 5_000n },
            { projectId: 3, bps: 5_000n },
          ],
        },
        { type: "advanceTime", seconds: DAY },
      );
      s = run(
        s,
        { type: "rebase", delta: s.lido.totalPooledEther / 1_000n },
        { type: "harvestMany", caller: KEEPER, projectIds: [1, 3] },
      );
      return run(s, { type: "advanceTime", seconds: 60n });
    })();
    /** Outcome counts by action (`type` on success, `type!Error` on revert), to prove the paths are exercised. */
    const succeeded = new Map<string, number>();
    fc.assert(
      fc.property(fc.boolean(), fc.array(action, { minLength: 20, maxLength: 60 }), (fromOpened, actions) => {
        let s = fromOpened ? openedStart : unopened;
        for (const generated of actions) {
          const a: Action =
            generated.type === "withdraw"
              ? { ...generated, amount: (positionOf(s, generated.account).principal * generated.amount) / 1000n }
              : generated;
          const result = execute(s, a);
          if (!result.ok) {
            const label = `${a.type}!${result.error._tag}`;
            succeeded.set(label, (succeeded.get(label) ?? 0) + 1);
            continue;
          }
          const { state: next, output } = result.value;
          succeeded.set(a.type, (succeeded.get(a.type) ?? 0) + 1);
          // Every deploy step the transaction ran obeys the step's laws; label it by the path it took. (Within
          // harvestMany the steps of different projects are independent, so `s` is the state each started from.)
          const pendingOf = (id: number) => s.projects[id]?.pendingWstEth ?? 0n;
          const steps: Array<readonly [number, DeployReport | undefined, bigint]> =
            output.type === "harvest" && a.type === "harvest"
              ? [[a.projectId, output.deploy, output.report.pendingWstEth]]
              : output.type === "deploy" && a.type === "deploy"
                ? [[a.projectId, output.report, pendingOf(a.projectId)]]
                : output.type === "harvestMany" && a.type === "harvestMany"
                  ? a.projectIds.map(
                      (id, i) => [id, output.deploys[i], output.reports[i]?.pendingWstEth ?? 0n] as const,
                    )
                  : output.type === "deployMany" && a.type === "deployMany"
                    ? a.projectIds.map((id, i) => [id, output.reports[i], pendingOf(id)] as const)
                    : [];
          for (const [id, d, pendingIn] of steps) {
            if (d === undefined) continue;
            const label = checkStep(s, id, d, pendingIn);
            succeeded.set(label, (succeeded.get(label) ?? 0) + 1);
          }
          // The machine holds every project's pending wstETH, exactly (nobody donates wstETH to it here).
          const projectsNow = Object.values(next.projects);
          assert.strictEqual(
            next.wstEth.balances[MACHINE] ?? 0n,
            projectsNow.reduce((sum, p) => sum + p.pendingWstEth, 0n),
          );
          // Lido shares are only ever moved (submit mints, and is not in this sequence).
          assert.strictEqual(sumBalances(next.lido.shares), next.lido.totalShares);
          // Σ allocated principal = total principal.
          const projects = Object.values(next.projects);
          assert.strictEqual(
            projects.reduce((sum, p) => sum + p.allocatedPrincipal, 0n),
            next.totalPrincipal,
          );
          // Σ pending yield (scaled) = assignedScaled: nothing created or lost.
          assert.strictEqual(
            projects.reduce(
              (sum, p) => sum + yieldMath.pendingYieldScaled(p.allocatedPrincipal, p.yieldDebt, next.accYield),
              0n,
            ),
            next.assignedScaled,
          );
          // Indices only grow (no wrap at these sizes); LP held never decreases.
          assert.isTrue(next.accYield >= s.accYield);
          projects.forEach((p, i) => assert.isTrue(p.rewardAcc >= (Object.values(s.projects)[i]?.rewardAcc ?? 0n)));
          assert.isTrue(lpOfMachine(next) >= lpOfMachine(s));
          // wstETH is fully backed by the shares it holds.
          assert.isTrue((next.lido.shares[WSTETH] ?? 0n) >= next.wstEth.totalSupply);
          // Minted tokens never exceed the schedule plus the seed reserve (once open), nor maxSupply.
          for (const p of projects) {
            const token = next.tokens[p.token];
            const seeded = token?.poolOpen === true ? p.seedReserve : 0n;
            assert.strictEqual(p.emissionCap + p.seedReserve, token?.maxSupply);
            assert.isTrue(
              (token?.totalSupply ?? 0n) <=
                emission.cumulative(
                  p.dailyEmission as never,
                  p.decayBps as never,
                  p.emissionCap as never,
                  next.now - p.startTime,
                ) +
                  seeded,
            );
            assert.isTrue((token?.totalSupply ?? 0n) <= (token?.maxSupply ?? 0n));
          }
          // A harvest moves exactly bounty + wrapped shares out of the machine.
          if (a.type === "harvest") {
            const out = execute(s, a);
            if (out.ok && out.value.output.type === "harvest") {
              const r = out.value.output.report;
              assert.strictEqual(
                (s.lido.shares[MACHINE] ?? 0n) - (next.lido.shares[MACHINE] ?? 0n),
                r.bountyShares + r.wstEthWrapped,
              );
            }
          }
          // Parts sum to the principal; the stored entries hold the position's bps, in its order; words past the
          // position are empty.
          for (const acc of accounts) {
            const pos = positionOf(next, acc);
            assert.strictEqual(
              pos.entries.reduce((sum, e) => sum + e.principal, 0n),
              pos.principal,
            );
            const words = next.entries[acc] ?? [0n, 0n, 0n, 0n];
            pos.entries.forEach((e, i) => {
              const half = ((words[i >> 1] ?? 0n) >> (112n * BigInt(i & 1))) & ((1n << 112n) - 1n);
              assert.strictEqual(unpackEntry(half).bps, e.bps);
            });
            for (let k = (pos.entries.length + 1) >> 1; k < 4; k++) assert.strictEqual(words[k] ?? 0n, 0n);
          }
          s = next;
        }
      }),
      { numRuns: 60 },
    );
    // The sequences must actually exercise the interesting paths.
    for (const label of [
      "deposit",
      "withdraw",
      "claim",
      "harvest",
      "deploy",
      "deployMany",
      "step:open",
      "step:buy",
      "step:spot-past-band",
      "swap",
      "rebase",
    ]) {
      assert.isTrue((succeeded.get(label) ?? 0) > 0, `no successful ${label}`);
    }
  });
});
