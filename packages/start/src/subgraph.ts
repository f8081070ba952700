import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { type ProcessRegistry, StartError, anyFreePort, tail, waitFor } from "./processes.js";

/** Under subgraph/ (gitignored): the devnet manifest, its build and a stamp of the inputs it was built from. */
const WORK = ".devnet";

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

/** A hash of everything the devnet build depends on: a second start with the same inputs skips codegen and build. */
const inputsHash = (subgraphDir: string, manifest: string): string => {
  const hash = createHash("sha256");
  const files = [
    join(subgraphDir, "schema.graphql"),
    join(subgraphDir, "subgraph.template.yaml"),
    ...filesUnder(join(subgraphDir, "abis")),
    ...filesUnder(join(subgraphDir, "src")),
  ].sort();
  for (const file of files) hash.update(relative(subgraphDir, file)).update(readFileSync(file));
  hash.update(readFileSync(manifest));
  return hash.digest("hex");
};

const run = (root: string, command: string, args: ReadonlyArray<string>, cwd: string, what: string) => {
  const result = spawnSync(command, [...args], { cwd, encoding: "utf8", env: process.env });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n").slice(-20).join("\n");
    throw new StartError(`${what} failed (${relative(root, command)} ${args.join(" ")}):\n${output}`);
  }
};

/**
 * Writes the devnet manifest for this deployment (scripts/prepare.mjs) into subgraph/.devnet and runs
 * `graph codegen` + `graph build` there, unless the same inputs were built before. subgraph/subgraph.yaml (the Nx
 * `prepare` target's, gitignored) is left alone.
 */
export const buildSubgraph = (root: string, deploymentFile: string): { manifest: string; cached: boolean } => {
  const subgraphDir = join(root, "subgraph");
  const bin = join(root, "node_modules", ".bin");
  mkdirSync(join(subgraphDir, WORK), { recursive: true });
  const manifest = `${WORK}/subgraph.yaml`;
  run(
    root,
    process.execPath,
    [join(subgraphDir, "scripts", "prepare.mjs"), "devnet", deploymentFile, "--out", manifest],
    subgraphDir,
    "subgraph prepare",
  );
  const stampFile = join(subgraphDir, WORK, "inputs.sha256");
  const hash = inputsHash(subgraphDir, join(subgraphDir, manifest));
  const built =
    existsSync(join(subgraphDir, WORK, "build", "subgraph.yaml")) &&
    existsSync(join(subgraphDir, "generated", "schema.ts"));
  if (built && existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === hash)
    return { manifest, cached: true };
  run(root, join(bin, "graph"), ["codegen", manifest, "--output-dir", "generated"], subgraphDir, "graph codegen");
  run(root, join(bin, "graph"), ["build", manifest, "--output-dir", `${WORK}/build`], subgraphDir, "graph build");
  writeFileSync(stampFile, `${hash}\n`);
  return { manifest, cached: false };
};

export interface GraphNode {
  readonly graphql: string;
  readonly playground: string;
  readonly status: string;
  readonly admin: string;
  readonly metrics: string;
  readonly pid: number;
  readonly logFile: string;
}

const gql = async (url: string, query: string): Promise<any> => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
};

/** gnd dev on the devnet manifest: graph-node's runtime, store and GraphQL, indexing anvil as network "devnet". */
export const startGraphNode = async (
  registry: ProcessRegistry,
  options: { root: string; manifest: string; rpcUrl: string; postgresUrl: string; ipfs: string; httpPort: number },
): Promise<GraphNode> => {
  const gnd = join(options.root, "node_modules", ".bin", "gnd");
  if (!existsSync(gnd)) {
    throw new StartError(
      "gnd (graph-node) is not installed: it comes from the optional dependency @graphprotocol/gnd-linux-x64 (Linux x64 only).\n" +
        "  Run `npm install --no-audit --no-fund` on Linux x64, or start without the subgraph: npm start -- --no-subgraph",
    );
  }
  const [admin, index, metrics] = [await anyFreePort(), await anyFreePort(), await anyFreePort()];
  const { child, logFile } = registry.spawn(
    "graph-node",
    gnd,
    [
      "dev",
      "--manifests",
      options.manifest,
      "--ethereum-rpc",
      `devnet:${options.rpcUrl}`,
      "--postgres-url",
      options.postgresUrl,
      "--ipfs",
      options.ipfs,
      "--http-port",
      String(options.httpPort),
      "--admin-port",
      String(admin),
      "--index-node-port",
      String(index),
      "--metrics-port",
      String(metrics),
    ],
    {
      cwd: join(options.root, "subgraph"),
      // RUST_LIB_BACKTRACE=0: graph-node 0.45 builds an error with a captured backtrace on every WASM memory read
      // when backtraces are on (RUST_BACKTRACE=1 is common in shells); that alone made indexing about 7x slower
      // (subgraph/README.md, Benchmark). Panics still print backtraces when RUST_BACKTRACE asks for them.
      env: {
        ...process.env,
        GRAPH_LOG: process.env["GRAPH_LOG"] ?? "info",
        RUST_LIB_BACKTRACE: process.env["RUST_LIB_BACKTRACE"] ?? "0",
      },
    },
  );
  const base = `http://127.0.0.1:${options.httpPort}`;
  const node: GraphNode = {
    graphql: `${base}/subgraphs/name/subgraph-0`,
    playground: `${base}/subgraphs/name/subgraph-0/graphql`,
    status: `http://127.0.0.1:${index}/graphql`,
    admin: `http://127.0.0.1:${admin}`,
    metrics: `http://127.0.0.1:${metrics}/metrics`,
    pid: child.pid!,
    logFile,
  };
  await waitFor("graph-node deploying the subgraph", 90_000, async () => {
    if (child.exitCode !== null)
      throw new StartError(`graph-node exited (${child.exitCode}); last lines of ${logFile}:\n${tail(logFile)}`);
    const data = await gql(node.graphql, "{ _meta { block { number } } }");
    return data?._meta ? true : undefined;
  }).catch((error: Error) => {
    throw error instanceof StartError
      ? error
      : new StartError(`${error.message}; last lines of ${logFile}:\n${tail(logFile)}`);
  });
  return node;
};

/** Resolves once graph-node's GraphQL serves `block` (the index-node status can run ahead of queries). */
export const waitForSync = (node: GraphNode, block: bigint, timeoutMs = 120_000) =>
  waitFor(
    `graph-node indexing up to block ${block}`,
    timeoutMs,
    async () => {
      const status = await gql(node.status, "{ indexingStatuses { health fatalError { message } } }");
      const first = status?.indexingStatuses?.[0];
      if (first?.health === "failed")
        throw new StartError(`the subgraph failed: ${first.fatalError?.message}; see ${node.logFile}`);
      const data = await gql(node.graphql, "{ _meta { block { number } } }");
      return BigInt(data._meta.block.number) >= block ? true : undefined;
    },
    250,
  );

export { gql };
