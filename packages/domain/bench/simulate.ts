/**
 * The mechanism simulation behind `bench/mechanism.ts` and `test/mechanism*.test.ts`: a deterministic run of the
 * @tcm/domain model (the contracts to the wei) with a daily Lido rebase, a keeper that collects every epoch and runs
 * deploy steps whenever they are due, and optionally a depositor who claims and sells its rewards every day.
 *
 * Everything is a transaction at an explicit timestamp (`Sim.send`), recorded in `Sim.log`, so the same run can be
 * replayed on a chain (tests/differential/test/mechanism-anvil.test.ts) and compared day by day.
 *
 * Keeper policy (see mechanism.ts's header for the rationale):
 * - at each epoch start + HARVEST_DELAY seconds: collect every ready project (`harvest`, or `harvestMany` for
 *   several); the collection's own deploy step, when one is due, is part of that transaction;
 * - then a deploy step whenever one is due (pending ≥ MIN_DEPLOY and stepInterval elapsed since the project's last
 *   step), at exactly the time it becomes due; due steps of several projects at the same time go in one
 *   `deployMany`. A step the model's preview says would deploy nothing (spot above the reference price, or dust) is
 *   skipped and looked at again one stepInterval later.
 * - the Lido oracle report (rebase) lands at the epoch start itself, before the collection.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Action,
  type ActionOutput,
  type Address,
  type DeployReport,
  type LaunchParams,
  type MachineConfig,
  type State,
  EPOCH_SECONDS,
  MIN_DEPLOY,
  deployedWstEthOf,
  deploymentRatio,
  execute,
  initialState,
  isHarvestReady,
  previewDeploy,
  unwrap,
} from "../src/index.js";

export const E = 10n ** 18n;
export const DAY = EPOCH_SECONDS;
const BPS = 10_000n;

// ------------------------------------------------------------------ parameters

/** The machine's parameters: the model's MachineConfig without the addresses and genesis (set at deployment). */
export type MachineParams = Omit<MachineConfig, "machine" | "stEth" | "wstEth" | "genesis">;

/** contracts/script/Deploy.s.sol's defaults (the devnet's). */

export const DEVNET_CONFIG: MachineParams = {
  bountyBps: 50n,
  maxBounty: E / 20n,
  maxImpactBps: 50n,
  minHarvestValue: 10n ** 12n,
  stepInterval: 1_200n,
  followWindow: 2n * DAY,
  stepBountyBps: 10n,
  maxStepBounty: E / 200n,
};

/** The devnet's demo project "Morpheus Compute" (contracts/script/Deploy.s.sol), the launch price scaled. */
export const morpheus = (
  contributorRecipient: Address,
  priceTimes: { num: bigint; den: bigint } = { num: 1n, den: 1n },
  index = 0,
): LaunchParams => ({
  name: index === 0 ? "Morpheus Compute" : `Morpheus Compute ${index + 1}`,
  symbol: index === 0 ? "MCMP" : `MCMP${index + 1}`,
  metadataURI: "ipfs://demo/morpheus-compute",
  launchPrice: (10n ** 14n * priceTimes.num) / priceTimes.den,
  dailyEmission: 10_000n * E,
  decayBps: 10n,
  maxSupply: 100_000_000n * E,
  seedReserve: 1_000_000n * E,
  contributorBps: 1_000n,
  contributorRecipient,
});

export interface Scenario {
  readonly label: string;
  /** stETH deposited by the one depositor (wei). */
  readonly principal: bigint;
  /** Lido APR in bps: each daily rebase adds totalPooledEther · aprBps / 10,000 / 365. */
  readonly aprBps: bigint;
  /** The launch price as a multiple of the demo project's 0.0001 wstETH. */
  readonly priceTimes: { readonly num: bigint; readonly den: bigint };
  /** Projects sharing the depositor's position, in equal parts. */
  readonly projects: number;
  /** The depositor claims and sells all its claimable tokens once a day. */
  readonly traderSells: boolean;
  readonly days: number;
}

export const REFERENCE: Scenario = {
  label: "reference",
  principal: 10_000n * E,
  aprBps: 300n,
  priceTimes: { num: 1n, den: 1n },
  projects: 1,
  traderSells: false,
  days: 365,
};

