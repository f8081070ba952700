import { spawnSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { startIpfs, type IpfsEndpoint } from "@tcm/ipfs";
import { Duration, Effect } from "effect";
import { DevnetError } from "./errors.js";
import { database } from "./postgres.js";
import { nodeBinary, workspaceRoot } from "./foundry.js";
import { gqlPromise } from "./gql.js";
import { freePort, stopPid, tailOf } from "./processes.js";

/**
 * The local IPFS endpoint (@tcm/ipfs) graph-node probes at start, as a scoped resource. `dir` keeps its blocks on
 * disk; default in memory.
 */
export const ipfsEndpoint = (options: { readonly port?: number; readonly dir?: string } = {}) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => startIpfs(options),
      catch: (cause) => new DevnetError({ message: `IPFS endpoint: ${(cause as Error).message}`, cause }),
    }),
    (endpoint) => Effect.promise(() => endpoint.close()),
  );
export type { IpfsEndpoint };

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

export interface BuildSubgraphOptions {
  readonly deploymentFile: string;
  /** Work folder relative to subgraph/ (gitignored): the manifest, the build and the stamp go there. */
  readonly workDir: string;
  /** More arguments for scripts/prepare.mjs (`--mapping <file>`, `--prune <value>`). */
  readonly prepareArgs?: ReadonlyArray<string>;
  /** Also run `graph codegen` into subgraph/generated (needed when the schema or ABIs changed). */
  readonly codegen?: boolean;
  /** Skip codegen and build when the inputs hash equals the last build's. */
  readonly cache?: boolean;
  readonly root?: string;
}

const runSync = (command: string, args: ReadonlyArray<string>, cwd: string, what: string) => {
  const result = spawnSync(command, [...args], { cwd, encoding: "utf8", env: process.env });
  if (result.status === 0) return Effect.void;
  const output = `${result.error?.message ?? ""}${result.stdout ?? ""}${result.stderr ?? ""}`
    .trim()
    .split("\n")
    .slice(-20);
  return Effect.fail(
    new DevnetError({ message: `${what} failed (${command} ${args.join(" ")}):\n${output.join("\n")}` }),
  );
};

/**
 * The subgraph's devnet manifest for a deployment (scripts/prepare.mjs devnet <file>), built with `graph build` into
 * subgraph/<workDir>; the committed subgraph.yaml is left alone. Returns the manifest's path relative to subgraph/.
 */
export const buildSubgraph = (options: BuildSubgraphOptions) =>
  Effect.gen(function* () {
    const root = options.root ?? workspaceRoot();
    const subgraphDir = join(root, "subgraph");
    mkdirSync(join(subgraphDir, options.workDir), { recursive: true });
    const manifest = `${options.workDir}/subgraph.yaml`;
    const prepare = join(subgraphDir, "scripts", "prepare.mjs");
    const prepareArgs = ["devnet", options.deploymentFile, "--out", manifest, ...(options.prepareArgs ?? [])];
    yield* runSync(process.execPath, [prepare, ...prepareArgs], subgraphDir, "subgraph prepare");
    const stampFile = join(subgraphDir, options.workDir, "inputs.sha256");
    const hash = createHash("sha256");
    const inputs = [
      join(subgraphDir, "schema.graphql"),
      join(subgraphDir, "subgraph.template.yaml"),
      ...filesUnder(join(subgraphDir, "abis")),
      ...filesUnder(join(subgraphDir, "src")),
    ].sort();
    for (const file of inputs) hash.update(relative(subgraphDir, file)).update(readFileSync(file));
    hash.update(readFileSync(join(subgraphDir, manifest)));
    const stamp = hash.digest("hex");
    const built =
      existsSync(join(subgraphDir, options.workDir, "build", "subgraph.yaml")) &&
      existsSync(join(subgraphDir, "generated", "schema.ts"));
    if (options.cache === true && built && existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === stamp)
      return { manifest, cached: true } as const;
    const graph = nodeBinary("graph", root);
    if (options.codegen === true)
      yield* runSync(graph, ["codegen", manifest, "--output-dir", "generated"], subgraphDir, "graph codegen");
    yield* runSync(graph, ["build", manifest, "--output-dir", `${options.workDir}/build`], subgraphDir, "graph build");
    writeFileSync(stampFile, `${stamp}\n`);
    return { manifest, cached: false } as const;
  }).pipe(Effect.withSpan("Devnet.buildSubgraph"));

/**
 * The environment gnd runs with: ours, with anyhow/std library backtraces off (`RUST_LIB_BACKTRACE=0`) unless set.
 * With `RUST_BACKTRACE=1` inherited, graph-node 0.45 captures a stack trace on every read of WASM memory (its heap
 * `read` builds its out-of-bounds error eagerly): about 10x slower indexing. Panics still print their backtrace.
 * `GND_LIB_BACKTRACE=1` keeps the inherited behaviour, to measure it.
 */
