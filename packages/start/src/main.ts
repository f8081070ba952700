// `npm start`: the complete local TCM on one machine, until Ctrl-C. See `npm start -- --help` and the README.
import { mkdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ChainClient, Deployment } from "@tcm/chain";
import { Devnet } from "@tcm/chain/devnet";
import { NEWCOMER, deployDevnet, deploymentJson, startAnvil, workspaceRoot } from "@tcm/devnet";
import { type IpfsEndpoint, startIpfs } from "@tcm/ipfs";
import { Effect, Layer } from "effect";
import { createPublicClient, formatUnits, http, parseEther } from "viem";
import { FlagError, HELP, parseFlags } from "./flags.js";
import { dropLeftoverDatabase, provideDatabase } from "./postgres.js";
import { ProcessRegistry, StartError, choosePort, isAlive, readPidFile, sleep, tail } from "./processes.js";
import { startApi, startKeeper } from "./services.js";
import { ROLES, simulate } from "./simulation.js";
import { type StatePaths, StateDirTaken, refuseIfTaken, statePaths } from "./stateDir.js";
import { type GraphNode, buildSubgraph, startGraphNode, waitForSync } from "./subgraph.js";
import { formatTable, readSummary, summaryJson } from "./summary.js";

const out = (line = "") => process.stdout.write(`${line}\n`);
const began = Date.now();
const elapsed = (since = began) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

let stepNumber = 0;
/** One progress line per step, with how long it took. */
const step = async <A>(title: string, run: () => Promise<A>): Promise<A> => {
  stepNumber += 1;
  const started = Date.now();
  out(`[${stepNumber}] ${title} …`);
  const result = await run();
  out(`    ✓ ${title} (${elapsed(started)})`);
  return result;
};
const note = (message: string) => out(`    ${message.split("\n").join("\n    ")}`);

/**
 * Refuses (StateDirTaken, exit code 2) when another live start owns the state folder — and with it, for the default
 * folder, contracts/deployments/devnet.json; else stops the processes a start killed with SIGKILL left behind, if
 * their command line is still one of ours.
 */
const cleanUpAfterEarlierRun = async (root: string, paths: StatePaths) => {
  refuseIfTaken(root, paths);
  const earlier = readPidFile(paths.pidFile);
  if (earlier === undefined) return;
  for (const { name, pid } of earlier.processes) {
    if (!isAlive(pid)) continue;
    let command = "";
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {}
    if (/anvil|gnd|postgres|tsx/.test(command)) {
      note(`stopping ${name} (pid ${pid}) left over from an earlier start`);
      await ProcessRegistry.terminate(pid, 5_000, true);
    }
  }
  if (earlier.owner !== process.pid && !isAlive(earlier.owner)) {
    const dropped = await dropLeftoverDatabase(earlier.owner);
    if (dropped !== undefined) note(`dropped database ${dropped} left over from an earlier start`);
  }
};

/** anvil (@tcm/devnet) on the chosen port, in a process group of its own, logging to the state folder. */
const startAnvilProcess = async (registry: ProcessRegistry, port: number) => {
  const logFile = join(registry.logDir, "anvil.log");
  const node = await Effect.runPromise(
    startAnvil({ port, logFile, detached: true }).pipe(Effect.mapError((e) => new StartError(e.message))),
  );
  registry.add({ name: "anvil", pid: node.pid, logFile, group: true });
  return node;
};

/** What `npm start` gives the newcomer's account (NEWCOMER) on top of what it has. */
const NEWCOMER_ETH = "100";
const NEWCOMER_STETH = "100";

/** An 18-decimal amount to 6 decimals, rounded half up: stETH moves in shares, so a mint can land a wei short. */
const roughly = (amount: bigint) => formatUnits((amount + 500_000_000_000n) / 1_000_000_000_000n, 6);

