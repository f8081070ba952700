/**
 * Deterministic differential vectors: inputs drawn from a fixed-seed generator, outputs computed by @tcm/domain.
 * contracts/test/differential/DomainVectors.t.sol asserts the Solidity libraries give the same outputs, replays the
 * `deploySteps` scenario (harvests and deploy steps with trades, donations and time jumps between them) on a devnet
 * deployment and asserts every Harvested / Deployed report and the projects' books after every step, and
 * test/vectors.test.ts asserts the committed JSON is what this module produces (so drift fails CI).
 */
import {
  type Action,
  type ActionOutput,
  type Address,
  type DeployReport,
  type HarvestReport,
  type LaunchParams,
  type State,
  DEPLOY_REPORT_FIELDS,
  HARVEST_REPORT_FIELDS,
  allocation,
  emission,
  execute,
  harvest,
  initialState,
  lido,
  mulDivDown,
  mulDivUp,
  rewards,
  rpowDown,
  RAY,
  uniswap,
  unwrap,
} from "../src/index.js";
import type { Bps, ShareRate, TokenAmount, Wei, Shares } from "../src/index.js";

export const VECTOR_SEED = 0x7c3_7c3_7c3n;
export const CASES = 64;

/** splitmix64: small, fast, and identical everywhere (bigint only). */
const generator = (seed: bigint) => {
  let state = seed;
  const next64 = (): bigint => {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
  const bits = (n: number): bigint => {
    let v = 0n;
    for (let got = 0; got < n; got += 64) v = (v << 64n) | next64();
    return BigInt.asUintN(n, v);
  };
  /** Uniform in [lo, hi]. */
  const range = (lo: bigint, hi: bigint): bigint =>
    lo + (bits(Number(hi - lo).toString(2).length + 64) % (hi - lo + 1n));
  /** A value of a random magnitude: 1..maxBits bits (so small and large values both appear). */
  const magnitude = (maxBits: number, minValue = 0n): bigint => {
    const width = Number(range(1n, BigInt(maxBits)));
    const v = bits(width);
    return v < minValue ? minValue : v;
  };
  return { next64, bits, range, magnitude };
};

const str = (values: ReadonlyArray<bigint>): string[] => values.map((v) => v.toString());

export interface Vectors {
  readonly version: 2;
  readonly seed: string;
  readonly mulDiv: Record<"x" | "y" | "d" | "down" | "up", string[]>;
  readonly rpow: Record<"x" | "n" | "z", string[]>;
  readonly allocation: Record<"principal" | "count" | "bps" | "parts", string[]>;
  readonly emission: Record<
    "daily" | "decay" | "cap" | "elapsed" | "epoch" | "factor" | "atEpoch" | "cumulative",
    string[]
  >;
  readonly amountOut: Record<"amountIn" | "reserveIn" | "reserveOut" | "amountOut", string[]>;
  readonly sqrt: Record<"y" | "root", string[]>;
  readonly price: Record<"reserveQuote" | "reserveBase" | "priceUQ", string[]>;
  readonly lido: Record<"totalShares" | "pooled" | "amount" | "sharesByPooledEth" | "pooledEthByShares", string[]>;
  /** TechnoCapitalMachine._owed (signed 96-bit, clamped at 0) and _debtFor (rounded up, mod 2^96). */
  readonly rewards: Record<"part" | "rewardAcc" | "debt" | "owed" | "owedIn" | "debtFor", string[]>;
  /** A harvest / deploy-step scenario for the machine itself (see `buildDeploySteps`). */
  readonly deploySteps: DeployStepVectors;
}

export const buildVectors = (): Vectors => {
  const g = generator(VECTOR_SEED);

  const mul = { x: [] as bigint[], y: [] as bigint[], d: [] as bigint[], down: [] as bigint[], up: [] as bigint[] };
  for (let i = 0; i < CASES; i++) {
    const x = g.magnitude(128);
    const y = g.magnitude(127);
    const d = g.magnitude(128, 1n);
    mul.x.push(x);
    mul.y.push(y);
    mul.d.push(d);
    mul.down.push(mulDivDown(x, y, d));
    mul.up.push(mulDivUp(x, y, d));
  }

  const rp = { x: [] as bigint[], n: [] as bigint[], z: [] as bigint[] };
  for (let i = 0; i < CASES; i++) {
    const x = i % 4 === 0 ? RAY : RAY - g.magnitude(i % 2 === 0 ? 80 : 30);
    const n = g.range(0n, 3_000n);
    rp.x.push(x);
    rp.n.push(n);
    rp.z.push(rpowDown(x, n));
  }

  const al = { principal: [] as bigint[], count: [] as bigint[], bps: [] as bigint[], parts: [] as bigint[] };
  for (let i = 0; i < CASES; i++) {
    const principal = g.magnitude(96);
    const count = Number(g.range(1n, 8n));
    const weights: bigint[] = [];
    let left = 10_000n;
    for (let j = 0; j < count; j++) {
      const isLast = j === count - 1;
      const w = isLast ? left : i % 5 === 0 ? 10_000n / BigInt(count) : g.range(1n, left - BigInt(count - 1 - j));
      weights.push(w);
      left -= w;
    }
    const parts = allocation.split(principal as Wei, weights as Bps[]);
    al.principal.push(principal);
    al.count.push(BigInt(count));
    for (let j = 0; j < 8; j++) {
      al.bps.push(weights[j] ?? 0n);
      al.parts.push(parts[j] ?? 0n);
    }
  }

  const em = {
    daily: [] as bigint[],
    decay: [] as bigint[],
    cap: [] as bigint[],
    elapsed: [] as bigint[],
    epoch: [] as bigint[],
    factor: [] as bigint[],
    atEpoch: [] as bigint[],
    cumulative: [] as bigint[],
  };
  for (let i = 0; i < CASES; i++) {
    const maxSupply = g.range(10n ** 18n, (1n << 96n) - 1n);
    const daily = g.range(1n, maxSupply);
    const decay = i % 7 === 0 ? 0n : i % 7 === 1 ? 5_000n : g.range(1n, 5_000n);
    const elapsed = i % 3 === 0 ? g.range(0n, 86_400n * 3n) : g.range(0n, 86_400n * 4_000n);
    const epoch = elapsed / 86_400n;
    em.daily.push(daily);
    em.decay.push(decay);
    em.cap.push(maxSupply);
    em.elapsed.push(elapsed);
    em.epoch.push(epoch);
    em.factor.push(emission.decayFactor(decay as Bps, epoch));
    em.atEpoch.push(emission.cumulativeAtEpoch(daily as TokenAmount, decay as Bps, epoch));
    em.cumulative.push(emission.cumulative(daily as TokenAmount, decay as Bps, maxSupply as TokenAmount, elapsed));
  }

  const ao = {
    amountIn: [] as bigint[],
    reserveIn: [] as bigint[],
    reserveOut: [] as bigint[],
    amountOut: [] as bigint[],
  };
  for (let i = 0; i < CASES; i++) {
    const reserveIn = g.magnitude(112, 1n);
    const reserveOut = g.magnitude(112, 1n);
    const amountIn = g.magnitude(112);
    ao.amountIn.push(amountIn);
    ao.reserveIn.push(reserveIn);
    ao.reserveOut.push(reserveOut);
    ao.amountOut.push(uniswap.getAmountOut(amountIn, reserveIn, reserveOut));
  }

  const sq = { y: [] as bigint[], root: [] as bigint[] };
  const ys: bigint[] = [0n, 1n, 2n, 3n, 4n, 5n, 8n, 9n, 10n, (1n << 256n) - 1n, (1n << 128n) - 1n, 1n << 255n];
  while (ys.length < CASES) {
    const r = g.magnitude(128);
    const kind = ys.length % 3;
    ys.push(kind === 0 ? r * r : kind === 1 ? (r * r === 0n ? 0n : r * r - 1n) : g.magnitude(256));
  }
  for (const y of ys) {
    sq.y.push(y);
    sq.root.push(uniswap.sqrt(y));
  }

  const pr = { reserveQuote: [] as bigint[], reserveBase: [] as bigint[], priceUQ: [] as bigint[] };
  for (let i = 0; i < CASES; i++) {
    const quote = g.magnitude(112);
    const base = g.magnitude(112, 1n);
    pr.reserveQuote.push(quote);
    pr.reserveBase.push(base);
    pr.priceUQ.push(uniswap.priceUQ112(quote, base));
  }

  const li = {
    totalShares: [] as bigint[],
    pooled: [] as bigint[],
    amount: [] as bigint[],
    sharesByPooledEth: [] as bigint[],
    pooledEthByShares: [] as bigint[],
  };
  for (let i = 0; i < CASES; i++) {
    const totalShares = g.range(10n ** 18n, 1n << 100n);
    // Rebases of -60% .. +300% around the share count.
    const pooled = (totalShares * g.range(400n, 4_000n)) / 1_000n;
    const amount = g.magnitude(100);
    const rate: ShareRate = { totalShares, totalPooledEther: pooled };
    li.totalShares.push(totalShares);
    li.pooled.push(pooled);
    li.amount.push(amount);
    li.sharesByPooledEth.push(lido.sharesByPooledEth(rate, amount as Wei));
    li.pooledEthByShares.push(lido.pooledEthByShares(rate, amount as Shares));
  }

  const rw = {
    part: [] as bigint[],
    rewardAcc: [] as bigint[],
    debt: [] as bigint[],
    owed: [] as bigint[],
    owedIn: [] as bigint[],
    debtFor: [] as bigint[],
  };
  for (let i = 0; i < CASES; i++) {
    const part = i % 8 === 0 ? 0n : g.magnitude(96);
    const rewardAcc = g.magnitude(160);
    const accrued = rewards.accruedOf(part, rewardAcc);
    // Debts around the accrued amount (owed of -2..+2 and the mod-2^96 wrap), and arbitrary ones.
    const debt =
      i % 4 === 0
        ? BigInt.asUintN(96, accrued - g.range(0n, 4n) + 2n)
        : i % 4 === 1
          ? rewards.rewardDebtFor(part, rewardAcc, g.magnitude(94))
          : g.bits(96);
    const owedIn = i % 3 === 0 ? 0n : g.magnitude(95) >> 1n;
    rw.part.push(part);
    rw.rewardAcc.push(rewardAcc);
    rw.debt.push(debt);
    rw.owedIn.push(owedIn);
    rw.owed.push(rewards.owedOf(part, debt, rewardAcc));
    rw.debtFor.push(rewards.rewardDebtFor(part, rewardAcc, owedIn));
  }

  const record = <K extends string>(o: Record<K, bigint[]>): Record<K, string[]> =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, str(v as bigint[])])) as Record<K, string[]>;

  return {
    version: 2,
    seed: VECTOR_SEED.toString(),
    mulDiv: record(mul),
    rpow: record(rp),
    allocation: record(al),
    emission: record(em),
    amountOut: record(ao),
    sqrt: record(sq),
    price: record(pr),
    lido: record(li),
    rewards: record(rw),
    deploySteps: buildDeploySteps(),
  };
};

