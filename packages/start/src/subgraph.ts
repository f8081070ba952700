import { join } from "node:path";
import {
  type GraphNode as DevnetGraphNode,
  buildSubgraph as devnetBuildSubgraph,
  gqlPromise,
  startGraphNode as devnetStartGraphNode,
  waitForSubgraph,
  waitForSync as devnetWaitForSync,
} from "@tcm/devnet";
import { Effect } from "effect";
import { type ProcessRegistry, StartError } from "./processes.js";

/** Under subgraph/ (gitignored): the devnet manifest, its build and a stamp of the inputs it was built from. */
const WORK = ".devnet";

const asStartError = <A, R>(effect: Effect.Effect<A, { readonly message: string }, R>) =>
  effect.pipe(Effect.mapError((e) => new StartError(e.message)));

/**
 * Writes the devnet manifest for this deployment into subgraph/.devnet and runs `graph codegen` + `graph build` there
 * (@tcm/devnet's buildSubgraph), unless the same inputs were built before. The committed sources are left alone.
 */
export const buildSubgraph = (root: string, deploymentFile: string): Promise<{ manifest: string; cached: boolean }> =>
  Effect.runPromise(
    asStartError(devnetBuildSubgraph({ root, deploymentFile, workDir: WORK, codegen: true, cache: true })),
  );

export type GraphNode = DevnetGraphNode;

/**
 * gnd dev on the devnet manifest (@tcm/devnet): graph-node's runtime, store and GraphQL, indexing anvil as network
 * "devnet", in a process group of its own registered with the start; resolves once it serves the subgraph.
 */
export const startGraphNode = async (
  registry: ProcessRegistry,
  options: { root: string; manifest: string; rpcUrl: string; postgresUrl: string; ipfs: string; httpPort: number },
): Promise<GraphNode> => {
  const logFile = join(registry.logDir, "graph-node.log");
  const node = await Effect.runPromise(
    asStartError(
      devnetStartGraphNode({ ...options, logFile, detached: true }).pipe(
        Effect.mapError(
          (e) =>
            new StartError(
              `${e.message}.\n  Run \`npm install --no-audit --no-fund\` on Linux x64, or start without the subgraph: npm start -- --no-subgraph`,
            ),
        ),
      ),
    ),
  );
  registry.add({ name: "graph-node", pid: node.pid, logFile, group: true });
  await Effect.runPromise(asStartError(waitForSubgraph(node, 90_000)));
  return node;
};

/** Resolves once graph-node's GraphQL serves `block` (the index-node status can run ahead of queries). */
export const waitForSync = (node: GraphNode, block: bigint, timeoutMs = 120_000) =>
  Effect.runPromise(asStartError(devnetWaitForSync(node, block, timeoutMs)));

export const gql = gqlPromise;
