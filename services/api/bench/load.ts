/**
 * Load benchmark (not a test): `node --import tsx services/api/bench/load.ts` (or `npx nx run api:bench`).
 *
 * Starts anvil, deploys with the forge script, launches projects up to 50 and opens a few positions, runs the API
 * as its own process (`src/main.ts`, production settings), and drives it with autocannon on loopback:
 *   - project(id) with every live field,
 *   - projects(first: 50) with the live fields,
 * printing req/s and p50/p99 latency. In the same run, the equivalent data straight from graph-node's GraphQL
 * endpoint when TCM_SUBGRAPH_URL (or --subgraph <url>) answers; skipped with a message otherwise.
 * Options: --duration <s> (default 10), --connections <n> (default 10). Target: p99 < 50 ms on a 2-core machine.
 */
import { ChainClient, Deployment, TxBuilder } from "@tcm/chain";
import { ANVIL_ACCOUNTS, Devnet, deployDevnet, startAnvil, stopAnvil } from "@tcm/chain/devnet";
import autocannon from "autocannon";
import { Effect, Layer, ManagedRuntime } from "effect";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEther } from "viem";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const DURATION = Number(arg("duration", "10"));
const CONNECTIONS = Number(arg("connections", "10"));
const SUBGRAPH = arg("subgraph", process.env["TCM_SUBGRAPH_URL"] ?? "");
const TARGET_PROJECTS = 50;

const LIVE_FIELDS = `id name symbol seeded spotPrice referencePrice allocatedPrincipal pendingYieldStEth pendingWstEth nextHarvestTime harvestReady deployReady
  emissionRatePerDay emittedSupply lockedLiquidity lockedLiquidityValueWstEth apr token { address totalSupply } pair { reserveWstEth reserveTokens }`;
const API_QUERIES = {
  "project(id)": `{ project(id: "1") { ${LIVE_FIELDS} } }`,
  "projects(first: 50)": `{ projects(first: 50) { totalCount nodes { ${LIVE_FIELDS} } } }`,
};
const SUBGRAPH_FIELDS = "id name symbol seeded allocatedPrincipal poolPrice reserveWstEth reserveTokens lpTotalSupply cumulativeLiquidityMinted tokenSupply";
const SUBGRAPH_QUERIES = {
  "project(id)": `{ project(id: "1") { ${SUBGRAPH_FIELDS} } }`,
  "projects(first: 50)": `{ projects(first: 50, orderBy: projectId) { ${SUBGRAPH_FIELDS} } }`,
};

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });

const load = (title: string, url: string, query: string) =>
  new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        title,
        url,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
        connections: CONNECTIONS,
        duration: DURATION,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });

const report = (result: autocannon.Result) => {
  const ok = result.non2xx === 0 && result.errors === 0;
  process.stdout.write(
    `${result.title!.padEnd(36)} ${result.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(result.latency.p50).padStart(4)} ms   p99 ${String(result.latency.p99).padStart(4)} ms   ` +
      `${result.requests.total} requests${ok ? "" : `, ${result.non2xx} non-2xx, ${result.errors} errors`}${result.latency.p99 < 50 ? "" : "   (over the 50 ms p99 target)"}\n`,
  );
};