/** The rest of Lido: stETH held by others (the machine's deposit is a small part of the pool, as on mainnet). */
export const LIDO_OTHERS = 9_000_000n * E;

/** Seconds after the epoch start at which the keeper collects (one block after the oracle report). */
export const HARVEST_DELAY = 12n;
/** Seconds after the epoch start at which the selling depositor claims (then sells one second later). */
export const SELL_OFFSET = 43_200n;

// ------------------------------------------------------------------ actors

export interface Actors {
  readonly machine: Address;
  readonly stEth: Address;
  readonly wstEth: Address;
  readonly guardian: Address;
  readonly dev: Address;
  readonly depositor: Address;
  readonly keeper: Address;
  /** Holds the rest of Lido; also sends the oracle reports (MockStETH.rebase is open to anyone on the devnet). */
  readonly whale: Address;
}

const addr = (n: number): Address => `0x${n.toString(16).padStart(40, "0")}`;

export const MODEL_ACTORS: Actors = {
  machine: addr(0x7c3),
  stEth: addr(0x5e),
  wstEth: addr(0x3000),
  guardian: addr(0x9),
  dev: addr(0xde7),
  depositor: addr(0xa11ce),
  keeper: addr(0x4ee),
  whale: addr(0x1ead),
};

// ------------------------------------------------------------------ transactions

export type TxKind = "setup" | "rebase" | "harvest" | "deploy" | "claim" | "sell";

export interface Tx {
  readonly at: bigint;
  readonly from: Address;
  readonly kind: TxKind;
  readonly action: Action;
}

const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x));

/** The model plus the log of every transaction sent to it. */
export class Sim {
  state: State;
  readonly log: Tx[] = [];
  private last: bigint;

  constructor(state: State) {
    this.state = state;
    this.last = state.now - 1n;
  }

  /** One transaction at `at` (moved one second after the previous one if needed: one transaction a block). */
  send(at: bigint, from: Address, kind: TxKind, action: Action): ActionOutput {
    const time = at > this.last ? at : this.last + 1n;
    const result = execute({ ...this.state, now: time }, action);
    if (!result.ok) throw new Error(`${kind} ${action.type} at ${time} reverted: ${json(result.error)}`);
    this.state = result.value.state;
    this.last = time;
    this.log.push({ at: time, from, kind, action });
    return result.value.output;
  }

  get lastTime(): bigint {
    return this.last;
  }
}

// ------------------------------------------------------------------ set-up

/** An even split of 10,000 bps over `n` ids (the last one takes the remainder). */
export const evenAllocation = (ids: ReadonlyArray<number>) =>
  ids.map((projectId, i) => ({
    projectId,
    bps: i === ids.length - 1 ? BPS - (BPS / BigInt(ids.length)) * BigInt(ids.length - 1) : BPS / BigInt(ids.length),
  }));

/** The pure-model set-up: a fresh machine (genesis = `genesis`), Lido, the projects, the deposit (all in epoch 0). */
export const setupModel = (
  scenario: Scenario,
  genesis = 1_700_000_000n,
  machine: MachineParams = DEVNET_CONFIG,
): { sim: Sim; ids: number[] } => {
  const a = MODEL_ACTORS;
  const state = unwrap(
    initialState({
      now: genesis,
      machine: a.machine,
      stEth: a.stEth,
      wstEth: a.wstEth,
      guardian: a.guardian,
      ...machine,
      initialPooledEther: E,
    }),
  );
  const sim = new Sim(state);
  let t = genesis + 1n;
  sim.send(t++, a.whale, "setup", { type: "submit", account: a.whale, amount: LIDO_OTHERS });
  sim.send(t++, a.depositor, "setup", { type: "submit", account: a.depositor, amount: scenario.principal });
  const ids: number[] = [];
  for (let i = 0; i < scenario.projects; i++) {
    // Token addresses on both sides of wstETH's, so both pair orientations are exercised.
    const token = addr(i % 2 === 0 ? 0x1000 + 2 * i : 0x5000 + 2 * i);
    const out = sim.send(t++, a.dev, "setup", {
      type: "launch",
      caller: a.dev,
      params: morpheus(a.dev, scenario.priceTimes, i),
      token,
      pair: addr(Number(BigInt(token) + 1n)),
    });
    if (out.type !== "launch") throw new Error("launch output");
    ids.push(out.projectId);
  }
  sim.send(t, a.depositor, "setup", {
    type: "deposit",
    account: a.depositor,
    amount: scenario.principal,
    allocation: evenAllocation(ids),
  });
  return { sim, ids };
};

