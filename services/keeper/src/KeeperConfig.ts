import { accountFromKey } from "@tcm/chain";
import { Config, ConfigError, Data, Duration, Effect, Either, LogLevel, Option, Redacted } from "effect";
import { type Address, getAddress, isAddress, parseGwei } from "viem";

/** A bad or missing environment variable. Fatal: the keeper refuses to start (exit code 2). */
export class KeeperConfigError extends Data.TaggedError("KeeperConfigError")<{
  /** The variable's name, e.g. `TCM_MAX_FEE_GWEI`. */
  readonly variable: string;
  readonly message: string;
}> {}

/** Which deployment to use: a forge deployment file, or just the machine's address (the rest is read from it). */
export type DeploymentSource =
  { readonly _tag: "File"; readonly file: string } | { readonly _tag: "Machine"; readonly machine: Address };

/** Everything the keeper needs, read once while its layers build. */
export interface KeeperSettings {
  /** Tried in order; empty: the deployment file's `rpcUrl` (the devnet's, which `npm start` writes). */
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
  /** /metrics and /health listen on host:port; port 0 picks a free one (logged). */
  readonly host: string;
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

const invalid = (variable: string, message: string) =>
  Either.left(ConfigError.InvalidData([variable], `${variable}: ${message}`));

/** A trimmed string; unset or blank is None. */
const optionalText = (variable: string) =>
  Config.string(variable).pipe(
    Config.map((s) => s.trim()),
    Config.withDefault(""),
    Config.map((s) => (s === "" ? Option.none<string>() : Option.some(s))),
  );

/** An integer in [min, max], `fallback` when unset. */
const integer = (variable: string, fallback: number, min: number, max: number) =>
  optionalText(variable).pipe(
    Config.mapOrFail((text) => {
      if (Option.isNone(text)) return Either.right(fallback);
      const n = Number(text.value);
      return /^\d+$/.test(text.value) && Number.isSafeInteger(n) && n >= min && n <= max
        ? Either.right(n)
        : invalid(variable, `must be an integer from ${min} to ${max} (got "${text.value}")`);
    }),
  );

const millis = (variable: string, fallback: number, min: number, max: number) =>
  integer(variable, fallback, min, max).pipe(Config.map(Duration.millis));

/** A positive amount of gwei (up to 9 decimals), in wei; None when unset. */
const gwei = (variable: string) =>
  optionalText(variable).pipe(
    Config.mapOrFail((text) => {
      if (Option.isNone(text)) return Either.right(Option.none<bigint>());
      const wei = /^\d+(\.\d{1,9})?$/.test(text.value) ? parseGwei(text.value) : 0n;
      return wei > 0n
        ? Either.right(Option.some(wei))
        : invalid(variable, `must be a positive number of gwei (got "${text.value}")`);
    }),
  );

const rpcUrls = optionalText("TCM_RPC_URLS").pipe(
  Config.mapOrFail((text) => {
    if (Option.isNone(text)) return Either.right([]);
    const urls = text.value
      .split(",")
      .map((u) => u.trim())
      .filter((u) => u !== "");
    if (urls.length === 0) return invalid("TCM_RPC_URLS", "is empty (comma-separated JSON-RPC URLs)");
    for (const url of urls) {
      const parsed = Either.try(() => new URL(url));
      if (Either.isLeft(parsed) || !/^https?:$/.test(parsed.right.protocol))
        return invalid("TCM_RPC_URLS", `"${url}" is not an http(s) URL`);
    }
    return Either.right(urls);
  }),
);

const deployment: Config.Config<DeploymentSource> = Config.all([
  optionalText("TCM_DEPLOYMENT_FILE"),
  optionalText("TCM_MACHINE_ADDRESS"),
]).pipe(
  Config.mapOrFail(([file, machine]): Either.Either<DeploymentSource, ConfigError.ConfigError> => {
    if (Option.isSome(file)) return Either.right({ _tag: "File", file: file.value });
    if (Option.isNone(machine)) {
      return Either.left(
        ConfigError.MissingData(
          ["TCM_DEPLOYMENT_FILE"],
          "TCM_DEPLOYMENT_FILE: is required (or set TCM_MACHINE_ADDRESS)",
        ),
      );
    }
    return isAddress(machine.value, { strict: false })
      ? Either.right({ _tag: "Machine", machine: getAddress(machine.value) })
      : invalid("TCM_MACHINE_ADDRESS", `"${machine.value}" is not an address`);
  }),
);

const sponsored = optionalText("TCM_SPONSORED_PROJECTS").pipe(
  Config.mapOrFail((text): Either.Either<ReadonlySet<number> | "all", ConfigError.ConfigError> => {
    if (Option.isNone(text)) return Either.right(new Set<number>());
    if (text.value === "all" || text.value === "*") return Either.right("all");
    const ids = text.value
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    const bad = ids.find((s) => !/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 0xffffffff);
    return bad === undefined
      ? Either.right(new Set(ids.map(Number)))
      : invalid("TCM_SPONSORED_PROJECTS", `"${bad}" is not a project id (use "1,2,3" or "all")`);
  }),
);

/** TCM_MAX_FEE_GWEI (100) and TCM_MAX_PRIORITY_FEE_GWEI (2, but never above the fee cap when only the cap is set). */
const feeCaps = Config.all([gwei("TCM_MAX_FEE_GWEI"), gwei("TCM_MAX_PRIORITY_FEE_GWEI")]).pipe(
  Config.mapOrFail(([fee, priority]) => {
    const maxFeePerGas = Option.getOrElse(fee, () => parseGwei("100"));
    const defaultTip = parseGwei("2");
    const maxPriorityFeePerGas = Option.getOrElse(priority, () =>
      defaultTip > maxFeePerGas ? maxFeePerGas : defaultTip,
    );
    return maxPriorityFeePerGas > maxFeePerGas
      ? invalid("TCM_MAX_PRIORITY_FEE_GWEI", "must not exceed TCM_MAX_FEE_GWEI")
      : Either.right({ maxFeePerGas, maxPriorityFeePerGas });
  }),
);

/** Where /metrics and /health listen: loopback unless TCM_KEEPER_HOST says otherwise (0.0.0.0: every interface). */
const host = optionalText("TCM_KEEPER_HOST").pipe(
  Config.mapOrFail((text) =>
    Option.isNone(text)
      ? Either.right("127.0.0.1")
      : /^[A-Za-z0-9.:[\]-]+$/.test(text.value)
        ? Either.right(text.value.replace(/^\[(.*)\]$/, "$1"))
        : invalid("TCM_KEEPER_HOST", `must be an IP address or a host name (got "${text.value}")`),
  ),
);

const logLevel = optionalText("TCM_LOG_LEVEL").pipe(
  Config.mapOrFail((text) => {
    if (Option.isNone(text)) return Either.right(LogLevel.Info);
    const level = LOG_LEVELS[text.value.toLowerCase()];
    return level !== undefined
      ? Either.right(level)
      : invalid(
          "TCM_LOG_LEVEL",
          `must be one of trace, debug, info, warning, error, fatal, none (got "${text.value}")`,
        );
  }),
);

/**
 * The keeper's configuration, from the environment only:
 * TCM_RPC_URLS (comma-separated, tried in order; unset: the deployment file's rpcUrl), TCM_PRIVATE_KEY,
 * TCM_DEPLOYMENT_FILE or TCM_MACHINE_ADDRESS,
 * TCM_SPONSORED_PROJECTS ("1,4,7" or "all"), TCM_MAX_FEE_GWEI (100),
 * TCM_MAX_PRIORITY_FEE_GWEI (2), TCM_POLL_INTERVAL_MS (60 000), TCM_KEEPER_HOST (127.0.0.1), TCM_KEEPER_PORT (9464),
 * TCM_LOG_LEVEL (Info),
 * TCM_TX_TIMEOUT_MS (90 000), TCM_RPC_TIMEOUT_MS (10 000), TCM_HARVEST_CHUNK_SIZE (25),
 * TCM_RECEIPT_POLL_MS (1 000).
 */
export const keeperConfig: Config.Config<KeeperSettings> = Config.all({
  rpcUrls,
  privateKey: Config.redacted("TCM_PRIVATE_KEY"),
  deployment,
  sponsored,
  fees: feeCaps,
  pollInterval: millis("TCM_POLL_INTERVAL_MS", 60_000, 10, 86_400_000),
  host,
  port: integer("TCM_KEEPER_PORT", 9464, 0, 65_535),
  logLevel,
  txTimeout: millis("TCM_TX_TIMEOUT_MS", 90_000, 100, 3_600_000),
  rpcTimeout: millis("TCM_RPC_TIMEOUT_MS", 10_000, 50, 600_000),
  chunkSize: integer("TCM_HARVEST_CHUNK_SIZE", 25, 1, 500),
  receiptPollInterval: millis("TCM_RECEIPT_POLL_MS", 1_000, 5, 60_000),
}).pipe(
  Config.map(({ fees, ...rest }) => ({ ...rest, ...fees })),
  Config.mapOrFail((settings) =>
    settings.rpcUrls.length === 0 && settings.deployment._tag === "Machine"
      ? Either.left(
          ConfigError.MissingData(
            ["TCM_RPC_URLS"],
            "TCM_RPC_URLS: is required with TCM_MACHINE_ADDRESS (only a deployment file can name its RPC)",
          ),
        )
      : Either.right(settings),
  ),
);

/**
 * The first variable a ConfigError names, and its message. Effect's errors carry the variable as their path (a
 * mapOrFail on a named config repeats the name: the last element is the variable).
 */
const firstProblem = (error: ConfigError.ConfigError): { readonly variable: string; readonly message: string } =>
  ConfigError.reduceWithContext(error, undefined, {
    andCase: (_, left, right) => left ?? right,
    orCase: (_, left, right) => left ?? right,
    invalidDataCase: (_, path, message) => ({ variable: path.at(-1) ?? "(environment)", message }),
    missingDataCase: (_, path, message) => ({ variable: path.at(-1) ?? "(environment)", message }),
    sourceUnavailableCase: (_, path, message) => ({ variable: path.at(-1) ?? "(environment)", message }),
    unsupportedCase: (_, path, message) => ({ variable: path.at(-1) ?? "(environment)", message }),
  }) ?? { variable: "(environment)", message: String(error) };

/** The settings, with every failure a KeeperConfigError naming its variable (the private key checked too). */
export const loadKeeperSettings = Effect.fn("KeeperConfig.load")(function* () {
  const settings = yield* keeperConfig.pipe(
    Effect.mapError((e) => {
      const { variable, message } = firstProblem(e);
      return new KeeperConfigError({
        variable,
        message: message.includes(variable) ? message : `${variable}: ${message}`,
      });
    }),
  );
  yield* accountFromKey(settings.privateKey).pipe(
    Effect.mapError(
      (e) => new KeeperConfigError({ variable: "TCM_PRIVATE_KEY", message: `TCM_PRIVATE_KEY: ${e.message}` }),
    ),
  );
  return settings;
});

/** The keeper's settings as a service (read from the environment while the layer builds). */
export class KeeperConfig extends Effect.Service<KeeperConfig>()("@tcm/keeper/KeeperConfig", {
  effect: loadKeeperSettings(),
}) {}
