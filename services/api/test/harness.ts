/**
 * Test harness: a devnet (@tcm/devnet: anvil + the forge deploy script + its deployment file), API servers in-process
 * on free ports, a canned subgraph stub or the real subgraph on gnd (@tcm/devnet's indexer), and helpers to query the
 * API and send signed transactions.
 */
import { HttpServer } from "@effect/platform";
import { ChainClient, Deployment, type DeploymentInfo, TcmReader } from "@tcm/chain";
import { Devnet } from "@tcm/chain/devnet";
import { type AnvilInstance, type Indexer, freePort, startDevnet, startIndexer } from "@tcm/devnet/promise";
import { ConfigProvider, Context, Duration, Effect, Exit, Layer, ManagedRuntime, Option, Scope } from "effect";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Hex, createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { type ApiConfig, ApiServer, ApiSettings, apiConfig, chainClientOptions } from "../src/index.js";
import type { PreparedTxJson } from "./types.js";

export const defaultSettings = (): Promise<ApiConfig> =>
  Effect.runPromise(Effect.withConfigProvider(apiConfig, ConfigProvider.fromMap(new Map())));

export interface Chain {
  readonly node: AnvilInstance;
  readonly deployment: DeploymentInfo;
  /** The deployment file (temporary, removed by `stop`). */
  readonly deploymentFile: string;
  readonly layer: Layer.Layer<ChainClient | Deployment>;
  readonly tools: ManagedRuntime.ManagedRuntime<Devnet | TcmReader | ChainClient | Deployment, never>;
  readonly stop: () => Promise<void>;
}

export const startChain = async (): Promise<Chain> => {
  const net = await startDevnet();
  const layer = Layer.mergeAll(
    ChainClient.layer({ ...chainClientOptions([net.node.url]), pollingIntervalMs: 20 }),
    Deployment.fromValue(net.deployment, net.deploymentFile),
  );
  const tools = ManagedRuntime.make(Layer.mergeAll(Devnet.Default, TcmReader.Default).pipe(Layer.provideMerge(layer)));
  return {
    node: net.node,
    deployment: net.deployment,
    deploymentFile: net.deploymentFile,
    layer,
    tools,
    stop: async () => {
      await tools.dispose();
      await net.close();
    },
  };
};

/**
 * The real subgraph indexing `chain` (gnd dev: built into subgraph/<workDir>, a fresh database, the IPFS endpoint,
 * free ports); `close()` stops gnd by PID and drops the database.
 */
export const startSubgraph = (
  chain: Chain,
  workDir: string,
  options: { readonly waitReady?: boolean } = {},
): Promise<Indexer & { readonly close: () => Promise<void> }> =>
  startIndexer({
    rpcUrl: chain.node.url,
    deploymentFile: chain.deploymentFile,
    workDir,
    databasePrefix: "tcm_api",
    waitReady: options.waitReady ?? true,
  });

export interface Api {
  readonly url: string;
  readonly stop: () => Promise<void>;
}

/** An API server on a free port over `chain`, with settings overrides. */
export const startApi = async (chain: Chain, overrides: Partial<ApiConfig> = {}): Promise<Api> => {
  const settings: ApiConfig = { ...(await defaultSettings()), port: 0, headTtl: Duration.zero, ...overrides };
  const scope = await Effect.runPromise(Scope.make());
  const context = await Effect.runPromise(
    Layer.buildWithScope(
      ApiServer.pipe(Layer.provide(Layer.mergeAll(ApiSettings.fromValue(settings), chain.layer))),
      scope,
    ),
  );
  const address = Context.get(context, HttpServer.HttpServer).address;
  if (address._tag !== "TcpAddress") throw new Error("expected a TCP address");
  return { url: `http://127.0.0.1:${address.port}`, stop: () => Effect.runPromise(Scope.close(scope, Exit.void)) };
};

export interface GqlResponse<T = any> {
  readonly status: number;
  readonly body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

export const gql = async <T = any>(
  api: Api,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GqlResponse<T>> => {
  const response = await fetch(`${api.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GqlResponse<T>["body"] };
};

/** Data of a query that must succeed without errors. */
export const data = async <T = any>(api: Api, query: string, variables?: Record<string, unknown>): Promise<T> => {
  const r = await gql<T>(api, query, variables);
  if (r.status !== 200 || r.body.errors)
    throw new Error(`query failed (${r.status}): ${JSON.stringify(r.body.errors)}`);
  return r.body.data as T;
};

/** Signs a prepared transaction locally with the key and sends it; waits for the receipt (must succeed). */
export const signAndSend = async (chain: Chain, key: Hex, tx: PreparedTxJson) => {
  const account = privateKeyToAccount(key);
  const chainDef = { ...foundry, id: chain.deployment.chainId };
  const wallet = createWalletClient({ account, chain: chainDef, transport: http(chain.node.url) });
  const client = createPublicClient({ chain: chainDef, transport: http(chain.node.url) });
  const hash = await wallet.sendTransaction({
    to: tx.to,
    data: tx.data,
    value: BigInt(tx.value),
    ...(tx.gasEstimate ? { gas: (BigInt(tx.gasEstimate) * 13n) / 10n + 20_000n } : {}),
  });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (receipt.status !== "success") throw new Error(`transaction reverted: ${hash}`);
  return receipt;
};

/** A canned subgraph: answers every POST with `respond(query, variables)`; counts requests. */
export const startSubgraphStub = async (respond: (query: string, variables: Record<string, unknown>) => unknown) => {
  let requests = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      requests++;
      const { query, variables } = JSON.parse(body || "{}") as { query: string; variables?: Record<string, unknown> };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(respond(query, variables ?? {})));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: new URL(`http://127.0.0.1:${port}/subgraphs/name/tcm`),
    requests: () => requests,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
};

/** A port nothing listens on (bound, then closed). */
export const deadPort = freePort;

export const some = Option.some;