// ------------------------------------------------------------------ the keeper and the days

/** What the model shows at the end of a day (just before the next epoch's oracle report and collection). */
export interface DayRecord {
  readonly day: number;
  /** Σ wstETH wrapped by collections so far (all projects). */
  readonly harvested: bigint;
  /** Σ wstETH the machine put in the pools so far: opening + buys + adds. */
  readonly inPool: bigint;
  /** The same, right after this day's collection transaction. */
  readonly inPoolAfterHarvest: bigint;
  readonly harvestedAfterHarvest: bigint;
  /** Σ wstETH step bounties paid so far. */
  readonly stepBounties: bigint;
  /** Σ pending wstETH (all projects) at the end of the day. */
  readonly pending: bigint;
  /** The largest pending of one project at the end of the day. */
  readonly maxPending: bigint;
  /** This day's wstETH wrapped. */
  readonly harvestedToday: bigint;
  /** Keeper transactions today (collections + step transactions, batched over projects). */
  readonly txs: number;
  /** Calls per project today: collections and deploy steps (a collection's own step is not counted here). */
  readonly harvestCalls: number;
  readonly stepCalls: number;
  /** Steps the preview said would deploy nothing, skipped. */
  readonly skipped: number;
  /** Project 1's pool at the end of the day. */
  readonly reserveWst: bigint;
  readonly reserveTokens: bigint;
  readonly lpTotalSupply: bigint;
  readonly machineLp: bigint;
  /** Per project at the end of the day (for the chain comparison). */
  readonly projects: ReadonlyArray<{
    readonly id: number;
    readonly pending: bigint;
    readonly carryTokens: bigint;
    readonly reserveWst: bigint;
    readonly reserveTokens: bigint;
    readonly lpTotalSupply: bigint;
    readonly machineLp: bigint;
  }>;
}

export interface Totals {
  harvested: bigint;
  inPool: bigint;
  stepBounties: bigint;
}

const deployedBy = (r: DeployReport | undefined): bigint => (r === undefined ? 0n : deployedWstEthOf(r));

export const poolOf = (state: State, id: number) => {
  const p = state.projects[id];
  if (p === undefined) throw new Error(`no project ${id}`);
  const pair = state.pairs[p.pair];
  if (pair === undefined) throw new Error(`no pair ${p.pair}`);
  const [reserveWst, reserveTokens] = p.tokenIsToken0 ? [pair.reserve1, pair.reserve0] : [pair.reserve0, pair.reserve1];
  return {
    reserveWst,
    reserveTokens,
    lpTotalSupply: pair.totalSupply,
    machineLp: pair.lpBalances[state.config.machine] ?? 0n,
    pending: p.pendingWstEth,
    carryTokens: p.carryTokens,
  };
};

/**
 * The keeper and the market for epoch `day` (≥ 1): the oracle report at the epoch start, the collection
 * HARVEST_DELAY later, the depositor's claim and sale (if the scenario has one) and every due step until the next
 * epoch starts. Updates `totals`; returns the end-of-day record.
 */
