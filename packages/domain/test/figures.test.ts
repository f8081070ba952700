/**
 * The figures people see (src/figures.ts). Where the contract computes the same thing, the oracle is the model
 * (`execute`), which the differential test (tests/differential) holds to the contract view by view and event by
 * event, and which checks emissionPerDay against the contract's emittedUpTo itself; pure math gets properties.
 */
import { assert, describe, it } from "@effect/vitest";
import fc from "fast-check";
import {
  type DeployReport,
  type State,
  BPS,
  DEFAULT_LAUNCH_BOUNDS,
  allocationError,
  aprOf,
  aprOfLines,
  deficitStatus,
  depositorEmissionPerDay,
  emission,
  emissionPerDay,
  execute,
  launchParamsError,
  lockedLiquidityValueWstEth,
  minOutFromSlippage,
  pendingRewardsOf,
  priceChangeBps,
  projectFigures,
  quotePrice,
  referencePrice,
  rewards,
  spotPrice,
  stepPriceChangeBps,
  tokenValueStEth,
  tokensPerDay,
  twapSince,
  uniswap,
  withdrawableNow,
  withdrawalOf,
} from "../src/index.js";
import {
  ALICE,
  BOB,
  DAY,
  E,
  KEEPER,
  MACHINE,
  TRADER,
  addr,
  exec,
  launchParams,
  run,
  withProjects,
  withYield,
} from "./fixtures.js";

// A failing property reports its first counterexample instead of shrinking bigints for minutes.
fc.configureGlobal({ endOnFailure: true });

const schedules = fc.record({
  dailyEmission: fc.bigInt({ min: 1n, max: 10n ** 27n }),
  decayBps: fc.bigInt({ min: 0n, max: 5_000n }),
  emissionCap: fc.bigInt({ min: 1n, max: (1n << 95n) - 1n }),
  startTime: fc.bigInt({ min: 0n, max: 2n ** 31n }),
  contributorBps: fc.bigInt({ min: 0n, max: 2_000n }),
});

const bookOf = (s: State) => ({
  totalPrincipal: s.totalPrincipal,
  sharesHeld: s.lido.shares[MACHINE] ?? 0n,
  assignedYieldScaled: s.assignedScaled,
  inDeficit: deficitStatus(s).inDeficit,
});
const rateOf = (s: State) => ({ totalShares: s.lido.totalShares, totalPooledEther: s.lido.totalPooledEther });