export const graphNodeEnv = (): NodeJS.ProcessEnv =>
  process.env["GND_LIB_BACKTRACE"] === "1"
    ? { ...process.env }
    : {
        ...process.env,
        GRAPH_LOG: process.env["GRAPH_LOG"] ?? "info",
        RUST_LIB_BACKTRACE: process.env["RUST_LIB_BACKTRACE"] ?? "0",
      };

export interface GraphNodeOptions {
  /** The manifest relative to subgraph/ (from `buildSubgraph`). */
  readonly manifest: string;
  readonly rpcUrl: string;
  /** The manifest's network name (default "devnet"). */
  readonly network?: string;
  readonly postgresUrl: string;
  /** `host:port` of the IPFS endpoint. */
  readonly ipfs: string;
  /** GraphQL port; default a free one (the admin, index-node and metrics ports are always free ones). */
  readonly httpPort?: number;
  /** gnd's output; default gnd.log in a temporary folder. */
  readonly logFile?: string;
  /** Lead a process group of its own. */
  readonly detached?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly root?: string;
}

export interface GraphNode {
  readonly graphql: string;
  readonly playground: string;
  /** The index-node status GraphQL (indexingStatuses). */
  readonly status: string;
  readonly admin: string;
  readonly metrics: string;
  readonly pid: number;
  readonly logFile: string;
  /** Whether gnd has exited (then the log says why). */
  readonly exited: () => boolean;
  readonly startedAt: number;
}

/**
 * `gnd dev` on a built manifest: graph-node's runtime, store and GraphQL indexing the node at `rpcUrl`. Resolves once
 * it is spawned; `waitForSubgraph` waits until it serves the subgraph. Stop it with `stopGraphNode`, or use the scoped
 * `graphNode`.
 */
export const startGraphNode = (options: GraphNodeOptions): Effect.Effect<GraphNode, DevnetError> =>
  Effect.gen(function* () {
    const root = options.root ?? workspaceRoot();
    const gnd = nodeBinary("gnd", root);
    if (!existsSync(gnd))
      return yield* Effect.fail(
        new DevnetError({
          message:
            "gnd (graph-node) is not installed: it comes from the optional dependency @graphprotocol/gnd-linux-x64 (Linux x64 only)",
        }),
      );
    const httpPort = options.httpPort ?? (yield* freePort);
    const [admin, index, metrics] = [yield* freePort, yield* freePort, yield* freePort];
    const logFile = options.logFile ?? join(mkdtempSync(join(tmpdir(), "tcm-gnd-")), "gnd.log");
    const out = openSync(logFile, "w");
    const child = spawn(
      gnd,
      [
        "dev",
        "--manifests",
        options.manifest,
        "--ethereum-rpc",
        `${options.network ?? "devnet"}:${options.rpcUrl}`,
        "--postgres-url",
        options.postgresUrl,
        "--ipfs",
        options.ipfs,
        "--http-port",
        String(httpPort),
        "--admin-port",
        String(admin),
        "--index-node-port",
        String(index),
        "--metrics-port",
        String(metrics),
      ],
      {
        cwd: join(root, "subgraph"),
        stdio: ["ignore", out, out],
        env: options.env ?? graphNodeEnv(),
        detached: options.detached ?? false,
      },
    );
    closeSync(out);
    if (child.pid === undefined)
      return yield* Effect.fail(new DevnetError({ message: `could not start gnd (${gnd})` }));
    child.unref();
    let exited = false;
    child.once("exit", () => (exited = true));
    const base = `http://127.0.0.1:${httpPort}`;
    return {
      graphql: `${base}/subgraphs/name/subgraph-0`,
      playground: `${base}/subgraphs/name/subgraph-0/graphql`,
      status: `http://127.0.0.1:${index}/graphql`,
      admin: `http://127.0.0.1:${admin}`,
      metrics: `http://127.0.0.1:${metrics}/metrics`,
      pid: child.pid,
      logFile,
      exited: () => exited,
      startedAt: Date.now(),
    } satisfies GraphNode;
  }).pipe(Effect.withSpan("Devnet.startGraphNode"));

/** Stops gnd by its PID (its group with `group`). */
export const stopGraphNode = (node: GraphNode, group = false) => stopPid(node.pid, { graceMs: 5_000, group });

/** gnd dev as a scoped resource: started on acquire, stopped by PID on release. */
export const graphNode = (options: GraphNodeOptions) =>
  Effect.acquireRelease(startGraphNode(options), (node) => stopGraphNode(node, options.detached ?? false));