/** The file's exact bytes. */
export const renderVectors = (): string => `${JSON.stringify(buildVectors(), null, 2)}\n`;

/** Where the committed vectors live, relative to this package. */
export const VECTORS_PATH = "../../contracts/test/vectors/domain-vectors.json";

// ------------------------------------------------------------------ the harvest / deploy-step scenario

/**
 * Action kinds of the scenario (DomainVectors.t.sol replays them on a fresh devnet deployment): each action is
 * (kind, actor, projectId, amount, extra), actors 0..3 = alice, bob, trader, donor; harvests and steps are called by
 * a keeper, launches by a developer.
 */
export const ACTION = {
  warp: 0, // block.timestamp += amount
  submit: 1, // actor submits `amount` ether to stETH
  wrap: 2, // actor wraps `amount` stETH
  deposit: 3, // actor deposits `amount` stETH; extra = bps of project k in bits 16(k-1)..16k-1
  rebase: 4, // stETH.rebase(extra == 1 ? -amount : amount)
  harvest: 5,
  harvestMany: 6, // extra = bitmask of project ids (bit k = project k)
  deploy: 7,
  deployMany: 8, // extra = bitmask of project ids
  buy: 9, // actor buys the token with `amount` wstETH through the router
  sell: 10, // actor sells `amount` tokens through the router
  donate: 11, // actor sends `amount` wstETH to the project's pair (no sync)
  sync: 12, // pair.sync()
  launch: 13, // the developer launches launches[extra]
  claim: 14, // actor claims its rewards of the project
} as const;

