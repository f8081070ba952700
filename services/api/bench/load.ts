/**
 * Load benchmark (not a test): `npx nx run api:bench` (= `node --import tsx services/api/bench/load.ts`).
 *
 * Starts anvil, deploys with the forge script, launches projects up to 50, opens a few positions and harvests (each
 * harvest opening its pool), starts `gnd dev` indexing THAT chain (subgraph/test/e2e.mjs over @tcm/devnet: fresh
 * Postgres database, IPFS endpoint, free ports) and waits until it has indexed the head, then runs the API as
 * operators run it (its bundle, `dist/bundle/main.mjs`, built by the target's dependencies; production settings)
 * against the same chain and graph-node, and drives both with autocannon on loopback:
 *   - project(id) with every live field, and graph-node's project(id) with the subgraph's fields;
 *   - projects(first: 50) with the live fields, and graph-node's projects(first: 50).
 * Each query runs twice per server: "cached" sends one query text (the API answers from its per-block answer cache,
 * graph-node from its own), "uncached" makes every request's text unique (a root alias `u<n>: __typename`), so
 * neither server can reuse an answer or a parsed document. Prints req/s, p50 and p99 for the API and graph-node side
 * by side, their throughput ratio, the CPU time each side spent per request (API process; gnd and the Postgres
 * backends serving its database) and its ratio, and the load average of the machine.
 * Targets (uncached, 10 connections, 50 projects): API ≥ graph-node's req/s; p99 < 50 ms for projects(first: 50).
 *
 * Each pair of runs is repeated --rounds times (default 3), API and graph-node alternating, and each side's median
 * round is shown with every round's ratio: the machine's load moves between runs, and alternating exposes both sides
 * to it alike.
 *
 * Options: --duration <s> per run (default 5), --connections <n> (default 10), --rounds <n> (default 3), --only <substring of a query name>,
 * --workers <n> (TCM_API_WORKERS of the API it starts, default 1; the API's CPU time is then its primary's and its
 * workers'),
 * --cpu-prof <dir> (runs the API with node --cpu-prof, the profile written there when it stops; summarise it with
 * `node bench/cpu-profile.mjs <file>`). An existing chain: --rpc <url> --deployment <file> --subgraph <url> (a
 * graph-node indexing that deployment) skip the set-up.
 */
import { ChainClient, Deployment, TxBuilder } from "@tcm/chain";
import { Devnet } from "@tcm/chain/devnet";
import { ANVIL_ACCOUNTS, deployDevnet, type Indexer, startAnvil, stopAnvil } from "@tcm/devnet";
import autocannon from "autocannon";
import { Effect, Layer, ManagedRuntime } from "effect";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseEther } from "viem";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const DURATION = Number(arg("duration", "5"));
const ROUNDS = Number(arg("rounds", "3"));
const CONNECTIONS = Number(arg("connections", "10"));
const ONLY = arg("only", "");
const CPU_PROF = arg("cpu-prof", "");
const WORKERS = arg("workers", "1");
const GIVEN = { rpc: arg("rpc", ""), deployment: arg("deployment", ""), subgraph: arg("subgraph", "") };
const TARGET_PROJECTS = 50;
if (!(DURATION > 0) || !Number.isInteger(CONNECTIONS) || CONNECTIONS < 1 || !Number.isInteger(ROUNDS) || ROUNDS < 1) {
  throw new Error("--duration, --connections and --rounds must be positive");
}
if (!/^[1-9]\d*$/.test(WORKERS))
  throw new Error(`--workers must be a positive integer, got ${JSON.stringify(WORKERS)}`);
const given = Object.values(GIVEN).filter((v) => v !== "").length;
if (given !== 0 && given !== 3)
  throw new Error("--rpc, --deployment and --subgraph go together (an existing chain and a graph-node indexing it)");

const LIVE_FIELDS = `id name symbol seeded spotPrice referencePrice allocatedPrincipal pendingYieldStEth pendingWstEth nextHarvestTime harvestReady deployReady
  emissionRatePerDay emittedSupply lockedLiquidity lockedLiquidityValueWstEth apr token { address totalSupply } pair { reserveWstEth reserveTokens }`;
const SUBGRAPH_FIELDS =
  "id name symbol seeded poolPrice reserveWstEth reserveTokens lpTotalSupply cumulativeLiquidityMinted latestDay { allocatedPrincipal tokenSupply }";
