/**
 * Mechanism benchmark for DESIGN.md §2.4 ("Harvest: collect daily, put the whole yield into the pool, in steps no
 * sandwich can profit from"): `nx run domain:mechanism` (= `tsx bench/mechanism.ts` in packages/domain);
 * `--quick` runs the reference scenario only. Pure @tcm/domain simulation (the contracts to the wei), code in
 * bench/simulate.ts, shared with test/mechanism.test.ts (the targets as assertions) and
 * tests/differential/test/mechanism-anvil.test.ts (the first 30 days replayed on anvil, equal to the wei).
 *
 * Reference scenario (DESIGN §2.4): 10,000 stETH at 3 % APR allocated to one project, pool opened by its first
 * harvest, no outside traders or LPs, 365 days. Choices made here:
 * - Machine parameters: the devnet's (contracts/script/Deploy.s.sol defaults): bountyBps 50, maxBounty 0.05,
 *   maxImpactBps 50, minHarvestValue 1e12, stepInterval 20 min, followWindow 2 days, stepBountyBps 10,
 *   maxStepBounty 0.005.
 * - Project: the devnet demo "Morpheus Compute": launchPrice 0.0001 wstETH, dailyEmission 10,000, decay 10 bps,
 *   maxSupply 100M, seedReserve 1M, contributor 10 %. The grid scales its launch price.
 * - Yield: MockStETH starts at 1:1 with 1 stETH at 0xdead; 9,000,000 stETH are held by others (Lido's pool is far
 *   larger than the deposit), then the depositor submits and deposits its principal, all in epoch 0. Every epoch
 *   starts with an oracle report (rebase) adding totalPooledEther · APR / 365, so every stETH — the principal
 *   included — earns APR/365 that day.
 * - Keeper policy: at each epoch start + 12 s (one block after the report), collect every ready project (`harvest`;
 *   `harvestMany` in one transaction when the position has several projects); the collection's own deploy step,
 *   when due, is part of that transaction. Then a deploy step as soon as one is due (pending ≥ MIN_DEPLOY = 1e9
 *   and stepInterval since the project's last step), due projects batched in one `deployMany`. A step the model's
 *   `previewDeploy` says would deploy nothing (spot above the machine's reference price, or only dust) is skipped
 *   and looked at again one stepInterval later. Transactions are counted per project-day (a batched transaction
 *   counts once, divided by the number of projects); "calls" counts each project's collection and steps.
 * - Trader variant: the depositor claims all its claimable tokens at epoch start + 12 h and sells them all through
 *   the pair (a router-style swap with getAmountOut), every day.
 * - "In the pool" = wstETH the machine put in its pool (opening + buys + adds, i.e. DeployReport wstEthAdded +
 *   wstEthSwapped) ÷ wstETH harvested (HarvestReport wstEthWrapped), at the END of each day (just before the next
 *   epoch's report and collection). The step bounties (stepBountyBps = 0.1 % of what a step deploys) go to the keeper,
 *   so the ratio tops out at ≈ 99.9 %. "pending" = wstETH still waiting for a step at the end of the last day.
 * - Steady state = days 335–365 (the last month of the year); the average over days 15–365 is printed too.
 * - Gas per project-day = collections × `harvest_steady_state` (a collection with its step) + separate steps ×
 *   `deploy_step`, figures from the committed snapshot contracts/snapshots/GasTest.json (unbatched calls; batching
 *   with harvestMany/deployMany costs less per project, see harvest_many_10 / deploy_many_10 there).
 *
 * Physics sets the number of steps: a day's yield W in a pool holding x wstETH must move the price by ≈ W/x (the
 * buy half of it, the add does not move the price), and one step may lift the price at most maxImpactBps (a buy of
 * ≈ 0.25 % of x), so young pools need many steps a day (at most 72 with a 20-minute interval) and the count falls
 * as the pool grows (≈ 200/day-number steps a day in the reference scenario).
 *
 * Output: the reference scenario's days, the grid (principal 100 – 100,000 stETH, APR 2–5 %, launch price ×0.1–×10,
 * 1–8 projects sharing the position; each with and without the selling depositor), and as the last line
 * `MECHANISM {"deployedRatio":{…},"steadyStateTxPerProjectDay":…}` for the reference scenario (ratios 0–1).
 */
import { performance } from "node:perf_hooks";
import {
  type DayRecord,
  type RunResult,
  type Scenario,
  E,
  REFERENCE,
  STEADY_FROM,
  STEADY_TO,
  gasSnapshot,
  ratio,
  simulate,
  summarize,
} from "./simulate.js";

const quick = process.argv.includes("--quick");
const gas = gasSnapshot();

