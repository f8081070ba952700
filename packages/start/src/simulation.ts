import {
  ChainClient,
  Deployment,
  type DeploymentInfo,
  projectTokenAbi,
  technoCapitalMachineAbi,
  uniswapV2PairAbi,
} from "@tcm/chain";
import { EPOCH_SECONDS, deployedWstEthOf, epochOf, epochStart } from "@tcm/domain";
import { Devnet } from "@tcm/chain/devnet";
import { ANVIL_ACCOUNTS } from "@tcm/devnet";
import { Effect, Layer, ManagedRuntime } from "effect";
import {
  type Address,
  type Hex,
  type PublicClient,
  createPublicClient,
  encodeFunctionData,
  formatEther,
  http,
  keccak256,
  maxUint256,
  parseEther,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { sleep } from "./processes.js";

const DAY = Number(EPOCH_SECONDS);

/** A small deterministic PRNG (mulberry32): the same devnet every start. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

export interface Depositor {
  readonly address: Address;
  readonly amount: bigint;
  readonly allocation: ReadonlyArray<{ readonly projectId: number; readonly bps: number }>;
  /** The day the depositor arrives (most on day 0, a few later). */
  readonly day: number;
}

/** Anvil account 0 deploys and rebases, 8 trades, 9 keeps; depositors are 1–7 and then generated keys. */
export const ROLES = { deployer: ANVIL_ACCOUNTS[0]!, trader: ANVIL_ACCOUNTS[8]!, keeper: ANVIL_ACCOUNTS[9]! } as const;

const AMOUNTS = ["0.5", "1", "2", "3", "5", "8", "10", "15", "25", "40", "60", "100"];

export const planDepositors = (count: number, projectCount: number, days: number): Depositor[] => {
  const random = prng(0x7c3);
  const addresses: Address[] = [
    ...ANVIL_ACCOUNTS.slice(1, 8).map((a) => a.address),
    ...Array.from(
      { length: Math.max(0, count - 7) },
      (_, i) => privateKeyToAccount(keccak256(toHex(`tcm-devnet-depositor-${i}`))).address,
    ),
  ].slice(0, count);
  return addresses.map((address, i) => {
    const k = 1 + Math.floor(random() * Math.min(3, projectCount));
    // The machine wants project ids strictly ascending.
    const ids = [...Array(projectCount).keys()]
      .map((x) => x + 1)
      .sort(() => random() - 0.5)
      .slice(0, k)
      .sort((a, b) => a - b);
    // Random weights, in bps summing exactly to 10 000 (the last line takes the remainder).
    const weights = ids.map(() => 1 + random() * 9);
    const total = weights.reduce((a, b) => a + b, 0);
    const bps = weights.map((w) => Math.floor((w / total) * 10_000));
    bps[bps.length - 1]! += 10_000 - bps.reduce((a, b) => a + b, 0);
    return {
      address,
      amount: parseEther(AMOUNTS[Math.floor(random() * AMOUNTS.length)]!),
      allocation: ids.map((projectId, j) => ({ projectId, bps: bps[j]! })),
      // One in six arrives during the simulation.
      day: days > 1 && i % 6 === 5 ? 1 + (i % (days - 1 || 1)) : 0,
    };
  });
};

/** Daily rebases in bps (Lido pays ~0.01 %/day; larger here so a few days show visible numbers). */
const rebaseFor = (day: number) => [35, 30, 40, 25, 30][day % 5]!;

export interface SimulationReport {
  readonly depositors: number;
  readonly principal: bigint;
  readonly harvestsByKeeper: number;
  readonly harvestsByFallback: number;
  /** Deploy steps run after the harvests (a harvest runs one itself when it is due; those are not counted here). */
  readonly stepsByKeeper: number;
  readonly stepsByFallback: number;
  readonly swaps: number;
  readonly claims: number;
}