const main = async () => {
  const node = await Effect.runPromise(startAnvil());
  const dir = mkdtempSync(join(tmpdir(), "tcm-api-bench-"));
  const deploymentFile = join(dir, "deployment.json");
  let api: ChildProcess | undefined;
  try {
    const deployment = await Effect.runPromise(deployDevnet({ rpcUrl: node.url, outFile: deploymentFile }));
    const chain = Layer.mergeAll(ChainClient.layer({ rpcUrls: [node.url], pollingIntervalMs: 20 }), Deployment.fromValue(deployment));
    const tools = ManagedRuntime.make(Layer.mergeAll(Devnet.Default, TxBuilder.Default).pipe(Layer.provide(chain)));
    const deployer = ANVIL_ACCOUNTS[0]!.address;
    await tools.runPromise(
      Effect.gen(function* () {
        const devnet = yield* Devnet;
        const builder = yield* TxBuilder;
        for (let i = 4; i <= TARGET_PROJECTS; i++) {
          const tx = yield* builder.launchProject({
            name: `Bench ${i}`,
            symbol: `B${i}`,
            launchPrice: 10n ** 15n,
            dailyEmission: 10n ** 21n,
            decayBps: 10n,
            maxSupply: 10n ** 26n,
            seedReserve: 10n ** 24n,
            contributorBps: 0n,
          });
          yield* devnet.sendAs(deployer, tx);
        }
        for (const [i, account] of ANVIL_ACCOUNTS.slice(1, 6).entries()) {
          yield* devnet.fundStEth(account.address, parseEther("10"));
          yield* devnet.approveStEth(account.address, parseEther("10"));
          const tx = yield* builder.deposit({ amount: parseEther("5"), allocation: [{ projectId: 1 + i, bps: 5_000 }, { projectId: 10 + i, bps: 5_000 }] });
          yield* devnet.sendAs(account.address, tx);
        }
        // A day of yield and the harvests (each opening its pool), so prices and locked liquidity are live.
        yield* devnet.rebase(30);
        yield* devnet.increaseTime(86_400);
        yield* devnet.sendAs(deployer, yield* builder.harvestMany({ projectIds: Array.from({ length: TARGET_PROJECTS }, (_, i) => i + 1) }));
        yield* devnet.increaseTime(3_600);
      }),
    );
    await tools.dispose();

    const port = await freePort();
    const root = fileURLToPath(new URL("../../..", import.meta.url));
    api = spawn(process.execPath, ["--import", "tsx", "services/api/src/main.ts"], {
      cwd: root,
      env: { ...process.env, TCM_RPC_URLS: node.url, TCM_DEPLOYMENT_FILE: deploymentFile, TCM_API_PORT: String(port), TCM_SUBGRAPH_URL: SUBGRAPH },
      stdio: ["ignore", process.env["BENCH_DEBUG"] ? "inherit" : "ignore", "inherit"],
    });
    const url = `http://127.0.0.1:${port}/graphql`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(url.replace("/graphql", "/health"))).ok) break;
      } catch {
        /* not up yet */
      }
      if (api.exitCode !== null) throw new Error(`the API exited (${api.exitCode})`);
      if (i > 600) throw new Error("the API did not start within 60 s");
      await new Promise((r) => setTimeout(r, 100));
    }
    // Warm-up (names, first snapshot) and a sanity check of the answers.
    for (const query of Object.values(API_QUERIES)) {
      const body = (await (await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) })).json()) as {
        errors?: unknown;
      };
      if (body.errors) throw new Error(`warm-up query failed: ${JSON.stringify(body.errors)}`);
    }
    process.stdout.write(`\nTCM API load test: ${CONNECTIONS} connections, ${DURATION} s each, ${TARGET_PROJECTS} projects, loopback\n\n`);
    for (const [name, query] of Object.entries(API_QUERIES)) report(await load(`api ${name}`, url, query));

    let subgraphUp = false;
    if (SUBGRAPH !== "") {
      try {
        const r = await fetch(SUBGRAPH, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ _meta { block { number } } }" }) });
        subgraphUp = r.ok;
      } catch {
        subgraphUp = false;
      }
    }
    if (subgraphUp) {
      for (const [name, query] of Object.entries(SUBGRAPH_QUERIES)) report(await load(`graph-node ${name}`, SUBGRAPH, query));
    } else {
      process.stdout.write(
        `graph-node: skipped (${SUBGRAPH === "" ? "no TCM_SUBGRAPH_URL / --subgraph given" : `${SUBGRAPH} not reachable`}); point it at a graph-node serving this chain to compare\n`,
      );
    }
  } finally {
    if (api?.pid !== undefined) api.kill("SIGTERM");
    await Effect.runPromise(stopAnvil(node.pid));
    rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((error) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