const pct = (x: number | null): string => (x === null ? "—" : `${(x * 100).toFixed(2)}%`);
const eth = (wei: bigint, digits = 4): string => (Number(wei / 10n ** 9n) / 1e9).toFixed(digits);
const pad = (s: string, n: number): string => (s.length >= n ? s : " ".repeat(n - s.length) + s);
const padR = (s: string, n: number): string => (s.length >= n ? s : s + " ".repeat(n - s.length));
const times = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

// ------------------------------------------------------------------ the reference scenario, day by day

const started = performance.now();
const reference = simulate(REFERENCE);
const referenceMs = performance.now() - started;
const ref = summarize(reference, gas);

console.log("TCM mechanism benchmark (DESIGN §2.4) — pure @tcm/domain simulation, devnet parameters");
console.log(
  `gas figures: contracts/snapshots/GasTest.json harvest_steady_state=${gas["harvest_steady_state"]} deploy_step=${gas["deploy_step"]}`,
);
console.log("");
console.log(
  `Reference scenario: 10,000 stETH, 3 % APR, 1 project (Morpheus Compute, launch 0.0001 wstETH), no traders, 365 days (${referenceMs.toFixed(0)} ms)`,
);
const dayRow = (r: DayRecord) =>
  [
    pad(String(r.day), 4),
    pad(pct(ratio(r.inPoolAfterHarvest, r.harvestedAfterHarvest)), 9),
    pad(pct(ratio(r.inPool, r.harvested)), 9),
    pad(eth(r.harvested), 10),
    pad(eth(r.inPool), 10),
    pad(eth(r.pending, 9), 13),
    pad(eth(r.reserveWst), 10),
    pad(
      times(
        Number((r.reserveWst * 10n ** 30n) / (r.reserveTokens === 0n ? 1n : r.reserveTokens) / reference.launchPrice) /
          1e12,
      ),
      7,
    ),
    pad(String(r.txs), 4),
    pad(String(r.stepCalls), 6),
    pad(String(r.skipped), 5),
  ].join(" ");
console.log(
  [
    pad("day", 4),
    pad("afterHv", 9),
    pad("dayEnd", 9),
    pad("harvested", 10),
    pad("inPool", 10),
    pad("pending", 13),
    pad("poolWst", 10),
    pad("price×", 7),
    pad("tx", 4),
    pad("steps", 6),
    pad("skip", 5),
  ].join(" "),
);
const shown = new Set([1, 2, 3, 4, 5, 6, 7, 8, 10, 14, 15, 21, 30, 45, 60, 90, 120, 180, 240, 300, 335, 350, 365]);
for (const r of reference.days) if (shown.has(r.day)) console.log(dayRow(r));
console.log(
  "  (afterHv = in the pool right after the day's collection tx; dayEnd = at the end of the day; tx = keeper transactions; steps = separate deploy steps; skip = steps skipped by the preview)",
);
console.log("");

const targetLine = (name: string, ok: boolean, detail: string) =>
  console.log(`  ${ok ? "MET    " : "NOT MET"} ${name}: ${detail}`);
console.log("Targets (reference scenario):");
targetLine(
  "≥ 99 % of harvested wstETH in the pool by day 14",
  (ref.deployedRatio.day14 ?? 0) >= 0.99,
  `${pct(ref.deployedRatio.day14)} at the end of day 14 (≥ 99 % from the end of day ${ref.daysTo99 ?? "never"} on)`,
);
targetLine(
  "from then on each epoch's yield in the pool before the epoch ends",
  ref.daysWithPendingAfter14 === 0,
  `${ref.daysWithPendingAfter14} of days 15–365 end with ≥ MIN_DEPLOY pending; largest end-of-day pending ${ref.maxEndPendingAfter14} wei`,
);
targetLine(
  "≤ 2 keeper transactions per project-day in steady state",
  ref.steadyMaxTxPerProjectDay <= 2,
  `days ${STEADY_FROM}–${STEADY_TO}: average ${ref.steadyTxPerProjectDay.toFixed(2)}, max ${ref.steadyMaxTxPerProjectDay}; ≤ 2 every day from day ${ref.txAtMost2From ?? "never"} on; days 15–365 average ${ref.avgTxPerProjectDay15.toFixed(2)}`,
);
console.log(
  `  gas per project-day: days ${STEADY_FROM}–${STEADY_TO} ${Math.round(ref.steadyGasPerProjectDay).toLocaleString("en-US")}, days 15–365 ${Math.round(ref.avgGasPerProjectDay15).toLocaleString("en-US")}; pending left at day 365: ${ref.pendingEnd} wei`,
);
console.log("");

// ------------------------------------------------------------------ the grid