export const runDay = (
  sim: Sim,
  scenario: Scenario,
  ids: ReadonlyArray<number>,
  actors: Actors,
  day: number,
  totals: Totals,
): DayRecord => {
  const cfg = sim.state.config;
  const start = cfg.genesis + BigInt(day) * DAY;
  const end = start + DAY;
  const interval = cfg.stepInterval;
  let txs = 0;
  let harvestCalls = 0;
  let stepCalls = 0;
  let skipped = 0;
  let harvestedToday = 0n;

  const landing = (at: bigint): bigint => (at > sim.lastTime ? at : sim.lastTime + 1n);
  const count = (reports: ReadonlyArray<DeployReport | undefined>) => {
    for (const r of reports) {
      totals.inPool += deployedBy(r);
      totals.stepBounties += r?.bounty ?? 0n;
    }
  };

  // The oracle report: every stETH earns aprBps / 365 today.
  const delta = (sim.state.lido.totalPooledEther * scenario.aprBps) / (BPS * 365n);
  sim.send(start, actors.whale, "rebase", { type: "rebase", delta });

  // The collection.
  const harvestAt = start + HARVEST_DELAY;
  const ready = ids.filter((id) => unwrap(isHarvestReady(sim.state, id, harvestAt)));
  if (ready.length === 1 && ids.length === 1) {
    const out = sim.send(harvestAt, actors.keeper, "harvest", {
      type: "harvest",
      caller: actors.keeper,
      projectId: ready[0] as number,
    });
    if (out.type !== "harvest") throw new Error("harvest output");
    harvestedToday += out.report.wstEthWrapped;
    count([out.deploy]);
    txs++;
    harvestCalls++;
  } else if (ready.length !== 0) {
    const out = sim.send(harvestAt, actors.keeper, "harvest", {
      type: "harvestMany",
      caller: actors.keeper,
      projectIds: ready,
    });
    if (out.type !== "harvestMany") throw new Error("harvestMany output");
    for (const r of out.reports) harvestedToday += r?.wstEthWrapped ?? 0n;
    count(out.deploys);
    txs++;
    harvestCalls += out.harvested;
  }
  totals.harvested += harvestedToday;
  const inPoolAfterHarvest = totals.inPool;
  const harvestedAfterHarvest = totals.harvested;

  // Steps (and the depositor's sale) until the epoch ends.
  const nextCheck = new Map<number, bigint>(ids.map((id) => [id, 0n]));
  let sold = !scenario.traderSells;
  for (;;) {
    let next = end;
    for (const id of ids) {
      const p = sim.state.projects[id];
      if (p === undefined || p.pendingWstEth < MIN_DEPLOY) continue;
      const due = p.lastStepTime + interval;
      const at = due > (nextCheck.get(id) ?? 0n) ? due : (nextCheck.get(id) as bigint);
      if (at < next) next = at;
    }
    const sellAt = start + SELL_OFFSET;
    if (!sold && sellAt <= next) {
      sellRewards(sim, ids, actors, sellAt);
      sold = true;
      continue;
    }
    if (next >= end) break;
    // The ids due at `next` whose step would deploy something.
    const stepIds: number[] = [];
    for (const id of ids) {
      const p = sim.state.projects[id];
      if (p === undefined || p.pendingWstEth < MIN_DEPLOY) continue;
      const due = p.lastStepTime + interval;
      const at = due > (nextCheck.get(id) ?? 0n) ? due : (nextCheck.get(id) as bigint);
      if (at > next) continue;
      // The step lands in the next block (one transaction a block: a second later if `next` is taken).
      const preview = previewDeploy(sim.state, id, landing(next));
      if (preview.ok && deployedBy(preview.value) !== 0n) {
        stepIds.push(id);
      } else {
        skipped++;
        nextCheck.set(id, next + interval);
      }
    }
    if (stepIds.length === 0) continue;
    if (stepIds.length === 1 && ids.length === 1) {
      const out = sim.send(landing(next), actors.keeper, "deploy", {
        type: "deploy",
        caller: actors.keeper,
        projectId: stepIds[0] as number,
      });
      if (out.type !== "deploy") throw new Error("deploy output");
      count([out.report]);
    } else {
      const out = sim.send(landing(next), actors.keeper, "deploy", {
        type: "deployMany",
        caller: actors.keeper,
        projectIds: stepIds,
      });
      if (out.type !== "deployMany") throw new Error("deployMany output");
      count(out.reports);
    }
    txs++;
    stepCalls += stepIds.length;
  }

  const pools = ids.map((id) => ({ id, ...poolOf(sim.state, id) }));
  const first = pools[0] as (typeof pools)[number];
  return {
    day,
    harvested: totals.harvested,
    inPool: totals.inPool,
    inPoolAfterHarvest,
    harvestedAfterHarvest,
    stepBounties: totals.stepBounties,
    pending: pools.reduce((a, p) => a + p.pending, 0n),
    maxPending: pools.reduce((a, p) => (p.pending > a ? p.pending : a), 0n),
    harvestedToday,
    txs,
    harvestCalls,
    stepCalls,
    skipped,
    reserveWst: first.reserveWst,
    reserveTokens: first.reserveTokens,
    lpTotalSupply: first.lpTotalSupply,
    machineLp: first.machineLp,
    projects: pools.map(({ id, pending, carryTokens, reserveWst, reserveTokens, lpTotalSupply, machineLp }) => ({
      id,
      pending,
      carryTokens,
      reserveWst,
      reserveTokens,
      lpTotalSupply,
      machineLp,
    })),
  };
};