describe("emission per day", () => {
  it("is emittedUpTo over [now, now + 1 day): consecutive days add up, contributors + depositors = all of it", () => {
    fc.assert(
      fc.property(schedules, fc.bigInt({ min: 0n, max: 400n * DAY }), (schedule, offset) => {
        const now = schedule.startTime + offset;
        const day1 = emissionPerDay(schedule, now);
        const day2 = emissionPerDay(schedule, now + DAY);
        assert.strictEqual(
          day1 + day2,
          emission.emittedUpTo(schedule, now + 2n * DAY) - emission.emittedUpTo(schedule, now),
        );
        const depositors = depositorEmissionPerDay(schedule, now);
        assert.strictEqual(depositors + rewards.contributorShareOf(day1, schedule.contributorBps), day1);
        assert.isTrue(depositors <= day1);
      }),
    );
  });

  it("is 0 once the cap is emitted and the full daily emission on day 0 of a schedule without decay", () => {
    const schedule = {
      dailyEmission: 1_000n * E,
      decayBps: 0n,
      emissionCap: 2_500n * E,
      startTime: 100n,
      contributorBps: 0n,
    };
    assert.strictEqual(emissionPerDay(schedule, 100n), 1_000n * E);
    assert.strictEqual(emissionPerDay(schedule, 100n + 2n * DAY), 500n * E, "capped in the middle of the third day");
    assert.strictEqual(emissionPerDay(schedule, 100n + 3n * DAY), 0n);
  });

  it("a first deposit earns exactly tokensPerDay(depositorEmissionPerDay) over the next day (the contract's accrual)", () => {
    const base = withProjects();
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 3),
        fc.bigInt({ min: 0n, max: 30n * DAY }),
        fc.bigInt({ min: 10n ** 9n, max: 500n * E }),
        (projectId, wait, amount) => {
          const s = run(
            base,
            { type: "advanceTime", seconds: wait },
            { type: "deposit", account: ALICE, amount, allocation: [{ projectId, bps: 10_000n }] },
          );
          const p = s.projects[projectId]!;
          const perDay = tokensPerDay(depositorEmissionPerDay(p, s.now), p.allocatedPrincipal, p.allocatedPrincipal);
          const later = run(s, { type: "advanceTime", seconds: DAY });
          const earned = pendingRewardsOf(later, ALICE, projectId);
          assert.deepStrictEqual(earned, { ok: true, value: perDay });
          // The contributor's part of the day is the rest of emissionPerDay.
          const claimed = exec(later, { type: "claimContributor", caller: KEEPER, projectId }).output;
          assert.deepStrictEqual(claimed, {
            type: "amount",
            amount: emissionPerDay(p, s.now) - depositorEmissionPerDay(p, s.now),
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it("a later depositor's tokensPerDay is what the index pays it, within the 1-wei rounding of its debt", () => {
    const s = run(
      withProjects(),
      { type: "deposit", account: ALICE, amount: 70n * E, allocation: [{ projectId: 1, bps: 10_000n }] },
      { type: "advanceTime", seconds: DAY / 3n },
      { type: "deposit", account: BOB, amount: 30n * E + 12_345n, allocation: [{ projectId: 1, bps: 10_000n }] },
    );
    const p = s.projects[1]!;
    const perDay = tokensPerDay(depositorEmissionPerDay(p, s.now), 30n * E + 12_345n, p.allocatedPrincipal);
    const earned = pendingRewardsOf(run(s, { type: "advanceTime", seconds: DAY }), BOB, 1);
    assert.isTrue(
      earned.ok && (earned.value === perDay || earned.value + 1n === perDay),
      `${JSON.stringify(String(earned.ok && earned.value))} vs ${perDay}`,
    );
  });

  it("tokensPerDay: parts of one project never share out more than the day's depositor emission", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1n << 96n }),
        fc.array(fc.bigInt({ min: 1n, max: 1n << 90n }), { minLength: 1, maxLength: 8 }),
        (perDay, parts) => {
          const total = parts.reduce((a, b) => a + b, 0n);
          const shared = parts.reduce((sum, part) => sum + tokensPerDay(perDay, part, total), 0n);
          assert.isTrue(shared <= perDay);
          // Each part loses less than 1 token to its floor and less than part / 2^64 to the index's floor.
          assert.isTrue(perDay - shared <= BigInt(parts.length) + (total >> 64n) + 1n, `${perDay - shared}`);
        },
      ),
    );
    assert.strictEqual(tokensPerDay(10n ** 21n, 5n, 0n), 0n);
  });
});

