import { Args, Command, Options, ValidationError } from "@effect/cli";
import { ChainClient } from "@tcm/chain";
import { Cause, Context, Duration, Effect, Either, Layer, Logger, Option, Ref, Schedule } from "effect";
import { Harvester, type PassReport } from "./Harvester.js";
import { KeeperChainLive } from "./KeeperChain.js";
import { KeeperConfig } from "./KeeperConfig.js";
import * as Metrics from "./Metrics.js";
import { errorClassOf } from "./planning.js";
import { HttpLive } from "./Server.js";

/** How the keeper was started: `run` (loop) or `once` (one pass), with or without `--dry-run`. */
export interface KeeperMode {
  readonly command: "run" | "once";
  readonly dryRun: boolean;
}

/**
 * Exit codes: 0 ok (or stopped by a signal), 1 failures, 2 bad configuration or command line, or /metrics cannot listen
 * where configured (a taken TCM_KEEPER_PORT).
 */
export const ExitCodes = { ok: 0, failures: 1, badConfig: 2 } as const;

/** Everything a pass needs: config, chain access and signer, the harvester. */
export const KeeperCoreLive = Harvester.Default.pipe(
  Layer.provideMerge(KeeperChainLive),
  Layer.provideMerge(KeeperConfig.Default),
);

/** One poll with its metrics and logs; a poll that fails outright is logged and counted, the next re-reads the chain. */
export const onePoll = (dryRun: boolean) =>
  Effect.flatMap(Harvester, (harvester) =>
    harvester.pass({ dryRun }).pipe(
      Effect.tap(() => Metrics.recordPoll("ok")),
      Effect.tapErrorCause((cause) =>
        Effect.gen(function* () {
          yield* Metrics.recordPoll("failed");
          const failure = Cause.failureOption(cause);
          yield* Metrics.recordError(Option.match(failure, { onNone: () => "defect", onSome: errorClassOf }));
          yield* Effect.logError("poll failed").pipe(Effect.annotateLogs({ cause: Cause.pretty(cause) }));
        }),
      ),
    ),
  );

/** `run`: polls every TCM_POLL_INTERVAL_MS until SIGINT/SIGTERM; shutdown waits for in-flight transactions. */
export const PollLoopLive = (dryRun: boolean) =>
  Layer.scopedDiscard(
    Effect.gen(function* () {
      const settings = yield* KeeperConfig;
      const harvester = yield* Harvester;
      const chain = yield* ChainClient;
      yield* harvester.settlePrevious;
      yield* Effect.logInfo("keeper started").pipe(
        Effect.annotateLogs({
          address: harvester.address,
          rpc: chain.rpcUrls.join(", "),
          pollIntervalMs: Duration.toMillis(settings.pollInterval),
          dryRun,
        }),
      );
      yield* Effect.forkScoped(
        onePoll(dryRun).pipe(Effect.ignore, Effect.repeat(Schedule.spaced(settings.pollInterval))),
      );
      // Finalizers run in reverse: this logs first, then the poll fiber is interrupted, which waits for the
      // uninterruptible send-and-await section of a pass in progress.
      yield* Effect.addFinalizer(() => Effect.logInfo("shutting down; waiting for in-flight transactions"));
    }),
  );

/** `once`: one pass; its exit code (0: every due project harvested or rightly skipped, 1: failures). */
export const oncePass = (dryRun: boolean) =>
  Effect.gen(function* () {
    const harvester = yield* Harvester;
    yield* harvester.settlePrevious;
    const report = yield* Effect.either(onePoll(dryRun));
    return Either.isRight(report) && report.right.failures === 0 ? ExitCodes.ok : ExitCodes.failures;
  });

/** Structured JSON logs at TCM_LOG_LEVEL. */
const LoggingLive = Layer.unwrapEffect(Effect.map(KeeperConfig, (s) => Logger.minimumLogLevel(s.logLevel)));

const refuse = (message: string) =>
  Effect.zipRight(
    Effect.sync(() => process.stderr.write(`keeper: refusing to start: ${message}\n`)),
    Effect.logError("refusing to start").pipe(Effect.annotateLogs({ error: message })),
  ).pipe(Effect.as(ExitCodes.badConfig));

