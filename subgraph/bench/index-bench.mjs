#!/usr/bin/env node
// Indexing benchmark (not a test): generates ≥ 5,000 machine events on anvil, indexes them with gnd dev using the
// real mapping, then the same blocks with a no-op mapping (bench/noop.ts: same handlers, empty bodies) as the
// ceiling, and prints ms/event, time to fully synced, and the ratio real / ceiling.
//
// A regression guard, not a target (the old "≥ 0.7 × no-op" target is retired: see README.md, benchmark): the real
// mapping's ms/event, taken relative to the no-op run on the same machine at the same time (the load on these shared
// machines moves both), may not grow by more than 20 % over BASELINE below; the bench exits 1 when it does.
//
// gnd runs with RUST_LIB_BACKTRACE=0 (graphNodeEnv in test/e2e.mjs): with an inherited RUST_BACKTRACE=1, graph-node
// captures a stack trace on every WASM memory read, which slows the real mapping ≈ 7× and the no-op one not at all.
// GND_LIB_BACKTRACE=1 keeps the inherited environment, to measure that (README.md, benchmark).
//
// Also indexes the same blocks with two floor mappings (bench/floors/: event records only; records + positions), strict
// subsets of the required entities, to show what any complete mapping can reach on this graph-node.
//
// Usage (from subgraph/, after `graph codegen`): node bench/index-bench.mjs [--events N] [--ipfs host:port] [--no-floors]
// Needs PostgreSQL on 127.0.0.1:5432 (trust auth). Without --ipfs it uses the probe-only IPFS stand-in defined in
// test/e2e.mjs (gnd dev only probes IPFS at start; this subgraph never reads from it).

import { encodeFunctionData, maxUint256, parseEther } from "viem";
import { createPublicClient, http } from "viem";
import { foundry } from "viem/chains";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { deploy, gql, graphNodeEnv, startAnvil, startGraphNode, stop, teardown } from "../test/e2e.mjs";

const SUBGRAPH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const argValue = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const TARGET_EVENTS = Number(argValue("--events") ?? 5000);
const IPFS = argValue("--ipfs") ?? process.env.IPFS;
const USERS = 48;
/**
 * Real ms/event ÷ no-op ms/event measured before the per-project harvested / deployed figures were added (issue 15;
 * 5,524 events, 85 blocks: real 18.1 s, no-op 7.6 s). A change may raise it by at most 20 %.
 */