export const simulate = async (options: {
  readonly rpcUrl: string;
  readonly deployment: DeploymentInfo;
  readonly deploymentFile: string;
  readonly days: number;
  readonly depositors: number;
  /** At most this many deploy steps a day after the harvests (0: only the ones the harvests run; default: every step due). */
  readonly stepsPerDay?: number | undefined;
  /** Whether the keeper process runs (else the simulation harvests itself). */
  readonly keeperRunning: () => boolean;
  readonly log: (message: string) => void;
}): Promise<SimulationReport> => {
  const { deployment, log } = options;
  const layer = Devnet.Default.pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        ChainClient.layer({ rpcUrls: [options.rpcUrl] }),
        Deployment.fromValue(deployment, options.deploymentFile),
      ),
    ),
  );
  const runtime = ManagedRuntime.make(layer);
  const devnet = <A, E>(f: (d: Devnet) => Effect.Effect<A, E>) => runtime.runPromise(Effect.flatMap(Devnet, f));
  const client: PublicClient = createPublicClient({ transport: http(options.rpcUrl) });
  const machine = deployment.machine;
  const read = <T>(functionName: string, args: ReadonlyArray<unknown> = []) =>
    client.readContract({
      address: machine,
      abi: technoCapitalMachineAbi,
      functionName: functionName as never,
      args: args as never,
      blockTag: "latest",
    }) as Promise<T>;
  const send = (from: Address, data: Hex) => devnet((d) => d.sendAs(from, { to: machine, data, value: 0n }));
  const machineData = (functionName: string, args: ReadonlyArray<unknown>) =>
    encodeFunctionData({ abi: technoCapitalMachineAbi, functionName: functionName as never, args: args as never });

  const report = {
    depositors: 0,
    principal: 0n,
    harvestsByKeeper: 0,
    harvestsByFallback: 0,
    stepsByKeeper: 0,
    stepsByFallback: 0,
    swaps: 0,
    claims: 0,
  };
  try {
    const projectCount = Number(await read<number | bigint>("projectCount"));
    const ids = Array.from({ length: projectCount }, (_, i) => i + 1);
    const plan = planDepositors(options.depositors, projectCount, options.days);

    const deposit = async (depositor: Depositor) => {
      if (!ANVIL_ACCOUNTS.some((a) => a.address === depositor.address)) {
        // Generated keys: give them ether and let anvil sign for them.
        await client.request({
          method: "anvil_setBalance" as never,
          params: [depositor.address, toHex(parseEther("1000"))] as never,
        });
        await client.request({ method: "anvil_impersonateAccount" as never, params: [depositor.address] as never });
      }
      await devnet((d) => d.fundStEth(depositor.address, depositor.amount + parseEther("1")));
      await devnet((d) => d.approveStEth(depositor.address, maxUint256));
      await send(depositor.address, machineData("deposit", [depositor.amount, depositor.allocation]));
      report.depositors += 1;
      report.principal += depositor.amount;
    };
    const depositAll = async (group: ReadonlyArray<Depositor>) => {
      // A few at a time: anvil mines each transaction as it comes, accounts' nonces are independent.
      for (let i = 0; i < group.length; i += 6) await Promise.all(group.slice(i, i + 6).map(deposit));
    };

    const waitForHarvests = async (day: number) => {
      const ready = async () =>
        (await Promise.all(ids.map((id) => read<boolean>("isHarvestReady", [id])))).filter(Boolean).length;
      const due = await ready();
      if (due === 0) return;
      if (options.keeperRunning()) {
        const deadline = Date.now() + 45_000;
        while (Date.now() < deadline) {
          if ((await ready()) === 0) {
            report.harvestsByKeeper += due;
            log(`day ${day}: the keeper harvested ${due} project${due === 1 ? "" : "s"}`);
            return;
          }
          await sleep(250);
        }
        log(
          `day ${day}: warning: the keeper did not harvest within 45 s (see its log); harvesting from the simulation instead`,
        );
      }
      const still = (
        await Promise.all(ids.map(async (id) => ((await read<boolean>("isHarvestReady", [id])) ? id : 0)))
      ).filter((id) => id > 0);
      if (still.length === 0) return;
      await send(ROLES.deployer.address, machineData("harvestMany", [still]));
      report.harvestsByFallback += still.length;
      log(`day ${day}: harvested ${still.length} project${still.length === 1 ? "" : "s"} (no keeper)`);
    };

    const genesis = await read<bigint>("genesis");
    const stepInterval = await read<bigint>("stepInterval");
    const minimum = await read<bigint>("MIN_DEPLOY");
    const now = async () => (await client.getBlock({ blockTag: "latest" })).timestamp;
    /** The first second of the epoch after the one `t` is in (epochs are genesis + k · DAY). */
    const nextEpochAfter = (t: bigint) => epochStart(genesis, epochOf(genesis, t) + 1n);
    const setTime = async (t: bigint) => {
      await client.request({ method: "evm_setNextBlockTimestamp" as never, params: [toHex(t)] as never });
      await client.request({ method: "evm_mine" as never, params: [] as never });
    };
    const lastStepTimes = () =>
      Promise.all(ids.map((id) => read<{ lastStepTime: bigint }>("getProject", [id]).then((p) => p.lastStepTime)));

    /**
     * The projects whose deploy step is due now and would put wstETH into the pool: the contract's own answer (a
     * static `deploy` call from the keeper's address). A due step that would deploy nothing (the price is above the
     * band the machine trusts) is left alone, as the keeper leaves it.
     */
    const deployable = async () => {
      const due = (
        await Promise.all(ids.map(async (id) => ((await read<boolean>("isDeployReady", [id])) ? id : 0)))
      ).filter((id) => id > 0);
      const reports = await Promise.all(
        due.map((id) =>
          client
            .simulateContract({
              address: machine,
              abi: technoCapitalMachineAbi,
              functionName: "deploy",
              args: [id],
              account: ROLES.keeper.address,
            })
            .then((r) => deployedWstEthOf(r.result))
            .catch(() => 0n),
        ),
      );
      return due.filter((_, i) => (reports[i] ?? 0n) > 0n);
    };

    /**
     * The day's deploy steps, until the epoch ends: moves the clock to the next step time (one stepInterval after a
     * project's last step), lets the keeper run every step that would deploy something (the simulation runs them
     * itself, with deployMany, only when the keeper is absent or stuck), and goes on while wstETH is pending. At most
     * `cap` steps. Returns the number of steps run.
     */
    const deploySteps = async (day: number, epochEnd: bigint, cap: number) => {
      let steps = 0;
      while (steps < cap) {
        const views = await Promise.all(
          ids.map((id) => read<{ pendingWstEth: bigint; lastStepTime: bigint }>("getProject", [id])),
        );
        const waiting = views.filter((v) => v.pendingWstEth >= minimum);
        if (waiting.length === 0) break;
        const earliest = waiting.reduce(
          (a, v) => (v.lastStepTime + stepInterval < a ? v.lastStepTime + stepInterval : a),
          epochEnd,
        );
        const at = (await now()) + 1n > earliest ? (await now()) + 1n : earliest;
        if (at >= epochEnd) break;
        await setTime(at);
        const ready = await deployable();
        if (ready.length === 0) {
          // Due but nothing to deploy at this price (or not due yet): look again one stepInterval later.
          if (at + stepInterval >= epochEnd) break;
          await setTime(at + stepInterval);
          continue;
        }
        const before = await lastStepTimes();
        const stepped = async () => {
          const after = await lastStepTimes();
          return ready.every((id) => (after[id - 1] ?? 0n) > (before[id - 1] ?? 0n));
        };
        steps += 1;
        if (options.keeperRunning()) {
          const deadline = Date.now() + 15_000;
          while (Date.now() < deadline && !(await stepped())) await sleep(20);
          if (await stepped()) {
            report.stepsByKeeper += ready.length;
            continue;
          }
          log(
            `day ${day}: warning: the keeper did not run deploy step ${steps} within 15 s (see its log); running it from the simulation instead`,
          );
        }
        const still = await deployable();
        if (still.length === 0) continue;
        await send(ROLES.deployer.address, machineData("deployMany", [still]));
        report.stepsByFallback += still.length;
      }
      return steps;
    };

    /**
     * The trader, a depositor too, claims the tokens it earned and on every open pool sells 0.5 % of the pool's
     * tokens, then buys back with what it got: the pool keeps the fees, so the price ends a little lower, where the
     * machine's steps buy (a price pushed above what the machine trusts makes its steps wait instead).
     */
    const trade = async () => {
      const open: Array<{ id: number; project: { token: Address; pair: Address; tokenIsToken0: boolean } }> = [];
      for (const id of ids) {
        const project = await read<{ token: Address; pair: Address; seeded: boolean; tokenIsToken0: boolean }>(
          "getProject",
          [id],
        );
        if (project.seeded) open.push({ id, project });
      }
      if (open.length === 0) return;
      try {
        await send(ROLES.trader.address, machineData("claim", [open.map((o) => o.id), ROLES.trader.address]));
      } catch (failure) {
        log(
          `the trader's claim failed: ${failure instanceof Error ? failure.message.split("\n")[0] : String(failure)}`,
        );
      }
      for (const { id, project } of open) {
        const [r0, r1] = (await client.readContract({
          address: project.pair,
          abi: uniswapV2PairAbi,
          functionName: "getReserves",
        })) as readonly [bigint, bigint, number];
        const reserveTokens = project.tokenIsToken0 ? r0 : r1;
        const held = (await client.readContract({
          address: project.token,
          abi: projectTokenAbi,
          functionName: "balanceOf",
          args: [ROLES.trader.address],
        })) as bigint;
        const amountIn = reserveTokens / 200n < held ? reserveTokens / 200n : held;
        if (amountIn === 0n) continue;
        // The trader is background activity: a trade that fails (the keeper moved the pool between the estimate and
        // the send, say) is logged and skipped, never a reason to stop the whole system.
        try {
          const proceeds = await devnet((d) =>
            d.swap({ account: ROLES.trader.address, projectId: id, side: "sell", amountIn }),
          );
          report.swaps += 1;
          if (proceeds > 0n) {
            await devnet((d) =>
              d.swap({ account: ROLES.trader.address, projectId: id, side: "buy", amountIn: proceeds }),
            );
            report.swaps += 1;
          }
        } catch (failure) {
          log(
            `trade on project ${id} skipped: ${failure instanceof Error ? failure.message.split("\n")[0] : String(failure)}`,
          );
        }
      }
    };

    log(`funding ${plan.length} depositors (stETH from ether, approve, deposit with an allocation over 1–3 projects)`);
    await depositAll(plan.filter((d) => d.day === 0));
    // The trader is a depositor too: its share of the emissions is what it trades.
    if (options.days > 0) {
      await deposit({
        address: ROLES.trader.address,
        amount: parseEther("10"),
        allocation: ids.map((projectId, i) => ({
          projectId,
          bps: i === 0 ? 10_000 - Math.floor(10_000 / ids.length) * (ids.length - 1) : Math.floor(10_000 / ids.length),
        })),
        day: 0,
      });
      report.depositors -= 1;
    }
    const started = Date.now();
    for (let day = 1; day <= options.days; day++) {
      const bps = rebaseFor(day - 1);
      await devnet((d) => d.rebase(bps));
      // The day starts at the next epoch: the keeper harvests, the trader trades, the deploy steps fill the day.
      const dayStart = nextEpochAfter(await now());
      await setTime(dayStart);
      await waitForHarvests(day);
      await trade();
      const steps = await deploySteps(day, dayStart + BigInt(DAY), options.stepsPerDay ?? Number.MAX_SAFE_INTEGER);
      await depositAll(plan.filter((d) => d.day === day));
      if (day === options.days) {
        // Some depositors claim their project tokens.
        for (const depositor of plan.filter((d) => d.day === 0).slice(0, 6)) {
          await send(
            depositor.address,
            machineData("claim", [depositor.allocation.map((a) => a.projectId), depositor.address]),
          );
          report.claims += 1;
        }
      }
      if (day === Math.min(2, options.days)) {
        // One negative rebase (a slashing-like dip) at the end of day 2: the machine holds less stETH than its
        // principal, so deposits wait and harvests have nothing to take until the next positive rebase.
        const dip = -5;
        await devnet((d) => d.rebase(dip));
        const [inDeficit] = await read<readonly [boolean, bigint, bigint, bigint]>("deficitStatus");
        log(
          `day ${day}: stETH rebase ${dip} bps (negative)${inDeficit ? ": the machine is in deficit until the next positive rebase" : ""}`,
        );
        if (day === options.days) {
          // The last simulated day: recover, so the devnet is left healthy (deposits open).
          await devnet((d) => d.rebase(10));
          log(`day ${day}: stETH rebase +10 bps (recovery)`);
        }
      }
      const principal = await read<bigint>("totalPrincipal");
      log(
        `day ${day}/${options.days}: +${bps} bps rebase, ${steps} deploy step${steps === 1 ? "" : "s"}, ${report.swaps} swaps so far, principal ${Number(formatEther(principal)).toFixed(2)} stETH (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
    return report;
  } finally {
    await runtime.dispose();
  }
};
