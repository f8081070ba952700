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
  loadDeploymentFile,
} from "@tcm/chain";
import { NodeFileSystem } from "@effect/platform-node";
import { Duration, Effect, Layer, Option } from "effect";
import { KeeperConfig, KeeperConfigError } from "./KeeperConfig.js";
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

/** A deployment file that must name its RPC (TCM_RPC_URLS unset): else a KeeperConfigError naming TCM_RPC_URLS. */
const deploymentWithRpc = (file: string) =>
  loadDeploymentFile(file).pipe(
    Effect.provide(NodeFileSystem.layer),
    Effect.flatMap((info) =>
      info.rpcUrl === undefined
        ? Effect.fail(
            new KeeperConfigError({
              variable: "TCM_RPC_URLS",
              message: `TCM_RPC_URLS: is required (${file} names no rpcUrl; only the local devnet's file does)`,
            }),
          )
        : Effect.succeed({ info, file, rpcUrl: info.rpcUrl }),
    ),
  );

/**
 * Chain access for the keeper, all from @tcm/chain: the client (RPC fallback, JSON-RPC batching and multicall
 * aggregates sized by ChainClient, so a poll costs a handful of HTTP requests whatever the project count), the
 * deployment (file or machine address), the reader, the domain model loader, the transaction builders, and the
 * signer (Wallet + TxSender, whose managed sends keep the keeper's nonce).
 */
export const KeeperChainLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const settings = yield* KeeperConfig;
    // Without TCM_RPC_URLS the deployment file names its node (npm start's devnet writes rpcUrl beside it): read once
    // here, for the RPC and the deployment both.
    const fromFile =
      settings.rpcUrls.length === 0 && settings.deployment._tag === "File"
        ? Option.some(yield* deploymentWithRpc(settings.deployment.file))
        : Option.none();
    const client = ChainClient.layer({
      rpcUrls: Option.match(fromFile, { onNone: () => settings.rpcUrls, onSome: ({ rpcUrl }) => [rpcUrl] }),
      batch: true,
      multicall: true,
      timeoutMs: Duration.toMillis(settings.rpcTimeout),
      pollingIntervalMs: Duration.toMillis(settings.receiptPollInterval),
      fetchFn: timedFetch(observeRpc),
    });
    const deployment: Layer.Layer<Deployment, DeploymentError | ChainError, ChainClient> = Option.isSome(fromFile)
      ? Deployment.fromValue(fromFile.value.info, fromFile.value.file)
      : settings.deployment._tag === "File"
        ? Deployment.fromFile(settings.deployment.file)
        : deploymentLayerFromMachine(settings.deployment.machine);
    const signer = TxSender.Default.pipe(Layer.provideMerge(Wallet.fromKey(settings.privateKey)));
    return Layer.mergeAll(ModelState.Default, TcmReader.Default, TxBuilder.Default, signer).pipe(
      Layer.provideMerge(deployment),
      Layer.provideMerge(client),
    );
  }),
);