const poll = <A>(
  what: string,
  node: GraphNode,
  timeoutMs: number,
  intervalMs: number,
  probe: () => Promise<{ readonly done: A } | { readonly last: string }>,
): Effect.Effect<A, DevnetError> =>
  Effect.gen(function* () {
    const deadline = Date.now() + timeoutMs;
    let last = "no answer yet";
    while (Date.now() < deadline) {
      if (node.exited()) {
        const tail = yield* Effect.promise(() => tailOf(node.logFile));
        return yield* Effect.fail(
          new DevnetError({ message: `graph-node exited; last lines of ${node.logFile}:\n${tail}` }),
        );
      }
      const result = yield* Effect.tryPromise(probe).pipe(
        Effect.catchAll((e) => {
          const message = (e.error as Error).message ?? String(e.error);
          return message.startsWith("subgraph failed")
            ? Effect.fail(new DevnetError({ message: `${message}; see ${node.logFile}` }))
            : Effect.succeed({ last: message });
        }),
      );
      if ("done" in result) return result.done;
      last = result.last;
      yield* Effect.sleep(Duration.millis(intervalMs));
    }
    const tail = yield* Effect.promise(() => tailOf(node.logFile, 10));
    return yield* Effect.fail(
      new DevnetError({
        message: `${what} did not happen within ${Math.round(timeoutMs / 1000)} s (${last}); last lines of ${node.logFile}:\n${tail}`,
      }),
    );
  });

/** Waits until graph-node serves the subgraph's GraphQL (it has deployed it). */
export const waitForSubgraph = (node: GraphNode, timeoutMs = 90_000) =>
  poll("graph-node deploying the subgraph", node, timeoutMs, 200, async () => {
    const data = await gqlPromise<{ _meta?: unknown }>(node.graphql, "{ _meta { block { number } } }");
    return data?._meta !== undefined ? { done: undefined } : { last: "no _meta yet" };
  });

/**
 * Waits until graph-node's GraphQL serves `block` (the index-node status can run ahead of what queries see); fails
 * at once when the subgraph fails.
 */
export const waitForSync = (node: GraphNode, block: bigint | number, timeoutMs = 100_000) =>
  poll(`graph-node indexing up to block ${block}`, node, timeoutMs, 250, async () => {
    const { indexingStatuses } = await gqlPromise<{
      indexingStatuses: Array<{
        health: string;
        fatalError: { message: string } | null;
        chains: Array<{ latestBlock: { number: string } | null }>;
      }>;
    }>(node.status, "{ indexingStatuses { health fatalError { message } chains { latestBlock { number } } } }");
    const status = indexingStatuses[0];
    if (status === undefined) return { last: "no indexing status yet" };
    if (status.health === "failed") throw new Error(`subgraph failed: ${status.fatalError?.message}`);
    const latest = BigInt(status.chains[0]?.latestBlock?.number ?? -1);
    if (latest < BigInt(block)) return { last: `indexed up to ${latest}, health ${status.health}` };
    const { _meta } = await gqlPromise<{ _meta: { block: { number: number } } }>(
      node.graphql,
      "{ _meta { block { number } } }",
    );
    return BigInt(_meta.block.number) >= BigInt(block)
      ? { done: undefined }
      : { last: `GraphQL at ${_meta.block.number}` };
  });

/** Removes a work folder buildSubgraph made (relative to subgraph/). */
export const removeWorkDir = (workDir: string, root: string = workspaceRoot()) =>
  rmSync(join(root, "subgraph", workDir), { recursive: true, force: true });

export interface IndexerOptions {
  readonly rpcUrl: string;
  readonly deploymentFile: string;
  /** Work folder relative to subgraph/ (gitignored), unique per suite: the manifest, build and gnd.log go there. */
  readonly workDir: string;
  /** More arguments for scripts/prepare.mjs (`--mapping`, `--prune`). */
  readonly prepareArgs?: ReadonlyArray<string>;
  /** Database name prefix (default tcm_test). */
  readonly databasePrefix?: string;
  /** The environment gnd runs with (default graphNodeEnv()). */
  readonly env?: NodeJS.ProcessEnv;
  /** Wait until gnd serves the subgraph (default true). */
  readonly waitReady?: boolean;
  readonly root?: string;
}

export interface Indexer extends GraphNode {
  readonly database: string;
  readonly ipfs: string;
}

/**
 * The subgraph indexing a devnet, as one scoped resource: the devnet manifest built into `workDir`, a fresh database
 * on the machine's Postgres, the IPFS endpoint (in memory) and `gnd dev` on free ports; released in reverse order
 * (gnd stopped by PID, the endpoint closed, the database dropped, the work folder removed).
 */
export const indexer = (options: IndexerOptions) =>
  Effect.gen(function* () {
    const root = options.root ?? workspaceRoot();
    yield* Effect.addFinalizer(() => Effect.sync(() => removeWorkDir(options.workDir, root)));
    const { manifest } = yield* buildSubgraph({
      deploymentFile: options.deploymentFile,
      workDir: options.workDir,
      root,
      ...(options.prepareArgs === undefined ? {} : { prepareArgs: options.prepareArgs }),
    });
    const db = yield* database({ prefix: options.databasePrefix ?? "tcm_test" });
    const ipfs = yield* ipfsEndpoint();
    const node = yield* graphNode({
      manifest,
      rpcUrl: options.rpcUrl,
      postgresUrl: db.url,
      ipfs: ipfs.address,
      logFile: join(root, "subgraph", options.workDir, "gnd.log"),
      root,
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    if (options.waitReady !== false) yield* waitForSubgraph(node);
    return { ...node, database: db.name, ipfs: ipfs.url } satisfies Indexer;
  }).pipe(Effect.withSpan("Devnet.indexer"));