/** Each query as the API and as graph-node serve it; `extra` is spliced into the root selection (the cache buster). */
const QUERIES: ReadonlyArray<{ name: string; api: (extra: string) => string; graphNode: (extra: string) => string }> = [
  {
    name: "project(id)",
    api: (extra) => `{ project(id: "1") { ${LIVE_FIELDS} }${extra} }`,
    graphNode: (extra) => `{ project(id: "1") { ${SUBGRAPH_FIELDS} }${extra} }`,
  },
  {
    name: "projects(first: 50)",
    api: (extra) => `{ projects(first: 50) { totalCount nodes { ${LIVE_FIELDS} } }${extra} }`,
    graphNode: (extra) => `{ projects(first: 50, orderBy: projectId) { ${SUBGRAPH_FIELDS} }${extra} }`,
  },
];
const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });

/** Bodies that autocannon sends: one fixed text ("cached"), or a unique text per request ("uncached"). */
let sequence = 0;
type Measured = autocannon.Result & { readonly cpuMsPerRequest: number | undefined };
/** One autocannon run, with the CPU time the server's processes (`pids()`) spent per request during it. */
const run = async (
  url: string,
  query: (extra: string) => string,
  uncached: boolean,
  pids: () => ReadonlyArray<number>,
): Promise<Measured> => {
  const watched = pids();
  const before = cpuMs(watched);
  const result = await drive(url, query, uncached);
  const after = cpuMs(watched);
  return {
    ...result,
    cpuMsPerRequest:
      before === undefined || after === undefined || watched.length === 0
        ? undefined
        : (after - before) / result.requests.total,
  };
};
const drive = (url: string, query: (extra: string) => string, uncached: boolean) =>
  new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: query("") }),
        connections: CONNECTIONS,
        duration: DURATION,
        ...(uncached
          ? {
              requests: [
                {
                  setupRequest: (request) => ({
                    ...request,
                    body: JSON.stringify({ query: query(` u${++sequence}: __typename`) }),
                  }),
                },
              ],
            }
          : {}),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });

const post = async (url: string, query: string) => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
  if (!response.ok || body.errors) throw new Error(`${url}: ${response.status} ${JSON.stringify(body.errors ?? body)}`);
  return body.data!;
};

const cell = (r: Measured) => {
  const failed = r.non2xx + r.errors;
  const cpu = r.cpuMsPerRequest === undefined ? "" : `, ${r.cpuMsPerRequest.toFixed(2)} CPU ms/req`;
  return `${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms${cpu}${failed > 0 ? ` (${failed} failed)` : ""}`;
};

interface E2E {
  startGraphNode(rpcUrl: string, deploymentFile: string, options: { workDir: string }): Promise<Indexer>;
  waitForSync(node: Indexer, block: number, deadline: number): Promise<void>;
  teardown(): Promise<void>;
  psql(sql: string, database?: string): { status: number | null; stdout: string };
}

/**
 * CPU time (user + system, ms) the processes `pids` have used, from /proc (Linux; undefined elsewhere). Requests per
 * CPU second do not depend on how much of the shared machine each side got: graph-node runs many threads and its
 * queries run in Postgres backends, so under contention it gets a larger share of the two cores than the
 * single-threaded API.
 */
const cpuMs = (pids: ReadonlyArray<number>): number | undefined => {
  try {
    const tick = 1000 / 100; // USER_HZ
    return pids.reduce((sum, pid) => {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8")
        .replace(/^.*\) /, "")
        .split(" ");
      return sum + (Number(fields[11]) + Number(fields[12])) * tick;
    }, 0);
  } catch {
    return undefined;
  }
};

/** The PIDs of `pid`'s child processes, from /proc (Linux; none elsewhere). */
const childrenOf = (pid: number): ReadonlyArray<number> => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