describe("prices", () => {
  const opened = () => {
    const s = withYield(withProjects(), 1, 10n);
    const t = exec(s, { type: "harvest", caller: KEEPER, projectId: 1 });
    const out = t.output;
    if (out.type !== "harvest" || out.deploy === undefined) throw new Error("the harvest did not open the pool");
    return { before: s, after: t.state, step: out.deploy };
  };
  const reservesOf = (s: State, id: number) => {
    const p = s.projects[id]!;
    const pair = s.pairs[p.pair]!;
    return p.tokenIsToken0 ? { rw: pair.reserve1, rt: pair.reserve0 } : { rw: pair.reserve0, rt: pair.reserve1 };
  };

  it("spot: null before the pool opens, then the machine's own figure (the opening step's report)", () => {
    const { before, after, step } = opened();
    const r0 = reservesOf(before, 1);
    assert.isNull(spotPrice(r0.rw, r0.rt));
    assert.strictEqual(
      quotePrice(spotPrice(r0.rw, r0.rt), before.projects[1]!.launchPrice),
      before.projects[1]!.launchPrice,
    );
    const r1 = reservesOf(after, 1);
    assert.strictEqual(spotPrice(r1.rw, r1.rt), step.spotPrice);
    assert.strictEqual(quotePrice(step.spotPrice, 1n), step.spotPrice);
    assert.isNull(referencePrice(before.projects[1]!.referencePrice, false));
    assert.strictEqual(referencePrice(after.projects[1]!.referencePrice, true), step.referencePrice);
    assert.isNull(stepPriceChangeBps(step), "the opening has no price before it");
  });

  it("spot before a trading step is the step's report.spotPrice; its price change is the report's reserves against it", () => {
    const { after } = opened();
    // Another day of yield and a trader's sell: the next harvest's step buys back within the band.
    let s = run(after, { type: "swap", trader: TRADER, projectId: 1, side: "buyTokens", amountIn: E / 100n });
    const tokens = s.tokens[s.projects[1]!.token]!.balances[TRADER]!;
    s = run(
      s,
      { type: "advanceTime", seconds: DAY },
      { type: "swap", trader: TRADER, projectId: 1, side: "sellTokens", amountIn: tokens },
      { type: "advanceTime", seconds: 60n },
      { type: "rebase", delta: s.lido.totalPooledEther / 50n },
    );
    const r = reservesOf(s, 1);
    const t = exec(s, { type: "harvest", caller: KEEPER, projectId: 1 });
    const out = t.output;
    if (out.type !== "harvest" || out.deploy === undefined) throw new Error("no step");
    const step: DeployReport = out.deploy;
    assert.isTrue(step.wstEthSwapped > 0n, "the step bought");
    assert.strictEqual(spotPrice(r.rw, r.rt), step.spotPrice);
    const r2 = reservesOf(t.state, 1);
    const change = stepPriceChangeBps(step);
    assert.strictEqual(change, priceChangeBps(step.spotPrice, spotPrice(r2.rw, r2.rt)));
    assert.isTrue(
      change !== null && change > 0 && change <= Number(s.config.maxImpactBps),
      `a buy within the band lifts the price: ${change}`,
    );
  });

  it("TWAP since the observation is spot while the reserves do not move", () => {
    const { after } = opened();
    const p = after.projects[1]!;
    const r = reservesOf(after, 1);
    const later = after.now + 5_000n;
    const cumulative = uniswap.currentCumulative(after.pairs[p.pair]!, p.tokenIsToken0, later);
    assert.strictEqual(twapSince(p, cumulative, later), spotPrice(r.rw, r.rt));
    assert.isNull(twapSince(p, cumulative, p.observationTime));
  });

  it("priceChangeBps: 0 for no move, the sign of the move, 10,000 for a doubling", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 30n }), fc.bigInt({ min: 0n, max: 10n ** 30n }), (before, after) => {
        const change = priceChangeBps(before, after)!;
        const diff = after > before ? after - before : before - after;
        // The sign of the move, or 0 when it is below the 1e-6 bps resolution.
        const visible = diff * BPS * 1_000_000n >= before;
        assert.strictEqual(Math.sign(change), !visible ? 0 : after > before ? 1 : -1);
      }),
    );
    assert.strictEqual(priceChangeBps(E, 2n * E), 10_000);
    assert.isNull(priceChangeBps(null, E));
  });

  it("minOutFromSlippage: at most the quote, short of it by the slippage (rounded down)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 128n }), fc.bigInt({ min: 0n, max: BPS }), (quote, slippage) => {
        const out = minOutFromSlippage(quote, slippage);
        assert.isTrue(out <= quote);
        assert.isTrue(out * BPS <= quote * (BPS - slippage) && (out + 1n) * BPS > quote * (BPS - slippage));
      }),
    );
    assert.strictEqual(minOutFromSlippage(1_000n, 0n), 1_000n);
    assert.strictEqual(minOutFromSlippage(1_000n, 50n), 995n);
    assert.throws(() => minOutFromSlippage(1_000n, 10_001n), /slippageBps/);
  });
});

