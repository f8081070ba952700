/**
 * Deterministic differential vectors: inputs drawn from a fixed-seed generator, outputs computed by @tcm/domain.
 * contracts/test/differential/DomainVectors.t.sol asserts the Solidity libraries give the same outputs, and
 * test/vectors.test.ts asserts the committed JSON is what this module produces (so drift fails CI).
 */
import { allocation, emission, lido, mulDivDown, mulDivUp, rewards, rpowDown, RAY, uniswap } from "../src/index.js";
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
  const range = (lo: bigint, hi: bigint): bigint => lo + (bits(Number(hi - lo).toString(2).length + 64) % (hi - lo + 1n));
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
  readonly version: 1;
  readonly seed: string;
  readonly mulDiv: Record<"x" | "y" | "d" | "down" | "up", string[]>;
  readonly rpow: Record<"x" | "n" | "z", string[]>;
  readonly allocation: Record<"principal" | "count" | "bps" | "parts", string[]>;
  readonly emission: Record<"daily" | "decay" | "cap" | "elapsed" | "epoch" | "factor" | "atEpoch" | "cumulative", string[]>;
  readonly amountOut: Record<"amountIn" | "reserveIn" | "reserveOut" | "amountOut", string[]>;
  readonly sqrt: Record<"y" | "root", string[]>;
  readonly price: Record<"reserveQuote" | "reserveBase" | "priceUQ", string[]>;
  readonly lido: Record<"totalShares" | "pooled" | "amount" | "sharesByPooledEth" | "pooledEthByShares", string[]>;
  /** TechnoCapitalMachine._owed (signed 96-bit, clamped at 0) and _debtFor (rounded up, mod 2^96). */
  readonly rewards: Record<"part" | "rewardAcc" | "debt" | "owed" | "owedIn" | "debtFor", string[]>;
}

