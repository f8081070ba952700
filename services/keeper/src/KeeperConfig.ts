import { accountFromKey } from "@tcm/chain";
import { Config, ConfigError, Data, Duration, Effect, Either, LogLevel, Option, type Redacted } from "effect";
import { type Address, getAddress, isAddress, parseGwei } from "viem";

/** A bad or missing environment variable. Fatal: the keeper refuses to start (exit code 2). */
export class KeeperConfigError extends Data.TaggedError("KeeperConfigError")<{
  /** The variable's name, e.g. `TCM_MAX_FEE_GWEI`. */
  readonly variable: string;
  readonly message: string;
}> {}

/** Which deployment to use: a forge deployment file, or just the machine's address (the rest is read from it). */
export type DeploymentSource =
  | { readonly _tag: "File"; readonly file: string }
  | { readonly _tag: "Machine"; readonly machine: Address };

/** Everything the keeper needs, read once while its layers build. */
export interface KeeperSettings {
  readonly rpcUrls: ReadonlyArray<string>;
  /** Signs harvest and deploy-step transactions; redacted so it never reaches a log line. */
  readonly privateKey: Redacted.Redacted<string>;
  readonly deployment: DeploymentSource;
  /** Harvested and stepped even when the bounty does not pay for the gas ("all" = every project). */
  readonly sponsored: ReadonlySet<number> | "all";
  /** Fee caps (wei per gas): never bid above them, replacements included. */
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
  readonly pollInterval: Duration.Duration;
  /** /metrics and /health; 0 picks a free port (logged). */
  readonly port: number;
  readonly logLevel: LogLevel.LogLevel;
  /** A transaction without a receipt after this long is replaced (same nonce, fees +12.5 % or more, capped). */
  readonly txTimeout: Duration.Duration;
  /** Per HTTP request to the RPC. */
  readonly rpcTimeout: Duration.Duration;
  /** Projects per harvestMany / deployMany transaction. */
  readonly chunkSize: number;
  /** How often receipts are polled. */
  readonly receiptPollInterval: Duration.Duration;
}

const LOG_LEVELS: Readonly<Record<string, LogLevel.LogLevel>> = {
  all: LogLevel.All,
  trace: LogLevel.Trace,
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  warn: LogLevel.Warning,
  warning: LogLevel.Warning,
  error: LogLevel.Error,
  fatal: LogLevel.Fatal,
  none: LogLevel.None,
  off: LogLevel.None,
};

const fail = (variable: string, message: string) => Effect.fail(new KeeperConfigError({ variable, message: `${variable}: ${message}` }));

/** Reads one variable as a string (undefined when absent), turning Effect's ConfigError into ours. */
const raw = (variable: string) =>
  Config.option(Config.string(variable)).pipe(
    Effect.map(Option.getOrUndefined),
    Effect.map((value) => (value === undefined || value.trim() === "" ? undefined : value.trim())),
    Effect.mapError((e) => new KeeperConfigError({ variable, message: `${variable}: ${String(e)}` })),
  );

const required = (variable: string, what: string) =>
  Effect.flatMap(raw(variable), (value) => (value === undefined ? fail(variable, `is required (${what})`) : Effect.succeed(value)));

const integer = (variable: string, fallback: number, min: number, max: number) =>
  Effect.flatMap(raw(variable), (value) => {
    if (value === undefined) return Effect.succeed(fallback);
    const n = Number(value);
    return /^\d+$/.test(value) && Number.isSafeInteger(n) && n >= min && n <= max
      ? Effect.succeed(n)
      : fail(variable, `must be an integer from ${min} to ${max} (got "${value}")`);
  });

const gwei = (variable: string, fallback: string) =>
  Effect.flatMap(raw(variable), (value) => {
    const text = value ?? fallback;
    if (!/^\d+(\.\d{1,9})?$/.test(text)) return fail(variable, `must be a positive number of gwei (got "${text}")`);
    const wei = parseGwei(text);
    return wei > 0n ? Effect.succeed(wei) : fail(variable, `must be a positive number of gwei (got "${text}")`);
  });

/**
 * The keeper's configuration, from the environment only:
 * TCM_RPC_URLS (comma-separated, tried in order), TCM_PRIVATE_KEY, TCM_DEPLOYMENT_FILE or TCM_MACHINE_ADDRESS,
 * TCM_SPONSORED_PROJECTS ("1,4,7" or "all"), TCM_MAX_FEE_GWEI (100),
 * TCM_MAX_PRIORITY_FEE_GWEI (2), TCM_POLL_INTERVAL_MS (60 000), TCM_KEEPER_PORT (9464), TCM_LOG_LEVEL (Info),
 * TCM_TX_TIMEOUT_MS (90 000), TCM_RPC_TIMEOUT_MS (10 000), TCM_HARVEST_CHUNK_SIZE (25),
 * TCM_RECEIPT_POLL_MS (1 000). Every failure names its variable.
 */