describe("values and APR", () => {
  it("APR: a day's value annualised over the principal; one line is aprOf of its value", () => {
    // 1 token a day at 0.001 wstETH, 1 stETH per wstETH, on 0.365 stETH: 100 %.
    assert.strictEqual(aprOf(tokenValueStEth(E, 10n ** 15n, E), 365n * 10n ** 15n), 1);
    assert.isNull(aprOf(1n, 0n));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            tokensPerDay: fc.bigInt({ min: 0n, max: 10n ** 27n }),
            price: fc.bigInt({ min: 1n, max: 10n ** 24n }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.bigInt({ min: E / 2n, max: 2n * E }),
        fc.bigInt({ min: 1n, max: 10n ** 27n }),
        (lines, rate, principal) => {
          const sum = lines.reduce((s, l) => s + tokenValueStEth(l.tokensPerDay, l.price, rate), 0n);
          assert.strictEqual(aprOfLines(lines, principal, rate), aprOf(sum, principal));
          const [first] = lines;
          assert.strictEqual(
            aprOfLines([first!], principal, rate),
            aprOf(tokenValueStEth(first!.tokensPerDay, first!.price, rate), principal),
          );
        },
      ),
    );
  });

  it("locked liquidity: twice the wstETH side for the whole supply, pro rata, 0 without liquidity", () => {
    assert.strictEqual(lockedLiquidityValueWstEth(10n, 7n * E, 10n), 14n * E);
    assert.strictEqual(lockedLiquidityValueWstEth(0n, 7n * E, 0n), 0n);
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 1n << 112n }),
        fc.bigInt({ min: 0n, max: 1n << 112n }),
        (supply, reserve) => {
          assert.isTrue(lockedLiquidityValueWstEth(supply, reserve, supply) === 2n * reserve);
          assert.isTrue(lockedLiquidityValueWstEth(supply / 2n, reserve, supply) <= reserve);
        },
      ),
    );
  });

  it("projectFigures: one call gives the definitions above for a project", () => {
    const s = run(withYield(withProjects(), 1, 10n), { type: "harvest", caller: KEEPER, projectId: 1 });
    const p = s.projects[1]!;
    const pair = s.pairs[p.pair]!;
    const [rw, rt] = p.tokenIsToken0 ? [pair.reserve1, pair.reserve0] : [pair.reserve0, pair.reserve1];
    const f = projectFigures({
      project: { ...p, pendingYieldScaled: 0n },
      pair: {
        reserveWstEth: rw,
        reserveTokens: rt,
        totalSupply: pair.totalSupply,
        lpHeldByMachine: pair.lpBalances[MACHINE] ?? 0n,
      },
      rate: rateOf(s),
      genesis: s.config.genesis,
      stepInterval: s.config.stepInterval,
      now: s.now,
    });
    assert.strictEqual(f.spotPrice, spotPrice(rw, rt));
    assert.strictEqual(f.depositorEmissionPerDay, depositorEmissionPerDay(p, s.now));
    assert.strictEqual(
      f.tokensPerDay,
      tokensPerDay(f.depositorEmissionPerDay, p.allocatedPrincipal, p.allocatedPrincipal),
    );
    assert.strictEqual(
      f.apr,
      aprOf(tokenValueStEth(f.tokensPerDay, f.quotePrice, f.stEthPerWstEth), p.allocatedPrincipal),
    );
    assert.isTrue(f.apr !== null && f.apr > 0);
    assert.strictEqual(f.nextDeployTime, p.lastStepTime + s.config.stepInterval);
    // The machine holds every LP token but the MINIMUM_LIQUIDITY locked at address(0) by the first mint.
    assert.strictEqual(f.lockedLiquidityValueWstEth, (2n * rw * (pair.totalSupply - 1_000n)) / pair.totalSupply);
  });
});

describe("withdrawals", () => {
  const funded = () =>
    run(
      withProjects(),
      {
        type: "deposit",
        account: ALICE,
        amount: 100n * E,
        allocation: [
          { projectId: 1, bps: 6_000n },
          { projectId: 2, bps: 4_000n },
        ],
      },
      { type: "deposit", account: BOB, amount: 40n * E + 7n, allocation: [{ projectId: 2, bps: 10_000n }] },
      { type: "advanceTime", seconds: DAY },
    );

  it("normal: withdrawalOf is what withdraw pays, partial or whole, after yield", () => {
    const s0 = funded();
    const s = run(s0, { type: "rebase", delta: s0.lido.totalPooledEther / 97n });
    const principal = 100n * E;
    for (const amount of [principal, 1n, 33n * E + 5n, principal - 10n ** 9n]) {
      const figures = withdrawalOf(bookOf(s), rateOf(s), principal, amount);
      const out = exec(s, { type: "withdraw", account: ALICE, amount, receiver: ALICE }).output;
      assert.deepStrictEqual(out, {
        type: "withdraw",
        sharesPaid: figures.sharesPaid,
        stEthPaid: figures.stEthPaid,
        deficit: false,
      });
      assert.strictEqual(figures.closes, amount === principal);
    }
    assert.strictEqual(
      withdrawableNow(bookOf(s), rateOf(s), principal),
      withdrawalOf(bookOf(s), rateOf(s), principal, principal).stEthPaid,
    );
    assert.strictEqual(withdrawableNow(bookOf(s), rateOf(s), 0n), 0n);
  });

  it("deficit: the whole position for its pro-rata share of what the machine holds beyond the assigned yield", () => {
    const s0 = funded();
    const yielded = run(
      s0,
      { type: "rebase", delta: s0.lido.totalPooledEther / 50n },
      { type: "harvest", caller: KEEPER, projectId: 2 },
    );
    const s = run(
      yielded,
      { type: "advanceTime", seconds: DAY },
      { type: "rebase", delta: -(yielded.lido.totalPooledEther / 3n) },
    );
    assert.isTrue(deficitStatus(s).inDeficit);
    for (const [account, principal] of [
      [ALICE, 100n * E],
      [BOB, 40n * E + 7n],
    ] as const) {
      const figures = withdrawalOf(bookOf(s), rateOf(s), principal, principal);
      const out = exec(s, { type: "withdraw", account, amount: principal, receiver: account }).output;
      assert.deepStrictEqual(out, {
        type: "withdraw",
        sharesPaid: figures.sharesPaid,
        stEthPaid: figures.stEthPaid,
        deficit: true,
      });
      assert.isTrue(figures.closes);
      assert.isTrue(figures.stEthPaid < principal, "a deficit withdrawal is paid less than its principal");
      assert.strictEqual(withdrawableNow(bookOf(s), rateOf(s), principal), figures.stEthPaid);
    }
  });
});

