/**
 * DESIGN.md §2.4's reference scenario on the real contracts: anvil (free port, stopped by PID) with the forge devnet
 * deploy, the first 30 simulated days of bench/simulate.ts replayed transaction by transaction (the Lido report,
 * the keeper's collection and every deploy step, at the model's timestamps), and at the end of each day the pool's
 * reserves, its LP supply and the machine's LP, the project's pending wstETH and carried tokens, the keeper's wstETH
 * bounties, the machine's wstETH and stETH shares and Lido's pooled ether compared with the model's figures, to the wei.
 * (The yield index assigns whole quanta of totalPrincipal / 2^32 shares per checkpoint, ≈ 2.3e12 wei here, the rest
 * waiting for the next one: a chain that differed by less than that in one report could still agree that day.)
 *
 * The model runs first (the keeper's choices are the model's), then the chain replays its log. Block timestamps are
 * set before every transaction (anvil_setNextBlockTimestamp); nothing is mined between transactions, so no empty
 * blocks are needed for the time to pass. ABIs come from contracts/out (the build the forge script has just made).
 * TCM_MECHANISM_ANVIL_DAYS=365 replays the whole year (≈ 1,700 transactions, about 10 s more).
 */
import { type Abi, type Hex, decodeErrorResult, encodeFunctionData, getAddress, maxUint256 } from "viem";
import { describe, expect, it } from "vitest";
import type { Action, Address } from "@tcm/domain";
import { ZERO, abiOf, account, clientsOf, deployedModel, lc, useDevnet } from "./support.js";
import {
  type Actors,
  type DayRecord,
  type Totals,
  DAY,
  DEVNET_CONFIG,
  LIDO_OTHERS,
  REFERENCE,
  Sim,
  E,
  morpheus,
  runDay,
} from "../../../packages/domain/bench/simulate.js";

const DAYS = Number(process.env["TCM_MECHANISM_ANVIL_DAYS"] ?? "30");
const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x));

const devnet = useDevnet();

