import {
  ChainClient,
  type ChainError,
  Deployment,
  type DeploymentError,
  ModelState,
  TcmReader,
  TxBuilder,
  TxSender,
  Wallet,
  deploymentLayerFromMachine,
} from "@tcm/chain";
import { Duration, Effect, Layer } from "effect";
import { KeeperConfig } from "./KeeperConfig.js";
import { observeRpc } from "./Metrics.js";

/** The JSON-RPC method(s) of a request body, for metrics labels. */
const methodOf = (body: unknown): string => {
  if (typeof body !== "string") return "unknown";
  try {
    const parsed: unknown = JSON.parse(body);
    const methodIn = (call: unknown) =>
      typeof call === "object" && call !== null && "method" in call && typeof call.method === "string"
        ? call.method
        : "unknown";
    if (Array.isArray(parsed)) return parsed.length === 1 ? methodIn(parsed[0]) : "batch";
    return methodIn(parsed);
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
 * Chain access for the keeper, all from @tcm/chain: the client (RPC fallback, JSON-RPC batching and multicall
 * aggregates sized by ChainClient, so a poll costs a handful of HTTP requests whatever the project count), the
 * deployment (file or machine address), the reader, the domain model loader, the transaction builders, and the
 * signer (Wallet + TxSender, whose managed sends keep the keeper's nonce).
 */
export const KeeperChainLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const settings = yield* KeeperConfig;
    const client = ChainClient.layer({
      rpcUrls: settings.rpcUrls,
      batch: true,
      multicall: true,
      timeoutMs: Duration.toMillis(settings.rpcTimeout),
      pollingIntervalMs: Duration.toMillis(settings.receiptPollInterval),
      fetchFn: timedFetch(observeRpc),
    });
    const deployment: Layer.Layer<Deployment, DeploymentError | ChainError, ChainClient> =
      settings.deployment._tag === "File"
        ? Deployment.fromFile(settings.deployment.file)
        : deploymentLayerFromMachine(settings.deployment.machine);
    const signer = TxSender.Default.pipe(Layer.provideMerge(Wallet.fromKey(settings.privateKey)));
    return Layer.mergeAll(ModelState.Default, TcmReader.Default, TxBuilder.Default, signer).pipe(
      Layer.provideMerge(deployment),
      Layer.provideMerge(client),
    );
  }),
);