/** A path as one shell word. */
const shellWord = (path: string) => (/^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`);

/** How a reader names the deployment file: the default one relative to the repository, any other one absolute. */
const shownPath = (root: string, paths: StatePaths) =>
  paths.isDefault ? relative(root, paths.deploymentFile) : paths.deploymentFile;

const EXAMPLES = (
  api: string | undefined,
  subgraph: string | undefined,
  rpc: string,
  root: string,
  paths: StatePaths,
) =>
  [
    api === undefined
      ? undefined
      : `  # the API (GraphiQL when opened in a browser: ${api})
  curl -s ${api} -H 'content-type: application/json' \\
    -d '{"query":"{ projects { nodes { projectId symbol spotPriceDecimal lockedLiquidityValueWstEthDecimal apr totals { cumulativeYieldStEth } } } }"}'`,
    subgraph === undefined
      ? undefined
      : `  # the subgraph on graph-node: daily candles of project 1
  curl -s ${subgraph} -H 'content-type: application/json' \\
    -d '{"query":"{ projectDaySnapshots(where: { project: \\"1\\" }, orderBy: dayId) { dayId dailyYieldStEth poolPriceClose cumulativeLiquidityMinted } }"}'`,
    `${
      paths.isDefault
        ? `  # the CLI against this devnet (reads ${shownPath(root, paths)} and the RPC it names, ${rpc})`
        : `  # the CLI against this devnet: this start's deployment (--state-dir) and the RPC it names, ${rpc}
  export TCM_DEPLOYMENT_FILE=${shellWord(paths.deploymentFile)}`
    }
  npx tcm projects
  # your account (above): deposit 10 stETH, the yield split between projects 1 and 2; more stETH: npx tcm devnet fund
  export TCM_PRIVATE_KEY=${NEWCOMER.privateKey}
  npx tcm deposit --amount 10 --alloc 1:6000,2:4000 --yes
  npx tcm status --account ${NEWCOMER.address}`,
  ]
    .filter((x) => x !== undefined)
    .join("\n");

const main = async () => {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.help) {
    out(HELP);
    return 0;
  }
  const root = workspaceRoot();
  const paths = statePaths(root, flags.stateDir);
  const { dir: stateDir, logDir, pidFile, deploymentFile } = paths;
  mkdirSync(logDir, { recursive: true });
  await cleanUpAfterEarlierRun(root, paths);
  const registry = new ProcessRegistry(pidFile, logDir);
  registry.claim();

  let stopping: Promise<void> | undefined;
  const shutdown = (code: number) => {
    stopping ??= (async () => {
      out("");
      out("stopping…");
      await registry.stopAll((m) => note(m));
      out(`stopped everything this start began; bye (${elapsed()} total)`);
      process.exit(code ?? 1);
    })();
    return stopping;
  };
  // A requested stop, whichever way it comes: Ctrl-C (SIGINT to the group or to this process), SIGTERM (a supervisor,
  // or npm forwarding it), SIGHUP (the terminal closed). Each stops every process this start began and exits 0.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void shutdown(0));
  // If whatever started this process goes away without a signal reaching it (npm killed with SIGKILL, say), this
  // process is re-parented: stop everything rather than run on unowned.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) {
      out(`the parent process (pid ${parent}) is gone`);
      void shutdown(0);
    }
  }, 500).unref();

  try {
    out(
      `TCM — the complete local system (${flags.days} simulated day${flags.days === 1 ? "" : "s"}; npm start -- --help for options)`,
    );
    const taken = new Set<number>();
    const ports = await step("choose ports", async () => {
      const chosen = {
        rpc: await choosePort("anvil (JSON-RPC)", "--rpc-port", flags.rpcPort, 8545, taken),
        api: await choosePort("the API", "--api-port", flags.apiPort, 4000, taken),
        keeper: await choosePort("the keeper's metrics", "--keeper-port", flags.keeperPort, 9464, taken),
        graph: flags.subgraph
          ? await choosePort("graph-node (GraphQL)", "--graph-port", flags.graphPort, 8000, taken)
          : undefined,
        ipfs: flags.subgraph ? await choosePort("IPFS", "--ipfs-port", flags.ipfsPort, 5001, taken) : undefined,
      };
      note(
        Object.entries(chosen)
          .filter(([, p]) => p !== undefined)
          .map(([k, p]) => `${k} ${p}`)
          .join(", "),
      );
      return chosen;
    });

    const anvil = await step(`start anvil on 127.0.0.1:${ports.rpc} (automine; the simulation moves the clock)`, () =>
      startAnvilProcess(registry, ports.rpc),
    );

    const deployment = await step(
      "deploy the contracts and 3 demo projects (forge script DeployDevnet; compiles only what changed)",
      () =>
        Effect.runPromise(
          deployDevnet({
            rpcUrl: anvil.url,
            demoProjects: true,
            outFile: deploymentFile,
            // A fresh clone compiles everything first (solc-js): minutes on a slow machine, seconds afterwards.
            timeoutMs: 600_000,
          }).pipe(Effect.mapError((e) => new StartError(`deploy failed: ${e.message}`))),
        ),
    );
    note(`${shownPath(root, paths)}:`);
    note(JSON.stringify(deploymentJson(deployment), null, 2));

    let graphNode: GraphNode | undefined;
    let ipfs: IpfsEndpoint | undefined;
    if (flags.subgraph) {
      const built = await step(
        "build the subgraph for this deployment (prepare, graph codegen, graph build)",
        async () => buildSubgraph(root, deploymentFile),
      );
      if (built.cached) note("inputs unchanged since the last start: reused subgraph/.devnet/build");
      const database = await step("provide a Postgres database for graph-node", () =>
        provideDatabase(registry, { forcePrivate: flags.privatePostgres, log: note }),
      );
      note(database.description);
      ipfs = await step(`start the IPFS endpoint on 127.0.0.1:${ports.ipfs}`, async () => {
        const endpoint = await startIpfs({ port: ports.ipfs!, dir: join(stateDir, "ipfs") });
        registry.onStop("closed the IPFS endpoint", () => endpoint.close());
        return endpoint;
      });
      graphNode = await step(`start graph-node (gnd dev) on 127.0.0.1:${ports.graph}`, () =>
        startGraphNode(registry, {
          root,
          manifest: built.manifest,
          rpcUrl: anvil.url,
          postgresUrl: database.url,
          ipfs: ipfs!.address,
          httpPort: ports.graph!,
        }),
      );
    }

    const keeper = await step(
      "start the keeper (services/keeper, harvesting and running deploy steps as anvil account 9)",
      () =>
        startKeeper(registry, {
          root,
          rpcUrl: anvil.url,
          deploymentFile,
          privateKey: ROLES.keeper.privateKey,
          port: ports.keeper,
          log: note,
        }),
    );

    const simulation = await step(
      `simulate ${flags.days} day${flags.days === 1 ? "" : "s"}: ${flags.depositors} depositors, daily rebases (one negative), trades, harvests, ${flags.steps === undefined ? "every deploy step due" : `at most ${flags.steps} deploy steps a day`}`,
      () =>
        simulate({
          rpcUrl: anvil.url,
          deployment,
          deploymentFile,
          days: flags.days,
          depositors: flags.depositors,
          stepsPerDay: flags.steps,
          keeperRunning: () => keeper?.alive() ?? false,
          log: note,
        }),
    );
    note(
      `${simulation.depositors} depositors; harvests: ${simulation.harvestsByKeeper} by the keeper, ${simulation.harvestsByFallback} by the simulation; ` +
        `deploy steps: ${simulation.stepsByKeeper} by the keeper, ${simulation.stepsByFallback} by the simulation; ${simulation.swaps} swaps; ${simulation.claims} claims`,
    );

    // The newcomer's account: ether and stETH, no position (the README's walkthrough signs with it).
    const newcomer = await step(
      `fund your account ${NEWCOMER.address} (${NEWCOMER_ETH} ETH, ${NEWCOMER_STETH} stETH, nothing deposited)`,
      () =>
        Effect.runPromise(
          Effect.flatMap(Devnet, (d) =>
            d.fund(NEWCOMER.address, { eth: parseEther(NEWCOMER_ETH), stEth: parseEther(NEWCOMER_STETH) }),
          ).pipe(
            Effect.provide(
              Devnet.Default.pipe(
                Layer.provide(
                  Layer.mergeAll(
                    ChainClient.layer({ rpcUrls: [anvil.url] }),
                    Deployment.fromValue(deployment, deploymentFile),
                  ),
                ),
              ),
            ),
            Effect.mapError((e) => new StartError(`funding ${NEWCOMER.address} failed: ${e.message}`)),
          ),
        ),
    );

    const head = await createPublicClient({ transport: http(anvil.url) }).getBlockNumber({ cacheTime: 0 });
    if (graphNode !== undefined) {
      await step(`wait for graph-node to index up to block ${head}`, () => waitForSync(graphNode!, head));
    }

    const api = await step(`start the API (services/api) on 127.0.0.1:${ports.api}`, () =>
      startApi(registry, {
        root,
        rpcUrl: anvil.url,
        deploymentFile,
        subgraphUrl: graphNode?.graphql,
        port: ports.api,
        log: note,
      }),
    );

    const summary = await step("read the summary", () =>
      readSummary({ api: api?.graphql, subgraph: graphNode?.graphql, rpcUrl: anvil.url, deployment }, note),
    );

    const pids = Object.fromEntries(registry.processes.map((p) => [p.name, p.pid]));
    out("");
    out(`TCM is running (ready in ${elapsed()}). Ctrl-C stops everything.`);
    out("");
    const dashboard = api === undefined ? undefined : api.graphql.replace(/\/graphql$/, "/");
    out(`  dashboard (browser)      ${dashboard ?? "not running (the API is not)"}`);
    out(`  chain (anvil JSON-RPC)   ${anvil.url}   chainId ${deployment.chainId}, machine ${deployment.machine}`);
    out(
      `  GraphQL API              ${api === undefined ? "not running (see above)" : `${api.graphql}   (GraphiQL: open it in a browser)`}`,
    );
    out(
      `  subgraph (graph-node)    ${graphNode === undefined ? "not running (--no-subgraph)" : `${graphNode.graphql}   (playground: ${graphNode.playground})`}`,
    );
    if (graphNode !== undefined) {
      out(`  indexing status          ${graphNode.status}`);
      // Everything else binds 127.0.0.1; gnd 0.45 has no listen-address option and binds its ports on all interfaces.
      out(`                           (graph-node listens on all interfaces: gnd has no bind option)`);
    }
    out(`  keeper metrics           ${keeper === undefined ? "not running (see above)" : keeper.metrics}`);
    out(
      `  IPFS                     ${ipfs === undefined ? "not running (--no-subgraph)" : `${ipfs.url}/ipfs/<cid>  (RPC ${ipfs.url}/api/v0/)`}`,
    );
    out(
      paths.isDefault
        ? `  deployment               ${shownPath(root, paths)}   (names the RPC above; the CLI reads it by default)`
        : `  deployment               ${deploymentFile}   (names the RPC above; this start's, in its --state-dir)\n` +
            `                           TCM_DEPLOYMENT_FILE=${shellWord(deploymentFile)}   (for the CLI, a keeper or an API on this devnet)`,
    );
    out(
      `  your account             ${NEWCOMER.address}   ${roughly(newcomer.eth)} ETH, ${roughly(newcomer.stEth)} stETH, nothing deposited`,
    );
    out(`                           export TCM_PRIVATE_KEY=${NEWCOMER.privateKey}   (a public devnet key)`);
    out(`  logs                     ${paths.isDefault ? relative(root, logDir) : logDir}/`);
    out(
      `  processes                ${Object.entries(pids)
        .map(([n, p]) => `${n} ${p}`)
        .join(", ")}`,
    );
    out("");
    out(
      `Projects after ${flags.days} simulated day${flags.days === 1 ? "" : "s"} (from the ${summary.source}, block ${summary.block}):`,
    );
    out(formatTable(summary));
    out("");
    out("Try:");
    out(EXAMPLES(api?.graphql, graphNode?.graphql, anvil.url, root, paths));
    out("");
    out(`TCM_SUMMARY ${summaryJson(summary)}`);
    out(
      `TCM_READY ${JSON.stringify({
        dashboard: dashboard ?? null,
        rpc: anvil.url,
        api: api?.graphql ?? null,
        subgraph: graphNode?.graphql ?? null,
        keeperMetrics: keeper?.metrics ?? null,
        ipfs: ipfs?.url ?? null,
        deploymentFile,
        pidFile,
        pids: { orchestrator: process.pid, ...pids },
      })}`,
    );
    if (flags.exitWhenReady) {
      await shutdown(0);
      return 0;
    }
    // Keep running; a child that dies is reported (the rest keeps serving).
    for (;;) {
      await sleep(2_000);
      for (const p of registry.processes) {
        if (!isAlive(p.pid) && stopping === undefined) {
          out(`warning: ${p.name} (pid ${p.pid}) exited; last lines of ${p.logFile}:\n${tail(p.logFile, 10)}`);
          (registry.processes as unknown as Array<unknown>).splice(registry.processes.indexOf(p), 1);
        }
      }
    }
  } catch (error) {
    // Our own errors and the chain package's tagged errors carry a message meant for people; anything else is a bug.
    const known =
      error instanceof StartError ||
      error instanceof FlagError ||
      (typeof error === "object" && error !== null && "_tag" in error);
    const message = known ? (error as Error).message : ((error as Error).stack ?? String(error));
    out("");
    out(`✗ ${message}`);
    await shutdown(1);
  }
  return 1;
};

const code = await main().catch((error: unknown) => {
  out(`✗ ${error instanceof FlagError || error instanceof StartError ? error.message : (error as Error).stack}`);
  return error instanceof StateDirTaken ? error.exitCode : 1;
});
process.exit(code ?? 1);