const BASELINE = 18.1 / 7.6;
const abi = (name) => JSON.parse(readFileSync(join(SUBGRAPH_DIR, "abis", `${name}.json`), "utf8"));
const machineAbi = abi("TechnoCapitalMachine");
const stEthAbi = abi("MockStETH");
const log = (message) => process.stdout.write(`bench: ${message}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function generate(rpcUrl, deployment) {
  const client = createPublicClient({ chain: foundry, transport: http(rpcUrl) });
  const rpc = (method, params = []) => client.request({ method, params });
  const accounts = await rpc("eth_accounts");
  const users = accounts.slice(1, 1 + USERS);
  const keeper = accounts[0];
  // Transactions are queued and mined USERS at a time (automine off): many events per block, fast to generate.
  await rpc("evm_setAutomine", [false]);
  const send = (from, to, contractAbi, functionName, args = [], value) =>
    rpc("eth_sendTransaction", [
      { from, to, data: encodeFunctionData({ abi: contractAbi, functionName, args }), gas: "0x2dc6c0", ...(value ? { value: `0x${value.toString(16)}` } : {}) },
    ]);
  const mine = () => rpc("evm_mine");
  const countEvents = async () =>
    (await client.getLogs({ address: deployment.machine, fromBlock: 0n, toBlock: await client.getBlockNumber({ cacheTime: 0 }) })).length;

  for (const user of users) {
    await send(user, deployment.stETH, stEthAbi, "submit", ["0x0000000000000000000000000000000000000000"], parseEther("1000"));
    await send(user, deployment.stETH, stEthAbi, "approve", [deployment.machine, maxUint256]);
  }
  await mine();
  const allocations = [
    [{ projectId: 1, bps: 10_000 }],
    [{ projectId: 1, bps: 5000 }, { projectId: 2, bps: 5000 }],
    [{ projectId: 1, bps: 2000 }, { projectId: 2, bps: 3000 }, { projectId: 3, bps: 5000 }],
    [{ projectId: 2, bps: 4000 }, { projectId: 3, bps: 6000 }],
  ];
  users.forEach((user, i) => send(user, deployment.machine, machineAbi, "deposit", [parseEther(String(1 + (i % 7))), allocations[i % 4]]));
  await mine();

  let events = await countEvents();
  for (let round = 1; events < TARGET_EVENTS; round++) {
    // An hour passes and stETH rebases a little, so every position change also checkpoints yield.
    const pooled = await client.readContract({ address: deployment.stETH, abi: stEthAbi, functionName: "getTotalPooledEther" });
    await send(keeper, deployment.stETH, stEthAbi, "rebase", [pooled / 20_000n]);
    await rpc("evm_increaseTime", [3600]);
    for (const [i, user] of users.entries()) {
      const step = (round + i) % 3;
      if (step === 0) await send(user, deployment.machine, machineAbi, "reallocate", [allocations[(round + i) % 4]]);
      else if (step === 1) await send(user, deployment.machine, machineAbi, "topUp", [parseEther("0.01")]);
      else await send(user, deployment.machine, machineAbi, "claim", [[1, 2, 3], user]);
    }
    if (round % 24 === 0) await send(keeper, deployment.machine, machineAbi, "harvestMany", [[1, 2, 3]]);
    // Deploy steps every hour after the first harvest (deployMany skips the projects whose step is not due).
    else if (round > 24) await send(keeper, deployment.machine, machineAbi, "deployMany", [[1, 2, 3]]);
    await mine();
    if (round % 10 === 0) {
      events = await countEvents();
      log(`round ${round}: ${events} events`);
    }
  }
  await rpc("evm_setAutomine", [true]);
  const head = Number(await client.getBlockNumber({ cacheTime: 0 }));
  return { events: await countEvents(), head };
}

async function indexOnce(label, rpcUrl, deploymentFile, head, options) {
  const node = await startGraphNode(rpcUrl, deploymentFile, options);
  let firstBlockAt;
  let lastStatus = "";
  for (;;) {
    try {
      const { indexingStatuses } = await gql(node.status, "{ indexingStatuses { health fatalError { message } chains { latestBlock { number } } } }");
      const status = indexingStatuses[0];
      if (status?.health === "failed") throw new Error(`${label}: subgraph failed: ${status.fatalError?.message}`);
      const latest = Number(status?.chains[0]?.latestBlock?.number ?? -1);
      if (latest >= 0 && firstBlockAt === undefined) firstBlockAt = Date.now();
      lastStatus = `latest ${latest}`;
      if (latest >= head) {
        const { _meta } = await gql(node.graphql, "{ _meta { block { number } } }");
        if (_meta.block.number >= head) break;
      }
    } catch (error) {
      if (String(error.message).includes("subgraph failed")) throw error;
    }
    if (Date.now() - node.startedAt > 600_000) throw new Error(`${label}: not synced after 10 minutes (${lastStatus})`);
    await sleep(100);
  }
  const syncedAt = Date.now();
  await stop(node.child);
  return { total: (syncedAt - node.startedAt) / 1000, indexing: (syncedAt - (firstBlockAt ?? node.startedAt)) / 1000 };
}

async function main() {
  let exitCode = 1;
  process.on("SIGINT", () => teardown().finally(() => process.exit(130)));
  try {
    const rpcUrl = await startAnvil(["--accounts", String(USERS + 2)]);
    const deployment = deploy(rpcUrl);
    const deploymentFile = deployment.file;
    const began = Date.now();
    const { events, head } = await generate(rpcUrl, deployment);
    log(`gnd environment: RUST_BACKTRACE=${process.env.RUST_BACKTRACE ?? "(unset)"}, RUST_LIB_BACKTRACE=${graphNodeEnv().RUST_LIB_BACKTRACE ?? "(unset)"}`);
    log(`generated ${events} machine events in ${head} blocks (${((Date.now() - began) / 1000).toFixed(1)} s)`);
    // The same blocks with each mapping, each from a fresh database: the real one, the two floors (strict subsets of
    // the entities issue #5 requires: bench/floors/), and the no-op ceiling. --no-floors skips the floors.
    const runs = [["real mapping", { workDir: "bench/.out/real" }]];
    if (!process.argv.includes("--no-floors")) {
      runs.push(["floor: records", { workDir: "bench/.out/records", mapping: "bench/floors/records.ts" }]);
      runs.push(["floor: +positions", { workDir: "bench/.out/positions", mapping: "bench/floors/positions.ts" }]);
    }
    runs.push(["no-op mapping", { workDir: "bench/.out/noop", mapping: "bench/noop.ts" }]);
    const results = [];
    for (const [label, options] of runs) results.push([label, await indexOnce(label, rpcUrl, deploymentFile, head, { ...options, ipfs: IPFS })]);
    // events/s over the whole time to fully synced (gnd start-up included): the index-node status only moves when a
    // write batch commits, and the first batch can span most of the chain, so "time since the first block" is not
    // measurable from outside.
    const rate = (run) => events / run.total;
    const msPerEvent = (run) => (run.total * 1000) / events;
    const ceiling = results.at(-1)[1];
    for (const [label, run] of results) {
      const ratio = label === "no-op mapping" ? "" : `  ratio ${(rate(run) / rate(ceiling)).toFixed(2)}`;
      log(`${label.padEnd(18)} fully synced in ${run.total.toFixed(1).padStart(6)} s (first status at ${(run.total - run.indexing).toFixed(1)} s): ${rate(run).toFixed(0).padStart(6)} events/s, ${msPerEvent(run).toFixed(2)} ms/event${ratio}`);
    }
    const relative = msPerEvent(results[0][1]) / msPerEvent(ceiling);
    const growth = relative / BASELINE - 1;
    log(`real ms/event = ${relative.toFixed(2)} × no-op (baseline ${BASELINE.toFixed(2)}): ${growth >= 0 ? "+" : ""}${(growth * 100).toFixed(0)} % — ${growth <= 0.2 ? "OK (guard: ≤ +20 %)" : "REGRESSION (> +20 %)"}`);
    exitCode = growth <= 0.2 ? 0 : 1;
  } catch (error) {
    process.stderr.write(`bench: ERROR ${error.stack ?? error}\n`);
  } finally {
    await teardown();
  }
  process.exit(exitCode);
}

// bench/profile.mjs imports generate() from here; run the benchmark only when invoked directly.
if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