export const buildVectors = (): Vectors => {
  const g = generator(VECTOR_SEED);

  const mul = { x: [] as bigint[], y: [] as bigint[], d: [] as bigint[], down: [] as bigint[], up: [] as bigint[] };
  for (let i = 0; i < CASES; i++) {
    const x = g.magnitude(128);
    const y = g.magnitude(127);
    const d = g.magnitude(128, 1n);
    mul.x.push(x), mul.y.push(y), mul.d.push(d), mul.down.push(mulDivDown(x, y, d)), mul.up.push(mulDivUp(x, y, d));
  }

  const rp = { x: [] as bigint[], n: [] as bigint[], z: [] as bigint[] };
  for (let i = 0; i < CASES; i++) {
    const x = i % 4 === 0 ? RAY : RAY - g.magnitude(i % 2 === 0 ? 80 : 30);
    const n = g.range(0n, 3_000n);
    rp.x.push(x), rp.n.push(n), rp.z.push(rpowDown(x, n));
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
    al.principal.push(principal), al.count.push(BigInt(count));
    for (let j = 0; j < 8; j++) {
      al.bps.push(weights[j] ?? 0n);
      al.parts.push(parts[j] ?? 0n);
    }
  }

  const em = {
    daily: [] as bigint[], decay: [] as bigint[], cap: [] as bigint[], elapsed: [] as bigint[],
    epoch: [] as bigint[], factor: [] as bigint[], atEpoch: [] as bigint[], cumulative: [] as bigint[],
  };
  for (let i = 0; i < CASES; i++) {
    const maxSupply = g.range(10n ** 18n, (1n << 96n) - 1n);
    const daily = g.range(1n, maxSupply);
    const decay = i % 7 === 0 ? 0n : i % 7 === 1 ? 5_000n : g.range(1n, 5_000n);
    const elapsed = i % 3 === 0 ? g.range(0n, 86_400n * 3n) : g.range(0n, 86_400n * 4_000n);
    const epoch = elapsed / 86_400n;
    em.daily.push(daily), em.decay.push(decay), em.cap.push(maxSupply), em.elapsed.push(elapsed), em.epoch.push(epoch);
    em.factor.push(emission.decayFactor(decay as Bps, epoch));
    em.atEpoch.push(emission.cumulativeAtEpoch(daily as TokenAmount, decay as Bps, epoch));
    em.cumulative.push(emission.cumulative(daily as TokenAmount, decay as Bps, maxSupply as TokenAmount, elapsed));
  }

  const ao = { amountIn: [] as bigint[], reserveIn: [] as bigint[], reserveOut: [] as bigint[], amountOut: [] as bigint[] };
  for (let i = 0; i < CASES; i++) {
    const reserveIn = g.magnitude(112, 1n);
    const reserveOut = g.magnitude(112, 1n);
    const amountIn = g.magnitude(112);
    ao.amountIn.push(amountIn), ao.reserveIn.push(reserveIn), ao.reserveOut.push(reserveOut);
    ao.amountOut.push(uniswap.getAmountOut(amountIn, reserveIn, reserveOut));
  }

  const sq = { y: [] as bigint[], root: [] as bigint[] };
  const ys: bigint[] = [0n, 1n, 2n, 3n, 4n, 5n, 8n, 9n, 10n, (1n << 256n) - 1n, (1n << 128n) - 1n, 1n << 255n];
  while (ys.length < CASES) {
    const r = g.magnitude(128);
    const kind = ys.length % 3;
    ys.push(kind === 0 ? r * r : kind === 1 ? (r * r === 0n ? 0n : r * r - 1n) : g.magnitude(256));
  }
  for (const y of ys) sq.y.push(y), sq.root.push(uniswap.sqrt(y));

  const pr = { reserveQuote: [] as bigint[], reserveBase: [] as bigint[], priceUQ: [] as bigint[] };
  for (let i = 0; i < CASES; i++) {
    const quote = g.magnitude(112);
    const base = g.magnitude(112, 1n);
    pr.reserveQuote.push(quote), pr.reserveBase.push(base), pr.priceUQ.push(uniswap.priceUQ112(quote, base));
  }

  const li = { totalShares: [] as bigint[], pooled: [] as bigint[], amount: [] as bigint[], sharesByPooledEth: [] as bigint[], pooledEthByShares: [] as bigint[] };
  for (let i = 0; i < CASES; i++) {
    const totalShares = g.range(10n ** 18n, 1n << 100n);
    // Rebases of -60% .. +300% around the share count.
    const pooled = (totalShares * g.range(400n, 4_000n)) / 1_000n;
    const amount = g.magnitude(100);
    const rate: ShareRate = { totalShares, totalPooledEther: pooled };
    li.totalShares.push(totalShares), li.pooled.push(pooled), li.amount.push(amount);
    li.sharesByPooledEth.push(lido.sharesByPooledEth(rate, amount as Wei));
    li.pooledEthByShares.push(lido.pooledEthByShares(rate, amount as Shares));
  }

  const rw = { part: [] as bigint[], rewardAcc: [] as bigint[], debt: [] as bigint[], owed: [] as bigint[], owedIn: [] as bigint[], debtFor: [] as bigint[] };
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
    rw.part.push(part), rw.rewardAcc.push(rewardAcc), rw.debt.push(debt), rw.owedIn.push(owedIn);
    rw.owed.push(rewards.owedOf(part, debt, rewardAcc));
    rw.debtFor.push(rewards.rewardDebtFor(part, rewardAcc, owedIn));
  }

  const record = <K extends string>(o: Record<K, bigint[]>): Record<K, string[]> =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, str(v as bigint[])])) as Record<K, string[]>;

  return {
    version: 1,
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
  };
};

/** The file's exact bytes. */
export const renderVectors = (): string => `${JSON.stringify(buildVectors(), null, 2)}\n`;

/** Where the committed vectors live, relative to this package. */
export const VECTORS_PATH = "../../contracts/test/vectors/domain-vectors.json";
