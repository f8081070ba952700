/**
 * Benchmark: 200 projects. (1) Their epoch turns at once: one keeper pass harvests them all (opening the pools).
 * (2) A day later, harvested again, every project has pending wstETH; at the next step time all their deploy steps
 * are due: one dry-run poll plans them all (load, triage, previews, estimates), then one poll sends them.
 * Prints wall times and the RPC requests of each (counted by a proxy between keeper and anvil: HTTP requests and
 * the JSON-RPC calls inside them). The target: a poll plans all due steps with ≤ 3 RPC requests per project.
 *
 *   npx nx run keeper:bench        (or: npm run bench -w services/keeper -- [projects=200] [chunk=25])
 */
import { ChainClient, Deployment, ModelState, TxBuilder } from "@tcm/chain";
import { Devnet } from "@tcm/chain/devnet";
import { ANVIL_ACCOUNTS, anvil, deployDevnet, writeDeploymentFile } from "@tcm/devnet";
import { ConfigProvider, Effect, Layer, LogLevel, Logger } from "effect";
import { type Address, parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { Harvester } from "../src/Harvester.js";
import { KeeperCoreLive } from "../src/Worker.js";
import { proxy } from "../test/proxy.js";

const PROJECTS = Number(process.argv[2] ?? 200);
const CHUNK = Number(process.argv[3] ?? 25);
const POLL_INTERVAL_MS = 60_000;

const rpc = (url: string, method: string, params: unknown[]) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });

const program = Effect.gen(function* () {
  const node = yield* anvil();
  const deployment = yield* deployDevnet({ rpcUrl: node.url, demoProjects: false });
  const file = writeDeploymentFile(deployment);
  const setup = Layer.mergeAll(Devnet.Default, TxBuilder.Default, ModelState.Default).pipe(
    Layer.provideMerge(
      Layer.merge(ChainClient.layer({ rpcUrls: [node.url], pollingIntervalMs: 5 }), Deployment.fromValue(deployment)),
    ),
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
      const bps = ids.map((_, k) =>
        k === 0 ? 10_000 - Math.floor(10_000 / ids.length) * (ids.length - 1) : Math.floor(10_000 / ids.length),
      );
      yield* devnet.sendAs(
        account,
        yield* builder.deposit(
          { amount: parseEther("16"), allocation: ids.map((projectId, k) => ({ projectId, bps: bps[k]! })) },
          { projectCount: PROJECTS },
        ),
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
  const keeper = yield* Layer.build(
    KeeperCoreLive.pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))),
  );
  const runPass = (dryRun: boolean) =>
    Effect.flatMap(Harvester, (h) => h.pass({ dryRun })).pipe(
      Effect.provide(keeper),
      Logger.withMinimumLogLevel(LogLevel.Warning),
    );
  const startup = { httpRequests: counter.stats.requests, jsonRpcCalls: counter.stats.calls };
  /** Runs `body`, counting the proxy's HTTP requests, JSON-RPC calls, raw transactions and the wall time. */
  const measured = <A, E>(body: Effect.Effect<A, E>) =>
    Effect.gen(function* () {
      const [requests, calls, raw] = [counter.stats.requests, counter.stats.calls, counter.stats.rawTxs.size];
      const methodsBefore = new Map(counter.stats.methods);
      const t0 = performance.now();
      const value = yield* body;
      const wall = (performance.now() - t0) / 1000;
      const httpRequests = counter.stats.requests - requests;
      const jsonRpcCalls = counter.stats.calls - calls;
      const byMethod = Object.fromEntries(
        [...counter.stats.methods]
          .map(([m, n]) => [m, n - (methodsBefore.get(m) ?? 0)])
          .filter(([, n]) => Number(n) > 0),
      );
      return {
        value,
        figures: {
          wallTimeSeconds: Number(wall.toFixed(2)),
          withinPollInterval: wall * 1000 < POLL_INTERVAL_MS,
          transactions: counter.stats.rawTxs.size - raw,
          httpRequests,
          jsonRpcCalls,
          httpRequestsPerProject: Number((httpRequests / PROJECTS).toFixed(3)),
          jsonRpcCallsPerProject: Number((jsonRpcCalls / PROJECTS).toFixed(3)),
          byMethod,
        },
      };
    });

  const harvest = yield* measured(runPass(false));
  const harvested = harvest.value.outcomes.filter((o) => o.result === "harvested").length;

  // Day 2: another day's yield, harvested (each harvest runs one step); most of it waits in pending wstETH.
  yield* Effect.gen(function* () {
    const devnet = yield* Devnet;
    yield* devnet.rebase(100);
    yield* devnet.increaseTime(86_400);
  }).pipe(Effect.provide(setup));
  const day2 = yield* runPass(false);
  const pendingProjects = yield* Effect.gen(function* () {
    const loaded = yield* Effect.flatMap(ModelState, (m) => m.load());
    const devnet = yield* Devnet;
    yield* devnet.advanceToNextStep();
    return Object.values(loaded.state.projects).filter((p) => p.pendingWstEth > 0n).length;
  }).pipe(Effect.provide(setup));
  const plan = yield* measured(runPass(true));
  const steps = yield* measured(runPass(false));
  const deployed = steps.value.deployOutcomes.filter((o) => o.result === "deployed").length;
  console.log(
    JSON.stringify(
      {
        projects: PROJECTS,
        chunkSize: CHUNK,
        startup,
        harvestPass: { due: harvest.value.due.length, harvested, failures: harvest.value.failures, ...harvest.figures },
        day2Harvested: day2.outcomes.filter((o) => o.result === "harvested").length,
        projectsWithPendingWstEth: pendingProjects,
        stepPlanningPoll: {
          stepsDue: plan.value.deployDue.length,
          planned: plan.value.deployOutcomes.filter((o) => o.result === "skipped" && o.reason === "dry-run").length,
          ...plan.figures,
        },
        stepPass: {
          stepsDue: steps.value.deployDue.length,
          deployed,
          failures: steps.value.failures,
          ...steps.figures,
        },
        targetMet: plan.figures.httpRequestsPerProject <= 3 && plan.figures.jsonRpcCallsPerProject <= 3,
      },
      null,
      2,
    ),
  );
  if (harvested !== PROJECTS || deployed !== PROJECTS || plan.figures.jsonRpcCallsPerProject > 3) process.exitCode = 1;
});

Effect.runPromise(Effect.scoped(program)).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