const scenario = (label: string, s: Partial<Scenario>): Scenario => ({ ...REFERENCE, ...s, label });
const grid: Scenario[] = [];
const around: Scenario[] = [
  scenario("reference", {}),
  scenario("principal 100", { principal: 100n * E }),
  scenario("principal 1,000", { principal: 1_000n * E }),
  scenario("principal 100,000", { principal: 100_000n * E }),
  scenario("APR 2 %", { aprBps: 200n }),
  scenario("APR 4 %", { aprBps: 400n }),
  scenario("APR 5 %", { aprBps: 500n }),
  scenario("price ×0.1", { priceTimes: { num: 1n, den: 10n } }),
  scenario("price ×0.3", { priceTimes: { num: 3n, den: 10n } }),
  scenario("price ×3", { priceTimes: { num: 3n, den: 1n } }),
  scenario("price ×10", { priceTimes: { num: 10n, den: 1n } }),
  scenario("2 projects", { projects: 2 }),
  scenario("4 projects", { projects: 4 }),
  scenario("8 projects", { projects: 8 }),
  // Corners: the seed reserve caps the opening (1M tokens price only 10 wstETH at ×0.1); tiny yield at a high price;
  // a large position spread over the most projects.
  scenario("100,000 · 5 % · ×0.1", { principal: 100_000n * E, aprBps: 500n, priceTimes: { num: 1n, den: 10n } }),
  scenario("100 · 2 % · ×10", { principal: 100n * E, aprBps: 200n, priceTimes: { num: 10n, den: 1n } }),
  scenario("100,000 · 5 % · 8 proj", { principal: 100_000n * E, aprBps: 500n, projects: 8 }),
];
for (const s of around) {
  grid.push(s);
  grid.push({ ...s, label: `${s.label} + seller`, traderSells: true });
}

const header = [
  padR("case", 33),
  pad("d1", 8),
  pad("d7", 8),
  pad("d14", 8),
  pad("d30", 8),
  pad("d365", 8),
  pad("→99%", 5),
  pad("pending(wst)", 13),
  padR("  price × launch d1/d7/d14/d30/d365", 40),
  pad("tx/pd", 6),
  pad("tx15+", 6),
  pad("≤2tx", 5),
  pad("calls", 6),
  pad("gas/pd", 10),
  pad("gas15+", 10),
  pad("skip", 6),
  pad("ms", 6),
].join(" ");

const gridRow = (run: RunResult, ms: number): string => {
  const s = summarize(run, gas);
  const r = s.deployedRatio;
  return [
    padR(run.scenario.label, 33),
    pad(pct(r.day1), 8),
    pad(pct(r.day7), 8),
    pad(pct(r.day14), 8),
    pad(pct(r.day30), 8),
    pad(pct(r.day365), 8),
    pad(s.daysTo99 === null ? "never" : String(s.daysTo99), 5),
    pad(eth(s.pendingEnd, 9), 13),
    padR(`  ${s.pricePath.map((p) => times(p.times)).join(" / ")}`, 40),
    pad(s.steadyTxPerProjectDay.toFixed(2), 6),
    pad(s.avgTxPerProjectDay15.toFixed(2), 6),
    pad(s.txAtMost2From === null ? "never" : String(s.txAtMost2From), 5),
    pad(s.steadyStepsPerProjectDay.toFixed(2), 6),
    pad(Math.round(s.steadyGasPerProjectDay).toLocaleString("en-US"), 10),
    pad(Math.round(s.avgGasPerProjectDay15).toLocaleString("en-US"), 10),
    pad(String(s.skipped), 6),
    pad(ms.toFixed(0), 6),
  ].join(" ");
};

if (!quick) {
  console.log(
    `Grid (${grid.length} cases, 365 days each; ratios at the end of the day; tx/pd and calls = per project-day, days ${STEADY_FROM}–${STEADY_TO}; tx15+ = days 15–365)`,
  );
  console.log(header);
  for (const s of grid) {
    const t0 = performance.now();
    const run = s.label === "reference" ? reference : simulate(s);
    console.log(gridRow(run, s.label === "reference" ? referenceMs : performance.now() - t0));
  }
  console.log(
    "  (→99% = first day from which ≥ 99 % stays in the pool; ≤2tx = first day from which every day needs ≤ 2 keeper tx per project; calls = collections + steps per project-day and gas/pd their gas, days 335–365; gas15+ = days 15–365; pending = wstETH left pending at the end of day 365, all projects; skip = steps skipped over the year because the preview deployed nothing)",
  );
  console.log("");
}

const round = (x: number | null) => (x === null ? null : Math.round(x * 1e6) / 1e6);
console.log(
  `MECHANISM ${JSON.stringify({
    deployedRatio: {
      day1: round(ref.deployedRatio.day1),
      day7: round(ref.deployedRatio.day7),
      day14: round(ref.deployedRatio.day14),
      day30: round(ref.deployedRatio.day30),
      day365: round(ref.deployedRatio.day365),
    },
    steadyStateTxPerProjectDay: Math.round(ref.steadyTxPerProjectDay * 1e3) / 1e3,
  })}`,
);
