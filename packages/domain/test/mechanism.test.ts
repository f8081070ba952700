/**
 * DESIGN.md §2.4's targets on its reference scenario (10,000 stETH at 3 % APR, one project, pool opened by its first
 * harvest, no outside traders or LPs, 365 days), with the simulation of bench/mechanism.ts (bench/simulate.ts):
 * ≥ 99 % of the harvested wstETH in the pool by day 14; from then on each epoch's yield in the pool before the epoch
 * ends; ≤ 2 keeper transactions per project-day in steady state (days 335–365).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MIN_DEPLOY } from "../src/index.js";
import { type RunResult, REFERENCE, STEADY_FROM, STEADY_TO, ratio, simulate, summarize } from "../bench/simulate.js";

let run: RunResult;

beforeAll(() => {
  run = simulate(REFERENCE);
}, 120_000);

describe("mechanism: the reference scenario of DESIGN §2.4", () => {
  it("runs 365 days, and every harvested wei is accounted for (in the pool, paid as step bounty, or pending)", () => {
    expect(run.days).toHaveLength(365);
    for (const r of run.days) {
      expect(r.inPool + r.stepBounties + r.pending, `day ${r.day}`).toBe(r.harvested);
      expect(r.harvestCalls, `day ${r.day}: one collection a day`).toBe(1);
    }
  });

  it("≥ 99 % of the harvested wstETH is in the pool by day 14 (and stays there)", () => {
    const s = summarize(run);
    expect(s.deployedRatio.day14 ?? 0).toBeGreaterThanOrEqual(0.99);
    expect(s.daysTo99).not.toBeNull();
    expect(s.daysTo99 as number).toBeLessThanOrEqual(14);
  });

  it("from day 15 on, each epoch's yield is in the pool before the epoch ends", () => {
    for (const r of run.days.filter((d) => d.day >= 15)) {
      // Nothing a step could still deploy is left at the epoch's end (pending below MIN_DEPLOY is dust no step takes).
      expect(r.maxPending < MIN_DEPLOY, `day ${r.day}: ${r.pending} wei pending at the epoch's end`).toBe(true);
      // So everything harvested up to this epoch, but the step bounties and that dust, is in the pool.
      expect(ratio(r.inPool, r.harvested), `day ${r.day}`).toBeGreaterThanOrEqual(0.99);
    }
  });

  it(`≤ 2 keeper transactions per project-day in steady state (days ${STEADY_FROM}–${STEADY_TO})`, () => {
    const steady = run.days.filter((d) => d.day >= STEADY_FROM && d.day <= STEADY_TO);
    expect(steady).toHaveLength(STEADY_TO - STEADY_FROM + 1);
    const worst = Math.max(...steady.map((d) => d.txs / run.scenario.projects));
    expect(worst, `transactions per day: ${steady.map((d) => d.txs).join(",")}`).toBeLessThanOrEqual(2);
  });
});