/** The depositor claims every project's rewards and sells them all through the pairs. */
const sellRewards = (sim: Sim, ids: ReadonlyArray<number>, actors: Actors, at: bigint): void => {
  const seeded = ids.filter((id) => sim.state.projects[id]?.seeded === true);
  if (seeded.length === 0) return;
  const who = actors.depositor;
  sim.send(at, who, "claim", { type: "claim", account: who, projectIds: seeded, receiver: who });
  for (const id of seeded) {
    const p = sim.state.projects[id];
    const held = p === undefined ? 0n : (sim.state.tokens[p.token]?.balances[who] ?? 0n);
    if (held === 0n) continue;
    sim.send(at + 1n, who, "sell", { type: "swap", trader: who, projectId: id, side: "sellTokens", amountIn: held });
  }
};

// ------------------------------------------------------------------ a whole run and its figures

export interface RunResult {
  readonly scenario: Scenario;
  readonly days: ReadonlyArray<DayRecord>;
  readonly launchPrice: bigint;
  readonly ids: ReadonlyArray<number>;
  readonly sim: Sim;
}

export const simulate = (scenario: Scenario, onDay?: (record: DayRecord) => void): RunResult => {
  const { sim, ids } = setupModel(scenario);
  const totals: Totals = { harvested: 0n, inPool: 0n, stepBounties: 0n };
  const days: DayRecord[] = [];
  for (let day = 1; day <= scenario.days; day++) {
    const record = runDay(sim, scenario, ids, MODEL_ACTORS, day, totals);
    days.push(record);
    onDay?.(record);
  }
  const launchPrice = sim.state.projects[ids[0] as number]?.launchPrice ?? 0n;
  return { scenario, days, launchPrice, ids, sim };
};

/** inPool / harvested as a fraction (0 when nothing was harvested). */
export const ratio = (inPool: bigint, harvested: bigint): number =>
  Number(deploymentRatio(inPool, harvested) ?? 0n) / 1e18;

export const dayAt = (run: RunResult, day: number): DayRecord | undefined => run.days[day - 1];

/** The committed gas snapshot (contracts/snapshots/GasTest.json). */
export const gasSnapshot = (): Record<string, number> => {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = join(here, "..", "..", "..", "contracts", "snapshots", "GasTest.json");
  const raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
};

export interface Summary {
  readonly deployedRatio: Readonly<Record<"day1" | "day7" | "day14" | "day30" | "day365", number | null>>;
  /** The first day from which at least 99 % of the harvested wstETH stays in the pool (end of day) to the end. */
  readonly daysTo99: number | null;
  /** Largest end-of-epoch pending of any project over days 15..end, and as a share of that day's yield. */
  readonly maxEndPendingAfter14: bigint;
  readonly maxEndPendingShareAfter14: number;
  /** Days ≥ 15 whose end-of-epoch pending (some project) is ≥ MIN_DEPLOY: yield left for the next epoch. */
  readonly daysWithPendingAfter14: number;
  /** Keeper transactions per project-day: days 335..365 (steady state) average and maximum; days 15..365 average. */
  readonly steadyTxPerProjectDay: number;
  readonly steadyMaxTxPerProjectDay: number;
  readonly avgTxPerProjectDay15: number;
  /** Calls per project-day (collections + steps), days 335..365 and 15..365. */
  /** The first day from which every day needs ≤ 2 keeper transactions per project (null: never). */
  readonly txAtMost2From: number | null;
  readonly steadyStepsPerProjectDay: number;
  readonly avgStepsPerProjectDay15: number;
  readonly steadyGasPerProjectDay: number;
  readonly avgGasPerProjectDay15: number;
  readonly pendingEnd: bigint;
  readonly skipped: number;
  /** Spot price of project 1 at the end of days 1, 7, 14, 30, 365, as a multiple of the launch price. */
  readonly pricePath: ReadonlyArray<{ readonly day: number; readonly times: number }>;
}