describe("rules", () => {
  it("launchParamsError is the model's launch revert, and undefined for the bounds themselves", () => {
    const b = DEFAULT_LAUNCH_BOUNDS;
    const edge = launchParams({
      launchPrice: b.maxLaunchPrice,
      maxSupply: b.minMaxSupply,
      seedReserve: b.minMaxSupply / 2n,
      dailyEmission: b.minMaxSupply / 2n,
      decayBps: b.maxDecayBps,
      contributorBps: b.maxContributorBps,
    });
    assert.isUndefined(launchParamsError(edge));
    const bad = [
      launchParams({ name: "" }),
      launchParams({ launchPrice: b.minLaunchPrice - 1n }),
      launchParams({ maxSupply: b.maxSupplyLimit + 1n }),
      launchParams({ seedReserve: b.minSeedReserve - 1n }),
      launchParams({ dailyEmission: launchParams().maxSupply - launchParams().seedReserve + 1n }),
      launchParams({ decayBps: b.maxDecayBps + 1n }),
      launchParams({ contributorBps: b.maxContributorBps + 1n }),
      launchParams({ contributorRecipient: addr(0) }),
      // Texts in UTF-8 bytes, as Solidity's bytes(s).length: 33 × "é" is 66 bytes, 11 × "€" 33, 171 × "€" 513.
      launchParams({ name: "é".repeat(33) }),
      launchParams({ symbol: "€".repeat(11) }),
      launchParams({ metadataURI: "€".repeat(171) }),
    ];
    assert.deepStrictEqual(launchParamsError(launchParams({ name: "é".repeat(33) })), {
      _tag: "TCM_NameTooLong",
      length: 66n,
      max: 64n,
    });
    assert.deepStrictEqual(launchParamsError(launchParams({ metadataURI: "€".repeat(171) })), {
      _tag: "TCM_MetadataURITooLong",
      length: 513n,
      max: 512n,
    });
    assert.isUndefined(
      launchParamsError(launchParams({ name: "é".repeat(32), symbol: "S".repeat(32), metadataURI: "u".repeat(512) })),
    );
    const s = withProjects();
    for (const params of bad) {
      const error = launchParamsError(params);
      assert.isDefined(error);
      const result = execute(s, { type: "launch", caller: ALICE, params, token: addr(0x9000), pair: addr(0x9001) });
      assert.deepStrictEqual(result, { ok: false, error: error! });
    }
  });

  it("allocationError is the model's deposit revert (the model's checks run before any stETH moves)", () => {
    const s = withProjects();
    fc.assert(
      fc.property(
        fc.array(fc.record({ projectId: fc.integer({ min: 0, max: 5 }), bps: fc.bigInt({ min: 0n, max: 10_001n }) }), {
          maxLength: 9,
        }),
        (allocation) => {
          const error = allocationError(allocation, s.projectCount);
          const result = execute(s, { type: "deposit", account: ALICE, amount: E, allocation });
          if (error === undefined)
            assert.isTrue(
              result.ok,
              JSON.stringify(result, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)),
            );
          else assert.deepStrictEqual(result, { ok: false, error });
        },
      ),
    );
  });
});