/**
 * The keeper in a mode, to its exit code: `run` until interrupted (0), `once` one pass (0 or 1); a bad configuration
 * or deployment file, or a metrics address it cannot listen on, is 2, any other failure to start 1. The exit code is
 * the program's value, not an error.
 */
export const runKeeper = (mode: KeeperMode): Effect.Effect<number> => {
  const settings = Layer.merge(KeeperConfig.Default, LoggingLive.pipe(Layer.provide(KeeperConfig.Default)));
  // /metrics and /health listen first (they need only the settings): a taken port stops the keeper before it
  // connects to the chain or sends anything.
  const run = Layer.launch(
    PollLoopLive(mode.dryRun).pipe(Layer.provide(KeeperCoreLive), Layer.provide(HttpLive), Layer.provide(settings)),
  ).pipe(Effect.as(ExitCodes.ok));
  const once = oncePass(mode.dryRun).pipe(Effect.provide(Layer.merge(KeeperCoreLive, settings)));
  const program: Effect.Effect<number, Effect.Effect.Error<typeof run> | Effect.Effect.Error<typeof once>> =
    mode.command === "run" ? run : once;
  return program.pipe(
    Effect.catchTags({
      KeeperConfigError: (e) => refuse(e.message),
      DeploymentError: (e) => refuse(e.message),
      KeeperListenError: (e) => refuse(e.message),
    }),
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause)
        ? Effect.succeed(ExitCodes.ok)
        : Effect.logError("keeper stopped").pipe(
            Effect.annotateLogs({ cause: Cause.pretty(cause) }),
            Effect.as(ExitCodes.failures),
          ),
    ),
    Effect.provide(Logger.json),
  );
};

/** Where a command's exit code goes (the entry point reads it after the command ran). */
export class ExitCode extends Context.Tag("@tcm/keeper/ExitCode")<ExitCode, Ref.Ref<number>>() {}

const dryRun = Options.boolean("dry-run").pipe(
  Options.withDescription("plan and log what would be sent; send nothing"),
);

/**
 * `keeper run [--dry-run]` and `keeper once [--dry-run]` (@effect/cli), each handing its mode to `handler`; the
 * handler's number is the exit code.
 */
export const keeperCommand = <R>(handler: (mode: KeeperMode) => Effect.Effect<number, never, R>) => {
  const mode = (command: KeeperMode["command"]) => (options: { readonly dryRun: boolean }) =>
    Effect.flatMap(handler({ command, dryRun: options.dryRun }), (code) =>
      Effect.flatMap(ExitCode, (ref) => Ref.set(ref, code)),
    );
  const run = Command.make("run", { dryRun }, mode("run")).pipe(
    Command.withDescription("poll every TCM_POLL_INTERVAL_MS until stopped"),
  );
  const once = Command.make("once", { dryRun }, mode("once")).pipe(
    Command.withDescription("one pass; exit 0 (done) or 1 (failures)"),
  );
  return Command.make("keeper", { rest: Args.none }).pipe(
    Command.withDescription(
      "TCM keeper: harvests once per epoch and runs the deploy steps (configuration from TCM_* variables)",
    ),
    Command.withSubcommands([run, once]),
  );
};

/** Runs the command line (`argv` as process.argv) to an exit code: a usage error is 2. */
export const cli = <R>(argv: ReadonlyArray<string>, handler: (mode: KeeperMode) => Effect.Effect<number, never, R>) =>
  Effect.gen(function* () {
    const code = yield* Ref.make<number>(ExitCodes.ok);
    const run = Command.run(keeperCommand(handler), { name: "keeper", version: "0.1.0" });
    const result = yield* Effect.either(run(argv).pipe(Effect.provideService(ExitCode, code)));
    if (Either.isLeft(result))
      return ValidationError.isValidationError(result.left) ? ExitCodes.badConfig : ExitCodes.failures;
    return yield* Ref.get(code);
  });

export type { PassReport };