/** An expected revert of a deploy: 1 = TCM_StepNotDue(id, arg), 2 = TCM_NothingToDeploy(id, arg, MIN_DEPLOY). */
export const REVERT = { none: 0, stepNotDue: 1, nothingToDeploy: 2 } as const;

/** Per project, after every harvest / deploy action: the books a step writes and the pool. */
export const CHECK_FIELDS = [
  "pendingWstEth",
  "carryTokens",
  "referencePrice",
  "observationTime",
  "observationCumulative",
  "lastStepTime",
  "totalLiquidity",
  "seeded",
  "reserveWstEth",
  "reserveTokens",
  "lpTotalSupply",
] as const;

export interface DeployStepVectors {
  readonly config: Record<
    | "genesis"
    | "bountyBps"
    | "maxBounty"
    | "maxImpactBps"
    | "minHarvestValue"
    | "stepInterval"
    | "followWindow"
    | "stepBountyBps"
    | "maxStepBounty",
    string
  >;
  readonly launches: Record<
    "launchPrice" | "dailyEmission" | "decayBps" | "maxSupply" | "seedReserve" | "contributorBps",
    string[]
  >;
  /** Per action; `events` is how many Harvested / Deployed events it emits. */
  readonly actions: Record<
    "kind" | "actor" | "projectId" | "amount" | "extra" | "revert" | "revertArg" | "events",
    string[]
  >;
  /** Per event: 1 = Harvested (7 data words), 2 = Deployed (17 data words); `data` is every event's words in order. */
  readonly events: Record<"kind" | "projectId" | "data", string[]>;
  /** After each harvest / deploy action, CHECK_FIELDS for each project launched so far, in order. */
  readonly checks: string[];
}

