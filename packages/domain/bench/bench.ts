/**
 * Rough timings for the hot paths the keeper and API run (`npx tsx packages/domain/bench/bench.ts`):
 * pending rewards for 100,000 positions over 100 projects (target < 200 ms) and a harvest (collect) plan plus a
 * deploy-step plan for 1,000 projects (target < 20 ms). Not a test: figures depend on the machine.
 */
import { performance } from "node:perf_hooks";
import {
  type Address,
  type HarvestInput,
  type StepInput,
  planHarvest,
  planStep,
  rewards,
  uniswap,
} from "../src/index.js";

const E = 10n ** 18n;
const NOW = 1_700_000_000n + 40n * 86_400n + 1234n;
const addr = (n: number): Address => `0x${n.toString(16).padStart(40, "0")}`;

const time = (label: string, target: number, body: () => unknown): void => {
  body(); // warm-up
  const runs = 5;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    body();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(runs / 2)] as number;
  console.log(
    `${label}: median ${median.toFixed(1)} ms (min ${(samples[0] as number).toFixed(1)}), target < ${target} ms`,
  );
};

// ---------------------------------------------------------------- pending rewards: 100k positions × 100 projects

const projects = Array.from({ length: 100 }, (_, i) => ({
  allocatedPrincipal: 10_000n * E + BigInt(i) * E,
  contributorBps: BigInt(i % 20) * 100n,
  lastAccrual: NOW - 3_600n - BigInt(i) * 97n,
  rewardAcc: (BigInt(i + 1) * E) << 20n,
  contributorOwed: 0n,
  dailyEmission: 1_000n * E,
  decayBps: BigInt((i * 37) % 5_000),
  emissionCap: 1_000_000n * E,
  startTime: 1_700_000_000n,
}));
const positions = Array.from({ length: 100_000 }, (_, i) => ({
  projectId: i % 100,
  part: BigInt(1 + (i % 1_000)) * 10n ** 16n,
  rewardDebt: BigInt(i) * 12_345n,
}));

time("pendingRewards 100,000 positions / 100 projects", 200, () => {
  // The index is settled once per project, then each entry is one multiply-shift-subtract.
  const index = projects.map((p) => rewards.previewRewardAcc(p, NOW));
  let total = 0n;
  for (const pos of positions) total += rewards.owedOf(pos.part, pos.rewardDebt, index[pos.projectId] as bigint);
  return total;
});

// ---------------------------------------------------------------- harvest + deploy-step plans: 1,000 projects

const WST = addr(0x3000);
const config = {
  genesis: 1_700_000_000n,
  bountyBps: 10n,
  maxBounty: E / 100n,
  minHarvestValue: 10n ** 9n,
  maxImpactBps: 50n,
  stepInterval: 1_200n,
  followWindow: 2n * 86_400n,
  stepBountyBps: 10n,
  maxStepBounty: E / 200n,
};
const inputs = Array.from({ length: 1_000 }, (_, i): { harvest: HarvestInput; step: StepInput } => {
  const reserveTokens = 50_000n * E + BigInt(i) * E;
  const reserveWst = 50n * E + BigInt(i) * 10n ** 15n;
  const price = uniswap.priceUQ112(reserveWst, reserveTokens);
  const token = addr(0x10_000 + i);
  const tokenIsToken0 = BigInt(token) < BigInt(WST);
  const pair = {
    ...uniswap.emptyPair(tokenIsToken0 ? token : WST, tokenIsToken0 ? WST : token),
    reserve0: tokenIsToken0 ? reserveTokens : reserveWst,
    reserve1: tokenIsToken0 ? reserveWst : reserveTokens,
    blockTimestampLast: NOW - 86_400n,
    totalSupply: 1_000n * E,
  };
  const project = {
    allocatedPrincipal: 100n * E,
    yieldDebt: 0n,
    lastHarvestEpoch: 38n,
    lastStepTime: NOW - 3_600n,
    tokenIsToken0,
    seeded: i % 10 !== 0,
    launchPrice: 10n ** 15n,
    seedReserve: 100_000n * E,
    // Every third project's reference is below spot (the step trades nothing).
    referencePrice: i % 3 === 0 ? price - 1n : price + price / 100n,
    observationTime: NOW - 86_400n * 2n,
    observationCumulative: 0n - price * 86_400n,
    pendingWstEth: E / 10n + BigInt(i) * 10n ** 12n,
    carryTokens: BigInt(i) * 10n ** 12n,
    totalYieldShares: 0n,
    totalLiquidity: 1_000n * E,
  };
  return {
    harvest: {
      config,
      now: NOW,
      rate: { totalShares: 1_000_000n * E, totalPooledEther: 1_150_000n * E },
      accYield: 5n << 28n,
      assignedScaled: 1n << 120n,
      project,
    },
    step: {
      config,
      now: NOW,
      machine: addr(0x7c3),
      pairAddress: addr(0x20_000 + i),
      project,
      pair: { ...pair, price0CumulativeLast: BigInt.asUintN(256, -price * 86_400n), price1CumulativeLast: 0n },
      pairWstBalance: reserveWst,
      pairTokenBalance: i % 10 !== 0 ? reserveTokens : 0n,
      machineWstBalance: 10n ** 24n,
      machineTokenBalance: 10n ** 24n,
      tokenTotalSupply: 100_000n * E,
      tokenMaxSupply: 1_000_000n * E,
    },
  };
});

const outcomes = new Map<string, number>();
const tally = (label: string) => outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
for (const input of inputs) {
  tally(`harvest ${planHarvest(input.harvest).status}`);
  try {
    const r = planStep(input.step).report;
    tally(r.tokensSeeded !== 0n ? "step opened" : r.wstEthSwapped !== 0n ? "step traded" : "step counted (no trade)");
  } catch (failure) {
    tally(`step revert ${(failure as Error).message}`);
  }
}
console.log("plan outcomes:", Object.fromEntries(outcomes));

time("planHarvest + planStep 1,000 projects", 20, () => {
  let liquidity = 0n;
  for (const input of inputs) {
    planHarvest(input.harvest);
    try {
      liquidity += planStep(input.step).report.liquidityMinted;
    } catch {
      // a reverting plan is still a plan computed
    }
  }
  return liquidity;
});
