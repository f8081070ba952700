/** Executable evidence for FINDINGS.md: these pin the contract's current behaviour (mirrored exactly). */
import { assert, describe, it } from "@effect/vitest";
import { UINT96_MAX, execute, initialState, pendingRewardsOf, rewards, uniswap } from "../src/index.js";
import { ALICE, DAY, DEV, E, GUARDIAN, KEEPER, MACHINE, STETH, TRADER, WSTETH, addr, launchParams, run, withProjects } from "./fixtures.js";

describe("FINDINGS", () => {
  it("F1 (resolved): under the supply cap, seeding takes what the cap allows, carries the rest, and never reverts", () => {
    // launch price 1e12 (1e-6 wstETH per token) and 1M max supply: the pool can never hold more than 1 wstETH.
    let s = run(
      withProjects(),
      { type: "launch", caller: DEV, params: launchParams({ launchPrice: 10n ** 12n }), token: addr(0x6000), pair: addr(0x6001) },
      { type: "deposit", account: ALICE, amount: 100n * E, allocation: [{ projectId: 1, bps: 5_000n }, { projectId: 4, bps: 5_000n }] },
      { type: "donate", from: TRADER, asset: "wstETH", amount: (99n * E) / 100n, projectId: 4 },
      { type: "sync", projectId: 4 },
      { type: "advanceTime", seconds: DAY },
    );
    s = run(s, { type: "rebase", delta: s.lido.totalPooledEther / 100n });
    const single = execute(s, { type: "harvest", caller: KEEPER, projectId: 4 });
    assert.isTrue(single.ok);
    if (single.ok && single.value.output.type === "harvest") {
      const r = single.value.output.report;
      const p = single.value.state.projects[4];
      // Every token the schedule still allows went into the pool, at exactly the launch price.
      assert.strictEqual(r.tokensSeeded, 1_000_000n * E - 1_000n * E);
      assert.strictEqual(r.wstEthAdded, (r.tokensSeeded * 10n ** 12n) / E - (99n * E) / 100n);
      assert.strictEqual(r.carryWstEthOut, r.wstEthWrapped - r.wstEthAdded);
      assert.strictEqual(p?.carryWstEth, r.carryWstEthOut);
      assert.isTrue(p?.seeded);
      // The donation was already in the reserves: the first mint counts only what the machine added.
      assert.strictEqual(r.liquidityMinted, uniswap.sqrt(r.tokensSeeded * r.wstEthAdded) - 1_000n);
    }
    const many = execute(s, { type: "harvestMany", caller: KEEPER, projectIds: [1, 4] });
    assert.isTrue(many.ok);
    if (many.ok) assert.deepStrictEqual(many.value.output, { type: "harvestMany", harvested: 2, statuses: ["Done", "Done"] });
  });

  it("F1 (resolved): a first mint too small to open the pool carries everything and leaves the project unseeded", () => {
    // A launch price so high that the small first harvest prices almost no tokens: sqrt(tokens * wst) <= 1000.
    let s = run(
      withProjects(),
      { type: "launch", caller: DEV, params: launchParams({ launchPrice: 10n ** 36n }), token: addr(0x6000), pair: addr(0x6001) },
      { type: "deposit", account: ALICE, amount: 100n * E, allocation: [{ projectId: 4, bps: 10_000n }] },
      { type: "advanceTime", seconds: DAY },
    );
    s = run(s, { type: "rebase", delta: s.lido.totalPooledEther / 1_000n });
    const result = execute(s, { type: "harvest", caller: KEEPER, projectId: 4 });
    assert.isTrue(result.ok);
    if (result.ok && result.value.output.type === "harvest") {
      const r = result.value.output.report;
      assert.strictEqual(r.tokensSeeded, 0n);
      assert.strictEqual(r.liquidityMinted, 0n);
      assert.strictEqual(r.carryWstEthOut, r.wstEthWrapped);
      assert.isFalse(result.value.state.projects[4]?.seeded);
      assert.strictEqual(result.value.state.projects[4]?.carryWstEth, r.wstEthWrapped);
    }
  });

  it("F2 (resolved): the constructor refuses maxBounty above 1000 ether", () => {
    const config = {
      now: 1n, machine: MACHINE, stEth: STETH, wstEth: WSTETH, guardian: GUARDIAN, bountyBps: 10n,
      maxDeviationBps: 500n, maxImpactBps: 50n, minHarvestValue: 10n ** 9n,
    };
    assert.deepStrictEqual(initialState({ ...config, maxBounty: 1_000n * E + 1n }), { ok: false, error: { _tag: "TCM_InvalidConfig", parameter: 6n } });
    assert.isTrue(initialState({ ...config, maxBounty: 1_000n * E }).ok);
    assert.deepStrictEqual(initialState({ ...config, maxBounty: E, maxImpactBps: 0n }), { ok: false, error: { _tag: "TCM_InvalidConfig", parameter: 9n } });
  });

  it("rewards: owed is a signed 96-bit difference, debts round up, so an entry can sit at -1 and is owed nothing", () => {
    const acc = (3n << 64n) + 1n; // not a whole multiple: part * acc / 2^64 has a fraction
    const part = 7n;
    const debt = rewards.rewardDebtFor(part, acc, 0n);
    assert.strictEqual(debt, ((part * acc) >> 64n) + 1n);
    assert.strictEqual(rewards.owedOf(part, debt, acc), 0n); // floor - ceil = -1 → nothing
    assert.strictEqual(rewards.owedOf(part, debt, acc + (1n << 64n)), part - 1n);
    // owed preserved when the part changes; the debt wraps mod 2^96.
    assert.strictEqual(rewards.rewardDebtFor(0n, acc, 5n), UINT96_MAX + 1n - 5n);
    assert.strictEqual(rewards.owedOf(0n, UINT96_MAX + 1n - 5n, acc), 5n);
  });

  it("F1 (resolved): wstETH donated and synced above the remaining FDV opens the pool above the launch price", () => {
    // FDV at the launch price: 1e24 tokens * 1e12 / 1e18 = 1 wstETH. The pair is given 1.5 wstETH and synced.
    let s = run(
      withProjects(),
      { type: "launch", caller: DEV, params: launchParams({ launchPrice: 10n ** 12n }), token: addr(0x6000), pair: addr(0x6001) },
      { type: "deposit", account: ALICE, amount: 100n * E, allocation: [{ projectId: 4, bps: 10_000n }] },
      { type: "donate", from: TRADER, asset: "wstETH", amount: (3n * E) / 2n, projectId: 4 },
      { type: "sync", projectId: 4 },
    );
    s = run(s, { type: "advanceTime", seconds: DAY });
    s = run(s, { type: "rebase", delta: s.lido.totalPooledEther / 200n });
    const result = execute(s, { type: "harvest", caller: KEEPER, projectId: 4 });
    assert.isTrue(result.ok, "the harvest succeeds");
    if (!result.ok || result.value.output.type !== "harvest") return;
    const r = result.value.output.report;
    s = result.value.state;
    // The cap's tokens go in with all the yield's wstETH: the pool opens (above the launch price, paid by the donor).
    assert.isTrue(s.projects[4]?.seeded);
    assert.isTrue(r.tokensSeeded > 0n);
    assert.strictEqual(r.wstEthAdded, r.wstEthWrapped + r.carryWstEthIn);
    assert.strictEqual(r.carryWstEthOut, 0n);
    assert.isTrue((r.reserveWstEth * 10n ** 18n) / r.reserveTokens > 10n ** 12n);
  });

  it("F7: a schedule exhausted before the first seeding can never seed; every later harvest only grows the carry", () => {
    // decayBps 0, 1000 tokens a day, maxSupply 10,000: the whole supply is scheduled after 10 days, whether or not
    // anyone was allocated (emission counts toward the cap even when it is not minted).
    let s = run(
      withProjects(),
      { type: "launch", caller: DEV, params: launchParams({ decayBps: 0n, maxSupply: 10_000n * E }), token: addr(0x6000), pair: addr(0x6001) },
      { type: "advanceTime", seconds: 10n * DAY },
      { type: "deposit", account: ALICE, amount: 100n * E, allocation: [{ projectId: 4, bps: 10_000n }] },
      { type: "advanceTime", seconds: DAY },
    );
    s = run(s, { type: "rebase", delta: s.lido.totalPooledEther / 100n });
    const result = execute(s, { type: "harvest", caller: KEEPER, projectId: 4 });
    assert.isTrue(result.ok);
    if (result.ok && result.value.output.type === "harvest") {
      const r = result.value.output.report;
      assert.strictEqual(r.tokensSeeded, 0n);
      assert.strictEqual(r.carryWstEthOut, r.wstEthWrapped);
      assert.isTrue(r.wstEthWrapped > 0n);
      assert.isFalse(result.value.state.projects[4]?.seeded);
      // No depositor reward either: nothing was emitted while allocated.
      assert.deepStrictEqual(pendingRewardsOf(result.value.state, ALICE, 4), { ok: true, value: 0n });
    }
  });
});