describe("mechanism on anvil: the reference scenario's first days equal the simulation", () => {
  it(`${DAYS} days: reserves, pending wstETH and LP equal the model's to the wei at the end of every day`, async () => {
    const c = devnet();
    const started = Date.now();
    const machineAbi = abiOf("TechnoCapitalMachine");
    const stEthAbi = abiOf("MockStETH");
    const wstEthAbi = abiOf("MockWstETH");
    const pairAbi = abiOf("IUniswapV2Pair", "IUniswapV2");
    const errorsAbi = [...machineAbi, ...abiOf("ProjectToken"), ...stEthAbi, ...wstEthAbi].filter(
      (x) => x.type === "error",
    ) as Abi;
    const { pub, testClient, wallet, read } = clientsOf(c.url, 100);
    const M = (fn: string, args: ReadonlyArray<unknown> = []) => read(c.machine, machineAbi, fn, args);
    const enc = (abi: Abi, functionName: string, args: ReadonlyArray<unknown> = []) =>
      encodeFunctionData({ abi, functionName, args: args as unknown[] });

    // ---------------------------------------------------------------- the machine as deployed = the simulated one
    const {
      state: base,
      genesis,
      guardian,
      config,
    } = await deployedModel(c, read, { machine: machineAbi, stEth: stEthAbi });
    expect(config, "the devnet's parameters are the simulation's").toEqual(DEVNET_CONFIG);
    const sim = new Sim(base);
    const actors: Actors = {
      machine: c.machine,
      stEth: c.stEth,
      wstEth: c.wstEth,
      guardian,
      whale: account(1),
      depositor: account(2),
      keeper: account(3),
      dev: account(4),
    };

    // ---------------------------------------------------------------- one transaction on the chain
    let txCount = 0;
    const send = async (at: bigint, from: Address, to: Address, data: Hex, value = 0n): Promise<void> => {
      await testClient.request({ method: "anvil_setNextBlockTimestamp", params: [Number(at)] } as never);
      const hash = await wallet.sendTransaction({
        account: getAddress(from),
        to: getAddress(to),
        data,
        value,
        gas: 15_000_000n,
        chain: null,
      });
      const receipt = await pub.waitForTransactionReceipt({ hash, pollingInterval: 2 });
      txCount++;
      if (receipt.status !== "success") {
        const trace = (await pub.request({
          method: "debug_traceTransaction",
          params: [hash, { tracer: "callTracer" }],
        } as never)) as { output?: Hex };
        let reason = trace.output ?? "0x";
        try {
          const d = decodeErrorResult({ abi: errorsAbi, data: trace.output ?? "0x" });
          reason = `${d.errorName}(${json(d.args ?? [])})` as Hex;
        } catch {
          // undecodable: keep the raw data
        }
        throw new Error(`transaction at ${at} from ${from} reverted: ${reason}`);
      }
    };
    /** A transaction sent to both: the model first (its timestamp), then the chain at the same timestamp. */
    const both = async (at: bigint, from: Address, to: Address, data: Hex, action: Action, value = 0n) => {
      sim.send(at, from, "setup", action);
      await send(sim.lastTime, from, to, data, value);
    };

    // ---------------------------------------------------------------- set-up, all in epoch 0
    const principal = REFERENCE.principal;
    for (const [who, amount] of [
      [actors.whale, LIDO_OTHERS],
      [actors.depositor, principal],
    ] as const) {
      await testClient.request({
        method: "anvil_setBalance",
        params: [getAddress(who), `0x${(amount + 10n * E).toString(16)}`],
      } as never);
    }
    let t = (await pub.getBlock({ blockTag: "latest" })).timestamp + 1n;
    await both(
      t++,
      actors.whale,
      c.stEth,
      enc(stEthAbi, "submit", [getAddress(ZERO)]),
      { type: "submit", account: actors.whale, amount: LIDO_OTHERS },
      LIDO_OTHERS,
    );
    await both(
      t++,
      actors.depositor,
      c.stEth,
      enc(stEthAbi, "submit", [getAddress(ZERO)]),
      { type: "submit", account: actors.depositor, amount: principal },
      principal,
    );
    await send(t++, actors.depositor, c.stEth, enc(stEthAbi, "approve", [getAddress(c.machine), maxUint256]));
    const params = morpheus(actors.dev);
    const launchAt = t++;
    await send(
      launchAt,
      actors.dev,
      c.machine,
      enc(machineAbi, "launchProject", [{ ...params, contributorRecipient: getAddress(params.contributorRecipient) }]),
    );
    const view = (await M("getProject", [1])) as { token: string; pair: string };
    sim.send(launchAt, actors.dev, "setup", {
      type: "launch",
      caller: actors.dev,
      params,
      token: lc(view.token),
      pair: lc(view.pair),
    });
    const allocation = [{ projectId: 1, bps: 10_000n }];
    await both(
      t,
      actors.depositor,
      c.machine,
      enc(machineAbi, "deposit", [principal, [{ projectId: 1, bps: 10_000 }]]),
      {
        type: "deposit",
        account: actors.depositor,
        amount: principal,
        allocation,
      },
    );
    expect(sim.lastTime < genesis + DAY, "the set-up fits in epoch 0").toBe(true);
    const project = sim.state.projects[1];
    if (project === undefined) throw new Error("no project 1");
    const pair = project.pair;

    // ---------------------------------------------------------------- the model's days
    const setupEnd = sim.log.length;
    const totals: Totals = { harvested: 0n, inPool: 0n, stepBounties: 0n };
    const days: DayRecord[] = [];
    /** Beside the pool: the keeper's wstETH bounties, the machine's wstETH and stETH shares, Lido's pooled ether. */
    const ledgers: Array<{ keeperWst: bigint; machineWst: bigint; machineShares: bigint; lidoPooled: bigint }> = [];
    for (let day = 1; day <= DAYS; day++) {
      days.push(runDay(sim, REFERENCE, [1], actors, day, totals));
      ledgers.push({
        keeperWst: sim.state.wstEth.balances[actors.keeper] ?? 0n,
        machineWst: sim.state.wstEth.balances[c.machine] ?? 0n,
        machineShares: sim.state.lido.shares[c.machine] ?? 0n,
        lidoPooled: sim.state.lido.totalPooledEther,
      });
    }
    const modelMs = Date.now() - started;

    // ---------------------------------------------------------------- the chain replays them, compared every day
    const encode = (action: Action): { to: Address; data: Hex } => {
      switch (action.type) {
        case "rebase":
          return { to: c.stEth, data: enc(stEthAbi, "rebase", [action.delta]) };
        case "harvest":
          return { to: c.machine, data: enc(machineAbi, "harvest", [action.projectId]) };
        case "harvestMany":
          return { to: c.machine, data: enc(machineAbi, "harvestMany", [action.projectIds]) };
        case "deploy":
          return { to: c.machine, data: enc(machineAbi, "deploy", [action.projectId]) };
        case "deployMany":
          return { to: c.machine, data: enc(machineAbi, "deployMany", [action.projectIds]) };
        default:
          throw new Error(`no chain encoding for ${action.type}`);
      }
    };
    const txs = sim.log.slice(setupEnd);
    let next = 0;
    const mismatches: string[] = [];
    for (const [i, record] of days.entries()) {
      const dayEnd = genesis + BigInt(record.day + 1) * DAY;
      for (; next < txs.length && (txs[next]?.at as bigint) < dayEnd; next++) {
        const tx = txs[next] as (typeof txs)[number];
        const { to, data } = encode(tx.action);
        await send(tx.at, tx.from, to, data);
      }
      const [reserves, lpSupply, machineLp, projectView, keeperWst, machineWst, machineShares, lidoPooled] =
        (await Promise.all([
          read(pair, pairAbi, "getReserves"),
          read(pair, pairAbi, "totalSupply"),
          read(pair, pairAbi, "balanceOf", [getAddress(c.machine)]),
          M("getProject", [1]),
          read(c.wstEth, wstEthAbi, "balanceOf", [getAddress(actors.keeper)]),
          read(c.wstEth, wstEthAbi, "balanceOf", [getAddress(c.machine)]),
          read(c.stEth, stEthAbi, "sharesOf", [getAddress(c.machine)]),
          read(c.stEth, stEthAbi, "getTotalPooledEther"),
        ])) as [
          readonly [bigint, bigint, number],
          bigint,
          bigint,
          { pendingWstEth: bigint; carryTokens: bigint },
          bigint,
          bigint,
          bigint,
          bigint,
        ];
      const [r0, r1] = reserves;
      const [reserveWst, reserveTokens] = project.tokenIsToken0 ? [r1, r0] : [r0, r1];
      const p = record.projects[0] as DayRecord["projects"][number];
      const chain = {
        reserveWst,
        reserveTokens,
        lpSupply,
        machineLp,
        pending: projectView.pendingWstEth,
        carryTokens: projectView.carryTokens,
        keeperWst,
        machineWst,
        machineShares,
        lidoPooled,
      };
      const model = {
        reserveWst: p.reserveWst,
        reserveTokens: p.reserveTokens,
        lpSupply: p.lpTotalSupply,
        machineLp: p.machineLp,
        pending: p.pending,
        carryTokens: p.carryTokens,
        ...ledgers[i],
      };
      if (json(chain) !== json(model))
        mismatches.push(`day ${record.day}\n  chain: ${json(chain)}\n  model: ${json(model)}`);
      expect(mismatches, mismatches.join("\n")).toEqual([]);
    }
    expect(next, "every simulated transaction was replayed").toBe(txs.length);
    const last = days[days.length - 1] as DayRecord;
    console.log(
      `mechanism-anvil: ${DAYS} days, ${txs.length} simulated transactions (${txCount} on chain with the set-up), ` +
        `pool ${last.reserveWst} wei wstETH, pending ${last.pending} wei, equal every day; model ${modelMs} ms, total ${Date.now() - started} ms`,
    );
  });
});
