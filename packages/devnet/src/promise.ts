/**
 * The harness with Promises, for vitest hooks and .mjs scripts: each function runs the Effect of the same name (see
 * @tcm/devnet) and resolves with its value or rejects with its DevnetError.
 */
import { Effect, Exit, Scope } from "effect";
import * as A from "./anvil.js";
import * as D from "./deploy.js";
import { type Devnet, type DevnetOptions, devnet } from "./devnet.js";
import * as G from "./graphNode.js";
import * as P from "./postgres.js";
import * as Pr from "./processes.js";
import * as R from "./rpc.js";

export { gqlPromise as gql } from "./gql.js";
export { ANVIL_ACCOUNTS, ANVIL_DEPLOYER, NEWCOMER } from "./accounts.js";
export { forgeArtifact, foundryBinary, nodeBinary, workspaceRoot } from "./foundry.js";
export { deploymentJson, writeDeploymentFile, type DevnetDeployment } from "./deploy.js";
export { graphNodeEnv, removeWorkDir, type GraphNode, type Indexer, type IndexerOptions } from "./graphNode.js";
export { databaseExists, psql, postgresAnswers, sharedPostgres, type Database } from "./postgres.js";
export { isAlive } from "./processes.js";
export type { AnvilInstance, AnvilOptions } from "./anvil.js";
export type { Devnet, DevnetOptions } from "./devnet.js";

const run = Effect.runPromise;

export const freePort = () => run(Pr.freePort);
export const stopPid = (pid: number, options?: { readonly graceMs?: number; readonly group?: boolean }) =>
  run(Pr.stopPid(pid, options));
export const startAnvil = (options?: A.AnvilOptions) => run(A.startAnvil(options));
export const stopAnvil = (pid: number) => run(A.stopAnvil(pid));
export const deployDevnet = (options: D.DeployOptions) => run(D.deployDevnet(options));
export const rpc = <T = unknown>(url: string, method: string, params?: ReadonlyArray<unknown>) =>
  run(R.rpc<T>(url, method, params));
export const evmSnapshot = (url: string) => run(R.evmSnapshot(url));
export const evmRevert = (url: string, id: string) => run(R.evmRevert(url, id));
export const createDatabase = (options?: { readonly prefix?: string }) => run(P.createDatabase(options));
export const dropDatabase = (name: string) => run(P.dropDatabase(name));
export const buildSubgraph = (options: G.BuildSubgraphOptions) => run(G.buildSubgraph(options));
export const startGraphNode = (options: G.GraphNodeOptions) => run(G.startGraphNode(options));
export const stopGraphNode = (node: G.GraphNode) => run(G.stopGraphNode(node));
export const waitForSubgraph = (node: G.GraphNode, timeoutMs?: number) => run(G.waitForSubgraph(node, timeoutMs));
export const waitForSync = (node: G.GraphNode, block: bigint | number, timeoutMs?: number) =>
  run(G.waitForSync(node, block, timeoutMs));

/** A scoped resource held open until `close()`: what a beforeAll acquires and its afterAll releases. */
export interface Held<A> {
  readonly value: A;
  readonly close: () => Promise<void>;
}

/** Acquires a scoped resource (anvil, a database, gnd, the IPFS endpoint, a whole devnet) into a scope of its own. */
export const hold = async <A, E>(resource: Effect.Effect<A, E, Scope.Scope>): Promise<Held<A>> => {
  const scope = await run(Scope.make());
  const exit = await Effect.runPromiseExit(Scope.extend(resource, scope));
  if (Exit.isFailure(exit)) {
    await run(Scope.close(scope, exit));
    return run(Effect.failCause(exit.cause));
  }
  return { value: exit.value, close: () => run(Scope.close(scope, Exit.void)) };
};

/** anvil + the devnet deploy + a temporary deployment file; `close()` removes the file and stops anvil. */
export const startDevnet = async (
  options?: DevnetOptions,
): Promise<Devnet & { readonly close: () => Promise<void> }> => {
  const held = await hold(devnet(options));
  return { ...held.value, close: held.close };
};

/** The subgraph indexing a devnet (build, database, IPFS, gnd dev; `indexer`); `close()` undoes it all. */
export const startIndexer = async (
  options: G.IndexerOptions,
): Promise<G.Indexer & { readonly close: () => Promise<void> }> => {
  const held = await hold(G.indexer(options));
  return { ...held.value, close: held.close };
};

/** The IPFS endpoint graph-node needs (in memory unless `dir`); `close()` stops it. */
export const startIpfsEndpoint = (options?: { readonly port?: number; readonly dir?: string }) =>
  hold(G.ipfsEndpoint(options));
