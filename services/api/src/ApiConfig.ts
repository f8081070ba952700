import { Config, ConfigError, Duration, Effect, Either, Layer, Option } from "effect";
import { availableParallelism } from "node:os";

/**
 * Everything the API reads from its environment, through Effect Config only. The chain side (TCM_RPC_URLS,
 * TCM_DEPLOYMENT_FILE) is read by @tcm/chain's own layers.
 */
export interface ApiConfig {
  readonly host: string;
  readonly port: number;
  /** graph-node GraphQL endpoint of the TCM subgraph (…/subgraphs/name/<name>); None = history disabled. */
  readonly subgraphUrl: Option.Option<URL>;
  /** CORS: allowed origins ("*" = any). Empty = no CORS headers. */
  readonly corsOrigins: ReadonlyArray<string>;
  /** Request bodies above this are refused with 413. */
  readonly maxBodyBytes: number;
  /** A request running longer than this is answered 504 with a GraphQL error. */
  readonly timeout: Duration.Duration;
  /** Query depth limit (graphql-armor). */
  readonly maxDepth: number;
  /** Query cost limit (graphql-armor cost-limit). */
  readonly maxCost: number;
  /** How long the chain head block number is reused before asking the node again (0 = every request). */
  readonly headTtl: Duration.Duration;
  /** History fields fail with "subgraph behind" when it lags the chain head by more than this many blocks. */
  readonly subgraphMaxLagBlocks: number;
  /** Per-call timeout for subgraph requests. */
  readonly subgraphTimeout: Duration.Duration;
  /** Server processes (Node cluster workers sharing the port); 1 = the API is this one process, no cluster. */
  readonly workers: number;
}

const positiveInt = (name: string, fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  Config.integer(name).pipe(
    Config.validate({
      message: `${name} must be an integer between 1 and ${max}`,
      validation: (n) => n >= 1 && n <= max,
    }),
    Config.withDefault(fallback),
  );

const nonNegativeMillis = (name: string, fallback: number) =>
  Config.integer(name).pipe(
    Config.validate({ message: `${name} must be a non-negative integer (milliseconds)`, validation: (n) => n >= 0 }),
    Config.withDefault(fallback),
    Config.map(Duration.millis),
  );

/**
 * TCM_API_WORKERS: a positive integer, or `auto` (os.availableParallelism(): the cores this process may use); unset
 * or empty = 1. Anything else fails naming the variable and the value.
 */
export const apiWorkers: Config.Config<number> = Config.string("TCM_API_WORKERS").pipe(
  Config.withDefault(""),
  Config.mapOrFail((raw) => {
    const value = raw.trim();
    if (value === "") return Either.right(1);
    if (value.toLowerCase() === "auto") return Either.right(availableParallelism());
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    return Number.isSafeInteger(n) && n >= 1
      ? Either.right(n)
      : Either.left(
          ConfigError.InvalidData(
            ["TCM_API_WORKERS"],
            `Expected TCM_API_WORKERS to be a positive integer or "auto", got ${JSON.stringify(raw)}`,
          ),
        );
  }),
);

/**
 * TCM_API_HOST (127.0.0.1), TCM_API_PORT (4000), TCM_SUBGRAPH_URL (optional), TCM_API_CORS_ORIGINS (comma-separated,
 * default none), TCM_API_MAX_BODY_BYTES (65536), TCM_API_TIMEOUT_MS (10000), TCM_API_MAX_DEPTH (10),
 * TCM_API_MAX_COST (20000), TCM_API_HEAD_TTL_MS (1000), TCM_API_SUBGRAPH_MAX_LAG_BLOCKS (50),
 * TCM_API_SUBGRAPH_TIMEOUT_MS (3000), TCM_API_WORKERS (1; see apiWorkers).
 */
export const apiConfig: Config.Config<ApiConfig> = Config.all({
  host: Config.string("TCM_API_HOST").pipe(Config.withDefault("127.0.0.1")),
  port: Config.integer("TCM_API_PORT").pipe(
    Config.validate({ message: "TCM_API_PORT must be between 0 and 65535", validation: (n) => n >= 0 && n <= 65_535 }),
    Config.withDefault(4000),
  ),
  // Unset or empty: history disabled (history fields then answer with an error saying so).
  subgraphUrl: Config.string("TCM_SUBGRAPH_URL").pipe(
    Config.withDefault(""),
    Config.mapOrFail((raw) => {
      if (raw.trim() === "") return Either.right(Option.none<URL>());
      try {
        return Either.right(Option.some(new URL(raw.trim())));
      } catch {
        return Either.left(
          ConfigError.InvalidData(
            ["TCM_SUBGRAPH_URL"],
            `Expected TCM_SUBGRAPH_URL to be a URL, got ${JSON.stringify(raw)}`,
          ),
        );
      }
    }),
  ),
  corsOrigins: Config.array(Config.string(), "TCM_API_CORS_ORIGINS").pipe(
    Config.map((origins) => origins.map((o) => o.trim()).filter((o) => o.length > 0)),
    Config.withDefault([] as ReadonlyArray<string>),
  ),
  maxBodyBytes: positiveInt("TCM_API_MAX_BODY_BYTES", 64 * 1024, 64 * 1024 * 1024),
  timeout: Config.integer("TCM_API_TIMEOUT_MS").pipe(
    Config.validate({
      message: "TCM_API_TIMEOUT_MS must be a positive integer (milliseconds)",
      validation: (n) => n >= 1,
    }),
    Config.withDefault(10_000),
    Config.map(Duration.millis),
  ),
  maxDepth: positiveInt("TCM_API_MAX_DEPTH", 10, 64),
  maxCost: positiveInt("TCM_API_MAX_COST", 20_000),
  headTtl: nonNegativeMillis("TCM_API_HEAD_TTL_MS", 1_000),
  subgraphMaxLagBlocks: Config.integer("TCM_API_SUBGRAPH_MAX_LAG_BLOCKS").pipe(
    Config.validate({ message: "TCM_API_SUBGRAPH_MAX_LAG_BLOCKS must be >= 0", validation: (n) => n >= 0 }),
    Config.withDefault(50),
  ),
  subgraphTimeout: Config.integer("TCM_API_SUBGRAPH_TIMEOUT_MS").pipe(
    Config.validate({ message: "TCM_API_SUBGRAPH_TIMEOUT_MS must be a positive integer", validation: (n) => n >= 1 }),
    Config.withDefault(3_000),
    Config.map(Duration.millis),
  ),
  workers: apiWorkers,
});

export const loadApiConfig = Effect.fn("Api.loadConfig")(function* () {
  return yield* apiConfig;
});

/** The config as a service (read once while the layers build). */
export class ApiSettings extends Effect.Service<ApiSettings>()("@tcm/api/ApiSettings", {
  effect: Effect.gen(function* () {
    return yield* apiConfig;
  }),
}) {
  static fromValue = (config: ApiConfig) => Layer.succeed(ApiSettings, new ApiSettings(config));
}
