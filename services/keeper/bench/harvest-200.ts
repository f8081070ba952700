/**
 * Benchmark: 200 projects ready at once; one keeper pass harvests them all.
 * Prints the wall time of the pass and the RPC requests it made (counted by a proxy between keeper and anvil:
 * HTTP requests and the JSON-RPC calls inside them).
 *
 *   npx tsx services/keeper/bench/harvest-200.ts [projects=200] [chunk=25]
 */
import { ChainClient, Deployment, ModelState, TxBuilder } from "@tcm/chain";
import { ANVIL_ACCOUNTS, Devnet, anvil, deployDevnet } from "@tcm/chain/devnet";
import { ConfigProvider, Effect, Layer, LogLevel, Logger } from "effect";
import { type Address, parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { Harvester } from "../src/Harvester.js";
import { KeeperCoreLive } from "../src/Worker.js";
import { proxy } from "../test/proxy.js";
import { writeDeploymentFile } from "../test/support.js";

const PROJECTS = Number(process.argv[2] ?? 200);
const CHUNK = Number(process.argv[3] ?? 25);
const POLL_INTERVAL_MS = 60_000;

const rpc = (url: string, method: string, params: unknown[]) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });

const program = Effect.gen(function* () {
  const node = yield* anvil();
  const deployment = yield* deployDevnet({ rpcUrl: node.url, demoProjects: false });
  const file = writeDeploymentFile(deployment);
  const setup = Layer.mergeAll(Devnet.Default, TxBuilder.Default, ModelState.Default).pipe(
    Layer.provideMerge(Layer.merge(ChainClient.layer({ rpcUrls: [node.url], pollingIntervalMs: 5 }), Deployment.fromValue(deployment))),
  );
  const started = Date.now();
  yield* Effect.gen(function* () {
    const devnet = yield* Devnet;
    const builder = yield* TxBuilder;
    const owner = ANVIL_ACCOUNTS[1]!.address;
    const bounds = yield* builder.launchBounds;
    for (let i = 1; i <= PROJECTS; i++) {
      const params = {
        name: `Bench ${i}`,
        symbol: `B${i}`,
        metadataURI: `ipfs://bench/${i}`,
        launchPrice: parseEther("0.0005"),
        dailyEmission: parseEther("1000"),
        decayBps: 25n,
        maxSupply: bounds.maxSupplyLimit,
        seedReserve: parseEther("1000000"),
        contributorBps: 500n,
        contributorRecipient: owner,
      };
      yield* devnet.sendAs(owner, yield* builder.launchProject(params, { projectCount: i - 1, launchBounds: bounds }));
    }
    // Depositors (8 projects each, the maximum per position), impersonated fresh accounts.
    for (let d = 0; d * 8 < PROJECTS; d++) {
      const account = privateKeyToAccount(generatePrivateKey()).address as Address;
      yield* Effect.promise(() => rpc(node.url, "anvil_setBalance", [account, "0x56BC75E2D63100000"]));
      yield* Effect.promise(() => rpc(node.url, "anvil_impersonateAccount", [account]));
      yield* devnet.fundStEth(account, parseEther("20"));
      yield* devnet.approveStEth(account, parseEther("20"));
      const ids = Array.from({ length: Math.min(8, PROJECTS - d * 8) }, (_, k) => d * 8 + k + 1);
      const bps = ids.map((_, k) => (k === 0 ? 10_000 - Math.floor(10_000 / ids.length) * (ids.length - 1) : Math.floor(10_000 / ids.length)));
      yield* devnet.sendAs(
        account,
        yield* builder.deposit({ amount: parseEther("16"), allocation: ids.map((projectId, k) => ({ projectId, bps: bps[k]! })) }, { projectCount: PROJECTS }),
      );
    }
    yield* devnet.rebase(100);
    yield* devnet.increaseTime(86_400);
  }).pipe(Effect.provide(setup));
  console.log(`setup: ${PROJECTS} projects launched and funded in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const counter = yield* proxy(node.url);
  const env = {
    TCM_RPC_URLS: counter.url,
    TCM_PRIVATE_KEY: ANVIL_ACCOUNTS[2]!.privateKey,
    TCM_DEPLOYMENT_FILE: file,
    TCM_SPONSORED_PROJECTS: "all",
    TCM_HARVEST_CHUNK_SIZE: String(CHUNK),
    TCM_RECEIPT_POLL_MS: "50",
    TCM_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
  };
  const keeper = yield* Layer.build(KeeperCoreLive.pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))));
  const startupRequests = counter.stats.requests;
  const startupCalls = counter.stats.calls;
  const t0 = performance.now();
  const report = yield* Effect.flatMap(Harvester, (h) => h.pass({ dryRun: false })).pipe(
    Effect.provide(keeper),
    Logger.withMinimumLogLevel(LogLevel.Warning),
  );
  const wall = (performance.now() - t0) / 1000;
  const harvested = report.outcomes.filter((o) => o.result === "harvested").length;
  const requests = counter.stats.requests - startupRequests;
  const calls = counter.stats.calls - startupCalls;
  const txs = counter.stats.rawTxs.size;
  console.log(
    JSON.stringify(
      {
        projects: PROJECTS,
        due: report.due.length,
        harvested,
        failures: report.failures,
        chunkSize: CHUNK,
        transactions: txs,
        wallTimeSeconds: Number(wall.toFixed(2)),
        withinPollInterval: wall * 1000 < POLL_INTERVAL_MS,
        httpRequests: requests,
        jsonRpcCalls: calls,
        httpRequestsPerProject: Number((requests / PROJECTS).toFixed(3)),
        jsonRpcCallsPerProject: Number((calls / PROJECTS).toFixed(3)),
        startup: { httpRequests: startupRequests, jsonRpcCalls: startupCalls },
        byMethod: Object.fromEntries(counter.stats.methods),
      },
      null,
      2,
    ),
  );
  if (harvested !== PROJECTS) process.exitCode = 1;
});

Effect.runPromise(Effect.scoped(program)).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