export const STEADY_FROM = 335;
export const STEADY_TO = 365;

export const summarize = (run: RunResult, gas = gasSnapshot()): Summary => {
  const n = run.scenario.projects;
  const at = (d: number) => {
    const r = dayAt(run, d);
    return r === undefined ? null : ratio(r.inPool, r.harvested);
  };
  // The first day from which the ratio stays at or above 99 % until the end of the run.
  let first99: DayRecord | undefined;
  for (let i = run.days.length - 1; i >= 0; i--) {
    const r = run.days[i] as DayRecord;
    if (ratio(r.inPool, r.harvested) < 0.99) break;
    first99 = r;
  }
  const window = (from: number, to: number) => run.days.filter((r) => r.day >= from && r.day <= to);
  const avg = (rs: ReadonlyArray<DayRecord>, f: (r: DayRecord) => number) =>
    rs.length === 0 ? 0 : rs.reduce((a, r) => a + f(r), 0) / rs.length;
  const steady = window(STEADY_FROM, STEADY_TO);
  const after14 = window(15, run.scenario.days);
  const harvestGas = gas["harvest_steady_state"] ?? 0;
  const stepGas = gas["deploy_step"] ?? 0;
  const gasOf = (r: DayRecord) => (r.harvestCalls * harvestGas + r.stepCalls * stepGas) / n;
  let maxEnd = 0n;
  let maxShare = 0;
  let daysWithPending = 0;
  for (const r of after14) {
    if (r.maxPending > maxEnd) maxEnd = r.maxPending;
    const share = r.harvestedToday === 0n ? 0 : Number((r.pending * 1_000_000n) / r.harvestedToday) / 1e6;
    if (share > maxShare) maxShare = share;
    if (r.maxPending >= MIN_DEPLOY) daysWithPending++;
  }
  let txAtMost2From: number | null = null;
  for (let i = run.days.length - 1; i >= 0; i--) {
    const r = run.days[i] as DayRecord;
    if (r.txs / n > 2) break;
    txAtMost2From = r.day;
  }
  const price = (d: number) => {
    const r = dayAt(run, d);
    if (r === undefined || r.reserveTokens === 0n) return null;
    return { day: d, times: Number((r.reserveWst * 10n ** 30n) / r.reserveTokens / run.launchPrice) / 1e12 };
  };
  return {
    deployedRatio: { day1: at(1), day7: at(7), day14: at(14), day30: at(30), day365: at(365) },
    daysTo99: first99?.day ?? null,
    maxEndPendingAfter14: maxEnd,
    maxEndPendingShareAfter14: maxShare,
    daysWithPendingAfter14: daysWithPending,
    steadyTxPerProjectDay: avg(steady, (r) => r.txs / n),
    steadyMaxTxPerProjectDay: steady.reduce((a, r) => Math.max(a, r.txs / n), 0),
    avgTxPerProjectDay15: avg(after14, (r) => r.txs / n),
    txAtMost2From,
    steadyStepsPerProjectDay: avg(steady, (r) => (r.harvestCalls + r.stepCalls) / n),
    avgStepsPerProjectDay15: avg(after14, (r) => (r.harvestCalls + r.stepCalls) / n),
    steadyGasPerProjectDay: avg(steady, gasOf),
    avgGasPerProjectDay15: avg(after14, gasOf),
    pendingEnd: run.days[run.days.length - 1]?.pending ?? 0n,
    skipped: run.days.reduce((a, r) => a + r.skipped, 0),
    pricePath: [1, 7, 14, 30, 365].map(price).filter((x): x is { day: number; times: number } => x !== null),
  };
};