const GENESIS = 1_750_000_000n;
const E18 = 10n ** 18n;
const DAY = 86_400n;
const vaddr = (n: number): Address => `0x${n.toString(16).padStart(40, "0")}`;
const ACTORS = [vaddr(0xa11ce), vaddr(0xb0b), vaddr(0x7ade), vaddr(0xd0d0)] as const;
const [ALICE, BOB, TRADER, DONOR] = ACTORS;
const KEEPER = vaddr(0x4ee);
const DEVELOPER = vaddr(0xde7);

/** contracts/script/Deploy.s.sol's defaults (the replay checks the devnet machine has them). */
const DEVNET_CONFIG = {
  bountyBps: 50n,
  maxBounty: E18 / 20n,
  maxImpactBps: 50n,
  minHarvestValue: 10n ** 12n,
  stepInterval: 1_200n,
  followWindow: 2n * DAY,
  stepBountyBps: 10n,
  maxStepBounty: E18 / 200n,
};

/** 1: opens at the launch price; 2: a small seed reserve, the opening is capped; 3: donations beyond the reserve. */
const LAUNCHES: ReadonlyArray<Omit<LaunchParams, "name" | "symbol" | "metadataURI" | "contributorRecipient">> = [
  {
    launchPrice: 10n ** 15n,
    dailyEmission: 1_000n * E18,
    decayBps: 10n,
    maxSupply: 10_000_000n * E18,
    seedReserve: 1_000_000n * E18,
    contributorBps: 1_000n,
  },
  {
    launchPrice: 10n ** 13n,
    dailyEmission: 100n * E18,
    decayBps: 0n,
    maxSupply: 1_200n * E18,
    seedReserve: 100n * E18,
    contributorBps: 0n,
  },
  {
    launchPrice: 10n ** 15n,
    dailyEmission: 500n * E18,
    decayBps: 50n,
    maxSupply: 1_000_000n * E18,
    seedReserve: 10n ** 15n,
    contributorBps: 0n,
  },
];

/** The launch parameters the replay uses for launches[i] (names are "V<i+1>"). */
export const vectorLaunchParams = (i: number): LaunchParams => {
  const l = LAUNCHES[i];
  if (l === undefined) throw new Error(`no launch ${i}`);
  return {
    ...l,
    name: `V${i + 1}`,
    symbol: `V${i + 1}`,
    metadataURI: `ipfs://v${i + 1}`,
    contributorRecipient: l.contributorBps === 0n ? vaddr(0) : DONOR,
  };
};