/** 50 projects, a few positions, a day of yield and the harvests that open the pools. */
const populate = async (rpcUrl: string, deploymentFile: string) => {
  const deployment = await Effect.runPromise(deployDevnet({ rpcUrl, outFile: deploymentFile }));
  const chain = Layer.mergeAll(
    ChainClient.layer({ rpcUrls: [rpcUrl], pollingIntervalMs: 20 }),
    Deployment.fromValue(deployment),
  );
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
        const tx = yield* builder.deposit({
          amount: parseEther("5"),
          allocation: [
            { projectId: 1 + i, bps: 5_000 },
            { projectId: 10 + i, bps: 5_000 },
          ],
        });
        yield* devnet.sendAs(account.address, tx);
      }
      // A day of yield and the harvests (each opening its pool), so prices and locked liquidity are live.
      yield* devnet.rebase(30);
      yield* devnet.increaseTime(86_400);
      yield* devnet.sendAs(
        deployer,
        yield* builder.harvestMany({ projectIds: Array.from({ length: TARGET_PROJECTS }, (_, i) => i + 1) }),
      );
      yield* devnet.increaseTime(3_600);
    }),
  );
  await tools.dispose();
};

const main = async () => {
  const root = fileURLToPath(new URL("../../..", import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), "tcm-api-bench-"));
  const workDir = `bench/.out/api-bench-${process.pid}`;
  let anvil: { pid: number } | undefined;
  let e2e: E2E | undefined;
  let api: ChildProcess | undefined;
  try {
    let rpcUrl = GIVEN.rpc;
    let deploymentFile = GIVEN.deployment;
    let subgraphUrl = GIVEN.subgraph;
    // graph-node's processes: gnd and the Postgres backends serving its database (unknown for a given graph-node).
    let graphNodePids = (): ReadonlyArray<number> => [];
    if (given === 0) {
      const node = await Effect.runPromise(startAnvil());
      anvil = node;
      rpcUrl = node.url;
      deploymentFile = join(dir, "deployment.json");
      await populate(rpcUrl, deploymentFile);
      e2e = (await import(pathToFileURL(join(root, "subgraph/test/e2e.mjs")).href)) as E2E;
      const graphNode = await e2e.startGraphNode(rpcUrl, deploymentFile, { workDir });
      const head = Number(
        (
          (await (
            await fetch(rpcUrl, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}',
            })
          ).json()) as { result: string }
        ).result,
      );
      await e2e.waitForSync(graphNode, head, Date.now() + 300_000);
      subgraphUrl = graphNode.graphql;
      const tools = e2e;
      graphNodePids = () => {
        const backends = tools
          .psql(`select pid from pg_stat_activity where datname = '${graphNode.database}'`)
          .stdout.trim()
          .split("\n")
          .filter(Boolean)
          .map(Number);
        return [graphNode.pid, ...backends];
      };
    }

    const port = await freePort();
    api = spawn(
      process.execPath,
      [...(CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", CPU_PROF] : []), "services/api/dist/bundle/main.mjs"],
      {
        cwd: root,
        // Production settings: NODE_ENV=production also turns off graphql-js's development-mode checks (its instanceOf
        // walks class names on every failed type test: ≈ 1 % of an uncached request's samples in the profile).
        env: {
          ...process.env,
          NODE_ENV: "production",
          TCM_RPC_URLS: rpcUrl,
          TCM_DEPLOYMENT_FILE: deploymentFile,
          TCM_API_PORT: String(port),
          TCM_SUBGRAPH_URL: subgraphUrl,
          TCM_API_WORKERS: WORKERS,
        },
        stdio: ["ignore", process.env["BENCH_DEBUG"] ? "inherit" : "ignore", "inherit"],
      },
    );
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
    // Warm-up and sanity checks: both servers answer every query, about the same chain (same project names and
    // allocated principal), and the API's history comes from this graph-node (its totals agree).
    for (const q of QUERIES) {
      await post(url, q.api(""));
      await post(subgraphUrl, q.graphNode(""));
    }
    const apiProjects = (await post(url, `{ projects(first: 50) { nodes { id name allocatedPrincipal } } }`))[
      "projects"
    ] as { nodes: Array<{ id: string; name: string; allocatedPrincipal: string }> };
    const gnProjects = (
      await post(
        subgraphUrl,
        `{ projects(first: 50, orderBy: projectId) { id name latestDay { allocatedPrincipal } } }`,
      )
    )["projects"] as Array<{ id: string; name: string; latestDay: { allocatedPrincipal: string } }>;
    const same =
      apiProjects.nodes.length === TARGET_PROJECTS &&
      gnProjects.length === TARGET_PROJECTS &&
      apiProjects.nodes.every(
        (p, i) =>
          p.name === gnProjects[i]!.name && p.allocatedPrincipal === gnProjects[i]!.latestDay.allocatedPrincipal,
      );
    if (!same) throw new Error("the API and graph-node do not serve the same chain (projects differ)");
    const history = (await post(url, `{ protocol { totals { harvestCount } } }`))["protocol"] as {
      totals: { harvestCount: number } | null;
    };
    const indexed = (await post(subgraphUrl, `{ protocols { harvestCount } }`))["protocols"] as Array<{
      harvestCount: number;
    }>;
    if (
      history.totals === null ||
      history.totals.harvestCount === 0 ||
      history.totals.harvestCount !== indexed[0]?.harvestCount
    ) {
      throw new Error(
        `the API's history is not this graph-node's: API ${JSON.stringify(history)}, graph-node ${JSON.stringify(indexed)}`,
      );
    }

    process.stdout.write(
      `\nTCM API (${WORKERS} worker${WORKERS === "1" ? "" : "s"}) vs graph-node on the same chain: ${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} rounds (median shown), ${TARGET_PROJECTS} projects, loopback; ${CPU_PROF ? "API under --cpu-prof; " : ""}load average ${loadAverage()}\n\n`,
    );
    process.stdout.write(
      "| query | answers | API | graph-node | API ÷ graph-node (req/s) | API ÷ graph-node (requests per CPU second) | load avg (1/5/15 min) |\n|---|---|---|---|---|---|---|\n",
    );
    // Each pair runs ROUNDS times, API and graph-node alternating, so a burst of load from elsewhere on the machine
    // hits both sides; the row shows each side's median round (by req/s) and every round's ratio.
    const median = (results: ReadonlyArray<Measured>) =>
      [...results].sort((x, y) => x.requests.average - y.requests.average)[Math.floor(results.length / 2)]!;
    for (const q of QUERIES.filter((q) => q.name.includes(ONLY))) {
      for (const uncached of [false, true]) {
        const apiRuns: Measured[] = [];
        const graphNodeRuns: Measured[] = [];
        // The API's process and, with --workers > 1, its cluster's workers (the primary's children).
        const apiPid = api.pid === undefined ? [] : [api.pid, ...childrenOf(api.pid)];
        for (let round = 0; round < ROUNDS; round++) {
          apiRuns.push(await run(url, q.api, uncached, () => apiPid));
          graphNodeRuns.push(await run(subgraphUrl, q.graphNode, uncached, graphNodePids));
        }
        const a = median(apiRuns);
        const g = median(graphNodeRuns);
        const target =
          uncached &&
          (a.requests.average < g.requests.average || (q.name.startsWith("projects") && a.latency.p99 >= 50))
            ? " (target missed)"
            : "";
        const rounds = apiRuns
          .map((r, i) => (r.requests.average / graphNodeRuns[i]!.requests.average).toFixed(2))
          .join(", ");
        const cpu = (runs: ReadonlyArray<Measured>) => {
          const values = runs
            .map((r) => r.cpuMsPerRequest)
            .filter((v): v is number => v !== undefined)
            .sort((x, y) => x - y);
          return values.length === runs.length ? values[Math.floor(values.length / 2)] : undefined;
        };
        const [apiCpu, graphNodeCpu] = [cpu(apiRuns), cpu(graphNodeRuns)];
        const efficiency =
          apiCpu === undefined || graphNodeCpu === undefined || apiCpu === 0
            ? "n/a"
            : (graphNodeCpu / apiCpu).toFixed(2);
        process.stdout.write(
          `| ${q.name} | ${uncached ? "uncached (unique text)" : "cached (same text)"} | ${cell(a)} | ${cell(g)} | ${(a.requests.average / g.requests.average).toFixed(2)}${target} (rounds: ${rounds}) | ${efficiency} (median CPU ms/req ${apiCpu?.toFixed(2) ?? "n/a"} vs ${graphNodeCpu?.toFixed(2) ?? "n/a"}) | ${loadAverage()} |\n`,
        );
      }
    }
  } finally {
    if (api?.pid !== undefined) {
      api.kill("SIGTERM");
      await new Promise((r) => (api!.exitCode !== null ? r(undefined) : api!.once("exit", r)));
    }
    await e2e?.teardown();
    if (anvil !== undefined) await Effect.runPromise(stopAnvil(anvil.pid));
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(root, "subgraph", workDir), { recursive: true, force: true });
  }
};

main().catch((error) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
