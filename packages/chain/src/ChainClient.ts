import { Config, Effect, Layer } from "effect";
import { type PublicClient, type Transport, createPublicClient, fallback, http } from "viem";
import type { ChainError } from "./errors.js";
import { isTransient } from "./errors.js";
import { classifyRpcError, transientRpcRetry } from "./rpc.js";

/**
 * Calldata bytes per aggregated (deployless Multicall3) eth_call, decided here for every caller. A deployless
 * multicall returns its results as contract code, which EIP-170 caps at 24,576 bytes. The largest view read in bulk,
 * getProject, returns ~1.1 KB plus its metadata URI (a string of the project owner's choosing) for 36 bytes of
 * calldata: viem's default of 1,024 bytes (28 getProject) exceeded the cap from ~25 projects on. 384 bytes
 * (10 getProject) leaves each result ~2.4 KB. The aggregates of one tick still share one HTTP request when
 * JSON-RPC batching is on, so a smaller size costs JSON-RPC calls, not round trips.
 */
export const MULTICALL_BATCH_BYTES = 384;

export interface ChainClientOptions {
  /** One or more RPC endpoints; more than one are used through viem's `fallback` transport, in order. */
  readonly rpcUrls: ReadonlyArray<string>;
  /**
   * JSON-RPC batching (default false): requests issued in the same tick share one HTTP POST. With `multicall` on,
   * every same-block eth_call of a tick is already one request; measured on anvil, a full snapshot (≈50 calls)
   * took 4 POSTs / ~17 ms with multicall alone, 4 POSTs / ~25 ms with both, 4 POSTs / ~30 ms with JSON-RPC
   * batching alone, 52 POSTs / ~50 ms with neither.
   */
  readonly batch?: boolean;
  /**
   * Aggregate same-block `eth_call`s (every readContract of one tick) into one deployless Multicall3 `eth_call`
   * (no Multicall3 contract needed, so it works on anvil too). Default true. Per-call reverts are kept; calls
   * with a sender, value or gas (simulations, estimates) are never aggregated.
   */
  readonly multicall?: boolean;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** How often receipts and blocks are polled (default 500 ms; lower on a devnet). */
  readonly pollingIntervalMs?: number;
  /** Observes every HTTP request (metrics, tests that count round trips). */
  readonly onFetchRequest?: (request: Request) => void;
  /** Replaces `fetch` for every HTTP request (timing each round trip for a latency histogram, fault injection). */
  readonly fetchFn?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
}

export const makePublicClient = (options: ChainClientOptions): PublicClient => {
  if (options.rpcUrls.length === 0) throw new Error("ChainClient: at least one RPC URL is required");
  const batch = options.batch ?? false;
  // viem's own retries are off: every retry goes through `transientRpcRetry`, visible in one place.
  const transportOf = (url: string) =>
    http(url, {
      batch,
      retryCount: 0,
      timeout: options.timeoutMs ?? 10_000,
      ...(options.onFetchRequest ? { onFetchRequest: options.onFetchRequest } : {}),
      ...(options.fetchFn ? { fetchFn: options.fetchFn } : {}),
    });
  const [first] = options.rpcUrls;
  const transport: Transport =
    options.rpcUrls.length === 1 && first !== undefined
      ? transportOf(first)
      : fallback(options.rpcUrls.map(transportOf), { retryCount: 0 });
  return createPublicClient({
    transport,
    pollingInterval: options.pollingIntervalMs ?? 500,
    batch: {
      multicall: (options.multicall ?? true) ? { deployless: true, batchSize: MULTICALL_BATCH_BYTES } : false,
    },
  }) as PublicClient;
};

/** The ChainClient service. */
export interface ChainClientShape {
  readonly client: PublicClient;
  readonly rpcUrls: ReadonlyArray<string>;
  /** Runs one viem call; errors become tagged (transient / fatal / revert). Never retried. */
  readonly request: <A>(operation: string, run: (client: PublicClient) => Promise<A>) => Effect.Effect<A, ChainError>;
  /** For idempotent reads: `request` retried on transient faults with `transientRpcRetry`. */
  readonly read: <A>(operation: string, run: (client: PublicClient) => Promise<A>) => Effect.Effect<A, ChainError>;
  readonly chainId: Effect.Effect<number, ChainError>;
  readonly blockNumber: Effect.Effect<bigint, ChainError>;
}

const make = (options: ChainClientOptions): ChainClientShape => {
  const client = makePublicClient(options);
  /** Runs one viem call; errors become tagged (transient / fatal / revert). Never retried. */
  const request = <A>(operation: string, run: (client: PublicClient) => Promise<A>): Effect.Effect<A, ChainError> =>
    Effect.tryPromise({ try: () => run(client), catch: (e) => classifyRpcError(operation, e) }).pipe(
      Effect.withSpan(`ChainClient.${operation}`),
    );
  /** For idempotent reads: `request` retried on transient faults with `transientRpcRetry`. */
  const read = <A>(operation: string, run: (client: PublicClient) => Promise<A>): Effect.Effect<A, ChainError> =>
    request(operation, run).pipe(Effect.retry({ schedule: transientRpcRetry, while: isTransient }));
  return {
    client,
    rpcUrls: options.rpcUrls,
    request,
    read,
    chainId: read("chainId", (c) => c.getChainId()),
    blockNumber: read("blockNumber", (c) => c.getBlockNumber({ cacheTime: 0 })),
  };
};

/**
 * The public client (reads, receipts, estimates). `Default` reads `TCM_RPC_URLS` (comma-separated);
 * `ChainClient.layer(options)` builds it explicitly.
 */
export class ChainClient extends Effect.Service<ChainClient>()("@tcm/chain/ChainClient", {
  effect: Effect.gen(function* () {
    const rpcUrls = yield* Config.array(Config.string(), "TCM_RPC_URLS");
    return make({ rpcUrls });
  }),
}) {
  static layer = (options: ChainClientOptions): Layer.Layer<ChainClient> =>
    Layer.sync(ChainClient, () => new ChainClient(make(options)));
}