export const buildDeploySteps = (): DeployStepVectors => {
  const g = generator(VECTOR_SEED + 2n);
  let s: State = unwrap(
    initialState({
      now: GENESIS,
      machine: vaddr(0x7c3),
      stEth: vaddr(0x5e),
      wstEth: vaddr(0x3000),
      guardian: vaddr(0x9),
      ...DEVNET_CONFIG,
    }),
  );
  const actions = {
    kind: [] as bigint[],
    actor: [] as bigint[],
    projectId: [] as bigint[],
    amount: [] as bigint[],
    extra: [] as bigint[],
    revert: [] as bigint[],
    revertArg: [] as bigint[],
    events: [] as bigint[],
  };
  const events = { kind: [] as bigint[], projectId: [] as bigint[], data: [] as bigint[] };
  const checks: bigint[] = [];

  const push = (
    kind: number,
    actor: number,
    projectId: number,
    amount: bigint,
    extra: bigint,
    revert: number,
    revertArg: bigint,
    eventCount: number,
  ) => {
    actions.kind.push(BigInt(kind));
    actions.actor.push(BigInt(actor));
    actions.projectId.push(BigInt(projectId));
    actions.amount.push(amount);
    actions.extra.push(extra);
    actions.revert.push(BigInt(revert));
    actions.revertArg.push(revertArg);
    actions.events.push(BigInt(eventCount));
  };
  const emit = (
    projectId: number,
    harvestReport: HarvestReport | undefined,
    deployReport: DeployReport | undefined,
  ): number => {
    let n = 0;
    if (harvestReport !== undefined) {
      events.kind.push(1n);
      events.projectId.push(BigInt(projectId));
      n++;
      for (const f of HARVEST_REPORT_FIELDS) events.data.push(harvestReport[f]);
    }
    if (deployReport !== undefined) {
      events.kind.push(2n);
      events.projectId.push(BigInt(projectId));
      n++;
      for (const f of DEPLOY_REPORT_FIELDS) events.data.push(deployReport[f]);
    }
    return n;
  };
  const eventsOf = (a: Action, output: ActionOutput): number => {
    if (a.type === "harvest" && output.type === "harvest") return emit(a.projectId, output.report, output.deploy);
    if (a.type === "deploy" && output.type === "deploy") return emit(a.projectId, undefined, output.report);
    if (a.type === "harvestMany" && output.type === "harvestMany")
      return a.projectIds.reduce((n, id, i) => n + emit(id, output.reports[i], output.deploys[i]), 0);
    if (a.type === "deployMany" && output.type === "deployMany")
      return a.projectIds.reduce((n, id, i) => n + emit(id, undefined, output.reports[i]), 0);
    return 0;
  };
  const check = () => {
    for (let id = 1; id <= s.projectCount; id++) {
      const p = s.projects[id];
      const pair = p === undefined ? undefined : s.pairs[p.pair];
      if (p === undefined || pair === undefined) throw new Error(`no project ${id}`);
      const { reserveWst, reserveTokens } = harvest.reservesOf(pair, p.tokenIsToken0);
      checks.push(
        p.pendingWstEth,
        p.carryTokens,
        p.referencePrice,
        p.observationTime,
        p.observationCumulative,
        p.lastStepTime,
        p.totalLiquidity,
        p.seeded ? 1n : 0n,
        reserveWst,
        reserveTokens,
        pair.totalSupply,
      );
    }
  };
  const mask = (ids: ReadonlyArray<number>): bigint => ids.reduce((m, id) => m | (1n << BigInt(id)), 0n);

  /** Applies one action to the model; records it if it succeeds (or is a deploy revert the replay can expect). */
  const act = (
    kind: number,
    actor: number,
    projectId: number,
    amount: bigint,
    extra: bigint,
    action: Action,
  ): boolean => {
    const result = execute(s, action);
    if (!result.ok) {
      const e = result.error;
      if (e._tag === "TCM_StepNotDue") push(kind, actor, projectId, amount, extra, REVERT.stepNotDue, e.readyAt, 0);
      else if (e._tag === "TCM_NothingToDeploy")
        push(kind, actor, projectId, amount, extra, REVERT.nothingToDeploy, e.pending, 0);
      return false;
    }
    s = result.value.state;
    push(kind, actor, projectId, amount, extra, REVERT.none, 0n, eventsOf(action, result.value.output));
    if (kind === ACTION.harvest || kind === ACTION.harvestMany || kind === ACTION.deploy || kind === ACTION.deployMany)
      check();
    return true;
  };
  const ids = () => Array.from({ length: s.projectCount }, (_, i) => i + 1);
  const warp = (seconds: bigint) => act(ACTION.warp, 0, 0, seconds, 0n, { type: "advanceTime", seconds });
  const rebaseBy = (delta: bigint) =>
    act(ACTION.rebase, 0, 0, delta < 0n ? -delta : delta, delta < 0n ? 1n : 0n, { type: "rebase", delta });
  const deploy = (id: number) => act(ACTION.deploy, 0, id, 0n, 0n, { type: "deploy", caller: KEEPER, projectId: id });
  const deployMany = (list: number[]) =>
    act(ACTION.deployMany, 0, 0, 0n, mask(list), { type: "deployMany", caller: KEEPER, projectIds: list });
  const harvestOne = (id: number) =>
    act(ACTION.harvest, 0, id, 0n, 0n, { type: "harvest", caller: KEEPER, projectId: id });
  const harvestMany = (list: number[]) =>
    act(ACTION.harvestMany, 0, 0, 0n, mask(list), { type: "harvestMany", caller: KEEPER, projectIds: list });
  const donate = (actor: number, id: number, amount: bigint) =>
    act(ACTION.donate, actor, id, amount, 0n, {
      type: "donate",
      from: ACTORS[actor] as Address,
      asset: "wstETH",
      amount,
      projectId: id,
    });
  const reservesOf = (id: number) => {
    const p = s.projects[id];
    const pair = p === undefined ? undefined : s.pairs[p.pair];
    if (p === undefined || pair === undefined) throw new Error(`no project ${id}`);
    return harvest.reservesOf(pair, p.tokenIsToken0);
  };
  const trade = (id: number) => {
    const p = s.projects[id];
    if (p === undefined || !p.seeded) return;
    const { reserveWst, reserveTokens } = reservesOf(id);
    const held = s.tokens[p.token]?.balances[TRADER] ?? 0n;
    const bps = g.range(0n, 9n) < 7n ? g.range(1n, 60n) : g.range(60n, 500n);
    if (held > 0n && g.range(0n, 9n) < 6n) {
      const amount = held < (reserveTokens * bps) / 10_000n ? held : (reserveTokens * bps) / 10_000n;
      if (amount > 0n)
        act(ACTION.sell, 2, id, amount, 0n, {
          type: "swap",
          trader: TRADER,
          projectId: id,
          side: "sellTokens",
          amountIn: amount,
        });
    } else {
      const amount = (reserveWst * bps) / 10_000n;
      if (amount > 0n)
        act(ACTION.buy, 2, id, amount, 0n, {
          type: "swap",
          trader: TRADER,
          projectId: id,
          side: "buyTokens",
          amountIn: amount,
        });
    }
  };

  // Setup: funds, three projects, donations before the openings, a depositor.
  for (const [actor, amount] of [
    [0, 2_000n * E18],
    [1, 500n * E18],
    [2, 300n * E18],
    [3, 100n * E18],
  ] as const) {
    act(ACTION.submit, actor, 0, amount, 0n, { type: "submit", account: ACTORS[actor], amount });
  }
  act(ACTION.wrap, 2, 0, 200n * E18, 0n, { type: "wrap", account: TRADER, amount: 200n * E18 });
  act(ACTION.wrap, 3, 0, 50n * E18, 0n, { type: "wrap", account: DONOR, amount: 50n * E18 });
  LAUNCHES.forEach((_, i) => {
    act(ACTION.launch, 0, 0, 0n, BigInt(i), {
      // Token addresses below and above wstETH's (0x3000): both pair orientations.
      type: "launch",
      caller: DEVELOPER,
      params: vectorLaunchParams(i),
      token: vaddr([0x1000, 0x5000, 0x2000][i] as number),
      pair: vaddr([0x1001, 0x5001, 0x2001][i] as number),
    });
  });
  donate(3, 1, 5n * E18); // priced at the launch price with the opening yield (and a pool large enough for zap buys)
  donate(3, 2, 10n ** 14n); // within what the small reserve prices: the opening is capped
  donate(3, 3, 10n ** 13n); // beyond what the reserve prices, and synced: the machine adds 1 wei
  act(ACTION.sync, 0, 3, 0n, 0n, { type: "sync", projectId: 3 });
  act(ACTION.deposit, 0, 0, 1_000n * E18, 5_000n | (2_500n << 16n) | (2_500n << 32n), {
    type: "deposit",
    account: ALICE,
    amount: 1_000n * E18,
    allocation: [
      { projectId: 1, bps: 5_000n },
      { projectId: 2, bps: 2_500n },
      { projectId: 3, bps: 2_500n },
    ],
  });
  act(ACTION.deposit, 1, 0, 200n * E18, 10_000n, {
    type: "deposit",
    account: BOB,
    amount: 200n * E18,
    allocation: [{ projectId: 1, bps: 10_000n }],
  });
  deploy(1); // nothing pending yet
  warp(DAY);
  rebaseBy(s.lido.totalPooledEther / 200n);
  harvestMany([1, 2, 3]); // the three openings
  deploy(2); // not due

  // Six days: trades of all sizes between steps, deploys and deployMany at random times, daily harvests.
  for (let day = 0; day < 6; day++) {
    for (let k = 0; k < 14; k++) {
      const r = g.range(0n, 99n);
      warp(r < 30n ? g.range(60n, 1_199n) : r < 85n ? g.range(1_200n, 2_400n) : g.range(3_600n, 36_000n));
      if (g.range(0n, 9n) < 4n) trade(Number(g.range(1n, 3n)));
      if (g.range(0n, 19n) === 0n) donate(3, 1, g.range(10n ** 9n, E18 / 100n)); // unsynced: the next step syncs it
      if (g.range(0n, 9n) === 0n) {
        // A swap and a step in the same block: the step does nothing and stays due.
        trade(1);
        deploy(1);
        continue;
      }
      if (g.range(0n, 3n) === 0n) deployMany(ids());
      else deploy(Number(g.range(1n, 3n)));
    }
    if (day === 2) {
      // A pump held across the follow window: the first window (which saw the old price) restarts, the next follows.
      warp(1_300n);
      const amount = (reservesOf(1).reserveWst * 3n) / 100n;
      act(ACTION.buy, 2, 1, amount, 0n, {
        type: "swap",
        trader: TRADER,
        projectId: 1,
        side: "buyTokens",
        amountIn: amount,
      });
      warp(600n);
      deploy(1);
      warp(2n * DAY);
      deploy(1);
      warp(2n * DAY);
      deploy(1);
    }
    const epochEnd = s.config.genesis + ((s.now - s.config.genesis) / DAY + 1n) * DAY;
    warp(epochEnd - s.now + g.range(1n, 600n));
    rebaseBy((s.lido.totalPooledEther * g.range(5n, 40n)) / 10_000n);
    if (g.range(0n, 1n) === 0n) harvestMany(ids());
    else for (const id of ids()) harvestOne(id);
  }
  // An alice claim and sell (rewards sold below the reference: the next step buys cheaper).
  act(ACTION.claim, 0, 1, 0n, 0n, { type: "claim", account: ALICE, projectIds: [1], receiver: ALICE });
  const aliceTokens = s.tokens[s.projects[1]?.token as Address]?.balances[ALICE] ?? 0n;
  act(ACTION.sell, 0, 1, aliceTokens / 2n, 0n, {
    type: "swap",
    trader: ALICE,
    projectId: 1,
    side: "sellTokens",
    amountIn: aliceTokens / 2n,
  });
  warp(1_200n);
  deployMany(ids());

  return {
    config: {
      genesis: GENESIS.toString(),
      ...(Object.fromEntries(Object.entries(DEVNET_CONFIG).map(([k, v]) => [k, v.toString()])) as Record<
        keyof typeof DEVNET_CONFIG,
        string
      >),
    },
    launches: {
      launchPrice: LAUNCHES.map((l) => l.launchPrice.toString()),
      dailyEmission: LAUNCHES.map((l) => l.dailyEmission.toString()),
      decayBps: LAUNCHES.map((l) => l.decayBps.toString()),
      maxSupply: LAUNCHES.map((l) => l.maxSupply.toString()),
      seedReserve: LAUNCHES.map((l) => l.seedReserve.toString()),
      contributorBps: LAUNCHES.map((l) => l.contributorBps.toString()),
    },
    actions: Object.fromEntries(Object.entries(actions).map(([k, v]) => [k, str(v)])) as DeployStepVectors["actions"],
    events: { kind: str(events.kind), projectId: str(events.projectId), data: str(events.data) },
    checks: str(checks),
  };
};