export const loadKeeperSettings = Effect.fn("KeeperConfig.load")(function* () {
  const urlsText = yield* required("TCM_RPC_URLS", "comma-separated JSON-RPC URLs");
  const rpcUrls = urlsText.split(",").map((u) => u.trim()).filter((u) => u !== "");
  for (const url of rpcUrls) {
    const parsed = Either.try(() => new URL(url));
    if (Either.isLeft(parsed) || !/^https?:$/.test(parsed.right.protocol)) {
      return yield* fail("TCM_RPC_URLS", `"${url}" is not an http(s) URL`);
    }
  }
  if (rpcUrls.length === 0) return yield* fail("TCM_RPC_URLS", "is empty");

  const privateKey = yield* Config.redacted("TCM_PRIVATE_KEY").pipe(
    Effect.mapError(() => new KeeperConfigError({ variable: "TCM_PRIVATE_KEY", message: "TCM_PRIVATE_KEY: is required (hex private key)" })),
  );
  yield* accountFromKey(privateKey).pipe(
    Effect.mapError((e) => new KeeperConfigError({ variable: "TCM_PRIVATE_KEY", message: `TCM_PRIVATE_KEY: ${e.message}` })),
  );

  const file = yield* raw("TCM_DEPLOYMENT_FILE");
  const machine = yield* raw("TCM_MACHINE_ADDRESS");
  let deployment: DeploymentSource;
  if (file !== undefined) deployment = { _tag: "File", file };
  else if (machine !== undefined) {
    if (!isAddress(machine, { strict: false })) return yield* fail("TCM_MACHINE_ADDRESS", `"${machine}" is not an address`);
    deployment = { _tag: "Machine", machine: getAddress(machine) };
  } else return yield* fail("TCM_DEPLOYMENT_FILE", "is required (or set TCM_MACHINE_ADDRESS)");

  const sponsoredText = yield* raw("TCM_SPONSORED_PROJECTS");
  let sponsored: ReadonlySet<number> | "all" = new Set();
  if (sponsoredText === "all" || sponsoredText === "*") sponsored = "all";
  else if (sponsoredText !== undefined) {
    const ids = sponsoredText.split(",").map((s) => s.trim()).filter((s) => s !== "");
    const bad = ids.find((s) => !/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 0xffffffff);
    if (bad !== undefined) return yield* fail("TCM_SPONSORED_PROJECTS", `"${bad}" is not a project id (use "1,2,3" or "all")`);
    sponsored = new Set(ids.map(Number));
  }

  const maxFeePerGas = yield* gwei("TCM_MAX_FEE_GWEI", "100");
  // Default tip 2 gwei, but never above the fee cap when only the cap is set.
  const priorityText = yield* raw("TCM_MAX_PRIORITY_FEE_GWEI");
  const maxPriorityFeePerGas =
    priorityText === undefined && parseGwei("2") > maxFeePerGas ? maxFeePerGas : yield* gwei("TCM_MAX_PRIORITY_FEE_GWEI", "2");
  if (maxPriorityFeePerGas > maxFeePerGas) {
    return yield* fail("TCM_MAX_PRIORITY_FEE_GWEI", "must not exceed TCM_MAX_FEE_GWEI");
  }
  const pollMs = yield* integer("TCM_POLL_INTERVAL_MS", 60_000, 10, 86_400_000);
  const port = yield* integer("TCM_KEEPER_PORT", 9464, 0, 65_535);
  const levelText = yield* raw("TCM_LOG_LEVEL");
  const logLevel = levelText === undefined ? LogLevel.Info : LOG_LEVELS[levelText.toLowerCase()];
  if (logLevel === undefined) {
    return yield* fail("TCM_LOG_LEVEL", `must be one of trace, debug, info, warning, error, fatal, none (got "${levelText}")`);
  }
  const txTimeoutMs = yield* integer("TCM_TX_TIMEOUT_MS", 90_000, 100, 3_600_000);
  const rpcTimeoutMs = yield* integer("TCM_RPC_TIMEOUT_MS", 10_000, 50, 600_000);
  const chunkSize = yield* integer("TCM_HARVEST_CHUNK_SIZE", 25, 1, 500);
  const receiptPollMs = yield* integer("TCM_RECEIPT_POLL_MS", 1_000, 5, 60_000);
  return {
    rpcUrls,
    privateKey,
    deployment,
    sponsored,
    maxFeePerGas,
    maxPriorityFeePerGas,
    pollInterval: Duration.millis(pollMs),
    port,
    logLevel,
    txTimeout: Duration.millis(txTimeoutMs),
    rpcTimeout: Duration.millis(rpcTimeoutMs),
    chunkSize,
    receiptPollInterval: Duration.millis(receiptPollMs),
  } satisfies KeeperSettings;
});

/** Whether a failure is a configuration problem (exit code 2), wherever it came from. */
export const isConfigFailure = (error: unknown): boolean =>
  typeof error === "object" &&
  error !== null &&
  ((error as { _tag?: unknown })._tag === "KeeperConfigError" ||
    (error as { _tag?: unknown })._tag === "DeploymentError" ||
    ConfigError.isConfigError(error));

/** The keeper's settings as a service (read from the environment while the layer builds). */
export class KeeperConfig extends Effect.Service<KeeperConfig>()("@tcm/keeper/KeeperConfig", {
  effect: loadKeeperSettings(),
}) {}
