import { ChainClient, type ChainError, Deployment, type DeploymentError, ModelState, TcmReader, TxBuilder, deploymentLayerFromMachine } from "@tcm/chain";
import { Duration, Effect, Layer } from "effect";
import { KeeperConfig } from "./KeeperConfig.js";
import { KeeperMetrics } from "./Metrics.js";

/** The JSON-RPC method(s) of a request body, for metrics labels. */
const methodOf = (body: unknown): string => {
  if (typeof body !== "string") return "unknown";
  try {
    const parsed = JSON.parse(body) as unknown;
    if (Array.isArray(parsed)) return parsed.length === 1 ? String((parsed[0] as { method?: unknown }).method) : "batch";
    return String((parsed as { method?: unknown }).method);
  } catch {
    return "unknown";
  }
};

/** `fetch` that times every JSON-RPC round trip into the latency histogram. */
export const timedFetch =
  (observe: (method: string, seconds: number) => void) =>
  async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const method = methodOf(init?.body);
    const started = performance.now();
    try {
      return await fetch(input, init);
    } finally {
      observe(method, (performance.now() - started) / 1000);
    }
  };

/**
 * Chain access for the keeper, all from @tcm/chain: the client (RPC fallback, JSON-RPC batching and large
 * multicall aggregates so a poll costs a handful of HTTP requests whatever the project count), the deployment
 * (file or machine address), the reader, the domain model loader and the transaction builders.
 */
export const KeeperChainLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const settings = yield* KeeperConfig;
    const metrics = yield* KeeperMetrics;
    const client = ChainClient.layer({
      rpcUrls: settings.rpcUrls,
      batch: true,
      multicall: true,
      // A deployless multicall returns its results as "deployed code", capped at 24,576 bytes (EIP-170); viem
      // sizes batches by calldata. getProject returns ~1 KB for 36 bytes of calldata, so 800 bytes of calldata
      // (≈22 getProject calls) keeps every aggregate under the cap; a tick's aggregates still share one HTTP
      // request through JSON-RPC batching.
      multicallBatchSize: 800,
      timeoutMs: Duration.toMillis(settings.rpcTimeout),
      pollingIntervalMs: Duration.toMillis(settings.receiptPollInterval),
      fetchFn: timedFetch(metrics.observeRpc),
    });
    const deployment: Layer.Layer<Deployment, DeploymentError | ChainError, ChainClient> =
      settings.deployment._tag === "File" ? Deployment.fromFile(settings.deployment.file) : deploymentLayerFromMachine(settings.deployment.machine);
    return Layer.mergeAll(ModelState.Default, TcmReader.Default, TxBuilder.Default).pipe(
      Layer.provideMerge(deployment),
      Layer.provideMerge(client),
    );
  }),
);
