import { Cause, Data, Effect, Exit, Layer, Logger } from "effect";
import { Harvester, type PassReport, errorClassOf } from "./Harvester.js";
import { KeeperChainLive } from "./KeeperChain.js";
import { KeeperConfig, isConfigFailure } from "./KeeperConfig.js";
import { KeeperMetrics } from "./Metrics.js";
import { HttpLive } from "./Server.js";
import { Transactions, pollSchedule } from "./Transactions.js";

/** How the keeper was started: `run` (loop) or `once` (one pass), with or without `--dry-run`. */
export interface KeeperMode {
  readonly command: "run" | "once";
  readonly dryRun: boolean;
}

/** A bad command line (exit code 2, like bad configuration). */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/** `once` finished its pass; the exit code says how (0: all due projects harvested or rightly skipped, 1: failures). */
export class OnceFinished extends Data.TaggedError("OnceFinished")<{ readonly exitCode: 0 | 1; readonly report?: PassReport }> {}

export const parseArgs = (argv: ReadonlyArray<string>): KeeperMode | UsageError => {
  const dryRun = argv.includes("--dry-run");
  const rest = argv.filter((a) => a !== "--dry-run");
  const [command, ...extra] = rest;
  if ((command !== "run" && command !== "once") || extra.length > 0) {
    return new UsageError({ message: `usage: keeper run|once [--dry-run] (got: ${argv.join(" ") || "nothing"})` });
  }
  return { command, dryRun };
};

/** Everything a pass needs: config, metrics, chain access, transactions, the harvester. */
export const KeeperCoreLive = Harvester.Default.pipe(
  Layer.provideMerge(Transactions.Default),
  Layer.provideMerge(KeeperChainLive),
  Layer.provideMerge(KeeperMetrics.Default),
  Layer.provideMerge(KeeperConfig.Default),
);

const onePoll = (dryRun: boolean) =>
  Effect.gen(function* () {
    const harvester = yield* Harvester;
    const metrics = yield* KeeperMetrics;
    return yield* harvester.pass({ dryRun }).pipe(
      Effect.tap(() => metrics.poll("ok")),
      Effect.tapErrorCause((cause) =>
        Effect.gen(function* () {
          yield* metrics.poll("failed");
          const failure = Cause.failureOption(cause);
          yield* metrics.error(failure._tag === "Some" ? errorClassOf(failure.value) : "defect");
          yield* Effect.logError("poll failed").pipe(Effect.annotateLogs({ cause: Cause.pretty(cause) }));
        }),
      ),
    );
  });

/** `run`: polls every TCM_POLL_INTERVAL_MS until SIGINT/SIGTERM; shutdown waits for in-flight transactions. */
export const PollLoopLive = (dryRun: boolean) =>
  Layer.scopedDiscard(
    Effect.gen(function* () {
      const settings = yield* KeeperConfig;
      const txs = yield* Transactions;
      yield* txs.settlePrevious();
      yield* Effect.logInfo("keeper started").pipe(
        Effect.annotateLogs({ address: txs.address, pollIntervalMs: settings.pollInterval.toJSON(), dryRun }),
      );
      yield* Effect.forkScoped(onePoll(dryRun).pipe(Effect.ignore, Effect.repeat(pollSchedule(settings.pollInterval))));
      // Finalizers run in reverse: this logs first, then the poll fiber is interrupted, which waits for the
      // uninterruptible send-and-await section of a pass in progress.
      yield* Effect.addFinalizer(() => Effect.logInfo("shutting down; waiting for in-flight transactions"));
    }),
  );

/** `once`: one pass, then ends the program with its exit code (through OnceFinished). */
export const OncePassLive = (dryRun: boolean) =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const txs = yield* Transactions;
      yield* txs.settlePrevious();
      const report = yield* Effect.either(onePoll(dryRun));
      if (report._tag === "Left") return yield* new OnceFinished({ exitCode: 1 });
      return yield* new OnceFinished({ exitCode: report.right.failures > 0 ? 1 : 0, report: report.right });
    }),
  );

/** Structured JSON logs at TCM_LOG_LEVEL. */
const LoggingLive = Layer.unwrapEffect(Effect.map(KeeperConfig, (s) => Logger.minimumLogLevel(s.logLevel)));

/** The whole keeper for a mode: worker (+ HTTP server in `run`), logging, core services. */
export const makeMainLive = (mode: KeeperMode) => {
  const worker: Layer.Layer<never, unknown, KeeperConfig | KeeperMetrics | Harvester | Transactions> =
    mode.command === "run" ? Layer.merge(PollLoopLive(mode.dryRun), HttpLive) : OncePassLive(mode.dryRun);
  return worker.pipe(
    Layer.provide(KeeperCoreLive),
    Layer.provide(LoggingLive.pipe(Layer.provide(KeeperConfig.Default))),
    Layer.tapErrorCause((cause) => {
      const failure = Cause.failureOption(cause);
      if (failure._tag === "Some" && failure.value instanceof OnceFinished) return Effect.void;
      if (failure._tag === "Some" && (isConfigFailure(failure.value) || failure.value instanceof UsageError)) {
        const message = (failure.value as { message?: string }).message ?? String(failure.value);
        return Effect.zipRight(
          Effect.sync(() => process.stderr.write(`keeper: refusing to start: ${message}\n`)),
          Effect.logError("refusing to start: bad configuration").pipe(Effect.annotateLogs({ error: message })),
        );
      }
      return Effect.logError("keeper stopped").pipe(Effect.annotateLogs({ cause: Cause.pretty(cause) }));
    }),
    Layer.provide(Logger.json),
  );
};

/** Maps how the program ended to the process exit code: OnceFinished → its code, bad config/usage → 2. */
export const exitCodeOf = <E, A>(exit: Exit.Exit<A, E>): number => {
  if (Exit.isSuccess(exit)) return 0;
  const failures = [...Cause.failures(exit.cause)] as unknown[];
  const finished = failures.find((f): f is OnceFinished => f instanceof OnceFinished);
  if (finished !== undefined) return finished.exitCode;
  if (failures.some((f) => isConfigFailure(f) || f instanceof UsageError)) return 2;
  if (Cause.isInterruptedOnly(exit.cause)) return 0;
  return 1;
};
