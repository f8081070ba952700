/**
 * TCM_API_WORKERS > 1: the API as a Node cluster. The primary (`runPrimary`) serves nothing itself: it forks N workers
 * running this same script (process.argv[1] with the same node options, so `node --import tsx src/main.ts` and the
 * bundle's `node main.mjs` alike), each one the whole single-process API; they share the listening socket, which the
 * primary hands out round-robin. The primary
 *   - reports a bind failure once (each worker sends its message instead of printing it) and exits 2;
 *   - on SIGTERM / SIGINT sends SIGTERM to every worker and exits 0 when all have exited (SIGKILL after a grace period,
 *     then exit 1);
 *   - when a worker dies on its own, logs which one and how, stops the others and exits 1: no restart in place, the
 *     supervisor (systemd, Kubernetes) restarts the whole API, as it would the single process (no crash loop to guard);
 *   - answers /metrics for every worker: the worker that got the scrape asks the primary, which collects each worker's
 *     text (with a timeout) and merges them, each series labelled worker="<i>" (Metrics.mergePrometheus).
 * Messages between them are plain objects with a `tcm` field (Node's own cluster messages travel apart).
 */
import cluster, { type Worker } from "node:cluster";
import { Config, type ConfigError, Data, Deferred, Duration, Effect, Exit, Option, Queue, Ref, Runtime } from "effect";
import type { ApiConfig } from "./ApiConfig.js";
import { mergePrometheus, renderPrometheus } from "./Metrics.js";

/** Set by the primary in each worker's environment: the worker's number (1…N), its `worker` label. */
export const WORKER_ENV = "TCM_API_WORKER";

/** How long the primary waits for each worker's metrics, and a worker for the merged text. */
const COLLECT_TIMEOUT = Duration.seconds(2);
const SCRAPE_TIMEOUT = Duration.seconds(4);
/** How long a worker that cannot listen waits for the primary to take its message before exiting. */
const ACK_TIMEOUT = Duration.seconds(2);

type ToPrimary =
  | { readonly tcm: "metrics-request"; readonly id: number }
  | { readonly tcm: "metrics-text"; readonly id: number; readonly text: string }
  | { readonly tcm: "bind-failed"; readonly message: string };
type ToWorker =
  | { readonly tcm: "metrics-collect"; readonly id: number }
  | { readonly tcm: "metrics-merged"; readonly id: number; readonly text: string }
  | { readonly tcm: "bind-failed-ack" };

const isMessage = <T extends { readonly tcm: string }>(message: unknown): message is T =>
  typeof message === "object" && message !== null && typeof (message as { tcm?: unknown }).tcm === "string";

/**
 * This process's worker number when it is a worker of the API's own cluster (TCM_API_WORKER set by its primary), not
 * merely a worker of any cluster (a process manager's, say).
 */
export const workerNumber: Effect.Effect<Option.Option<string>, ConfigError.ConfigError> = Config.string(
  WORKER_ENV,
).pipe(Config.option, Effect.map(Option.filter((n) => n !== "" && cluster.isWorker && process.send !== undefined)));

const send = (message: ToPrimary) =>
  Effect.async<void>((resume) => {
    if (process.send === undefined || !process.connected) return resume(Effect.void);
    process.send(message, undefined, {}, () => resume(Effect.void));
  });

// ---- worker side -------------------------------------------------------------------------------------------------

/** Scrapes waiting for the primary's merged text, by request id (one worker process, one map). */
const scrapes = new Map<number, (text: string) => void>();
let scrapeSequence = 0;
let bindAck: (() => void) | undefined;
/** Set while workerIpc's scope lasts: this worker's number. */
let thisWorker = Option.none<string>();

const onPrimaryMessage = (message: unknown) => {
  if (!isMessage<ToWorker>(message)) return;
  switch (message.tcm) {
    case "metrics-collect":
      void Effect.runPromise(
        Effect.flatMap(renderPrometheus, (text) => send({ tcm: "metrics-text", id: message.id, text })),
      );
      return;
    case "metrics-merged":
      scrapes.get(message.id)?.(message.text);
      return;
    case "bind-failed-ack":
      bindAck?.();
      return;
  }
};

/** In worker `worker`: answers the primary's requests for its metrics and asks it for everyone's while the scope lasts. */
export const workerIpc = (worker: string) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      thisWorker = Option.some(worker);
      process.on("message", onPrimaryMessage);
    }),
    () =>
      Effect.sync(() => {
        process.off("message", onPrimaryMessage);
        thisWorker = Option.none();
      }),
  );

export class MetricsUnavailable extends Data.TaggedError("MetricsUnavailable")<{ readonly message: string }> {}

/**
 * The text /metrics answers: this process's metrics, or, in a worker of the API's cluster, every worker's (asked of the
 * primary; fails when it does not answer within SCRAPE_TIMEOUT).
 */
export const metricsText: Effect.Effect<string, MetricsUnavailable> = Effect.suspend(() =>
  Option.isNone(thisWorker)
    ? renderPrometheus
    : Effect.async<string, MetricsUnavailable>((resume) => {
        const id = ++scrapeSequence;
        scrapes.set(id, (text) => {
          scrapes.delete(id);
          resume(Effect.succeed(text));
        });
        // A closed channel fails the scrape now (the callback takes the error instead of an 'error' event).
        process.send?.({ tcm: "metrics-request", id } satisfies ToPrimary, undefined, {}, (error) => {
          if (error === null) return;
          scrapes.delete(id);
          resume(Effect.fail(new MetricsUnavailable({ message: `the cluster's primary is gone (${error.message})` })));
        });
        return Effect.sync(() => scrapes.delete(id));
      }).pipe(
        Effect.timeoutFail({
          duration: SCRAPE_TIMEOUT,
          onTimeout: () =>
            new MetricsUnavailable({
              message: `the cluster's primary did not answer within ${Duration.format(SCRAPE_TIMEOUT)}`,
            }),
        }),
      ),
);

/**
 * In a worker: hands a bind failure's message to the primary, which prints it once for the whole API, and waits until
 * it has it (or ACK_TIMEOUT: then it is printed here).
 */
export const reportBindFailure = (message: string) =>
  Effect.gen(function* () {
    const acked = yield* Deferred.make<void>();
    bindAck = () => Deferred.unsafeDone(acked, Exit.void);
    yield* send({ tcm: "bind-failed", message });
    const taken = yield* Deferred.await(acked).pipe(Effect.timeout(ACK_TIMEOUT), Effect.option);
    if (Option.isNone(taken)) process.stderr.write(`${message}\n`);
  });

// ---- primary side ------------------------------------------------------------------------------------------------

type Event =
  | { readonly _tag: "listening"; readonly worker: number; readonly address: string }
  | { readonly _tag: "exit"; readonly worker: number; readonly pid: number | undefined; readonly how: string }
  | { readonly _tag: "bindFailed"; readonly message: string };

/** A message to a worker; one whose channel has closed (it is exiting) is skipped, never an 'error' event. */
const tell = (worker: Worker, message: ToWorker) => {
  if (worker.isConnected()) worker.send(message, undefined, () => {});
};

const describeExit = (code: number | null, signal: string | null) =>
  signal !== null ? `was killed by ${signal}` : `exited with code ${code ?? "?"}`;

/**
 * The cluster's primary: forks `workers` workers and supervises them until a signal (then stops them, exit 0), a bind
 * failure (its message printed once, exit code 2) or a worker's own death (logged, the others stopped, exit code 1).
 * Sets process.exitCode; never fails.
 */
export const runPrimary = (settings: ApiConfig) =>
  Effect.scoped(
    Effect.gen(function* () {
      const count = settings.workers;
      const events = yield* Queue.unbounded<Event>();
      const stopping = yield* Ref.make(false);
      /** Worker number (1…N) by cluster worker, and each one's exit. */
      const numbers = new Map<Worker, number>();
      const exits = new Map<number, Deferred.Deferred<{ code: number | null; signal: string | null }>>();
      /** Metrics collections in flight: `${collection}:${worker}` → its text. */
      const collecting = new Map<string, Deferred.Deferred<string>>();
      let collection = 0;
      const runtime = yield* Effect.runtime<never>();
      const fork = <A>(effect: Effect.Effect<A>) => Runtime.runFork(runtime)(effect);

      const collect = (from: Worker, id: number) =>
        Effect.gen(function* () {
          const round = ++collection;
          const targets = [...numbers].filter(([worker]) => worker.isConnected());
          const texts = yield* Effect.forEach(
            targets,
            ([worker, n]) =>
              Effect.gen(function* () {
                const text = yield* Deferred.make<string>();
                collecting.set(`${round}:${n}`, text);
                tell(worker, { tcm: "metrics-collect", id: round });
                return yield* Deferred.await(text).pipe(
                  Effect.timeout(COLLECT_TIMEOUT),
                  Effect.option,
                  Effect.map((t) => ({ worker: String(n), text: t })),
                  Effect.ensuring(Effect.sync(() => collecting.delete(`${round}:${n}`))),
                );
              }),
            { concurrency: "unbounded" },
          );
          const answered = texts.flatMap(({ worker, text }) =>
            Option.isSome(text) ? [{ worker, text: text.value }] : [],
          );
          const notes = texts
            .filter(({ text }) => Option.isNone(text))
            .map(({ worker }) => `worker ${worker} did not answer within ${Duration.format(COLLECT_TIMEOUT)}`);
          tell(from, { tcm: "metrics-merged", id, text: mergePrometheus(answered, notes) });
        });

      const onMessage = (worker: Worker, message: unknown) => {
        if (!isMessage<ToPrimary>(message)) return;
        const n = numbers.get(worker);
        if (n === undefined) return;
        switch (message.tcm) {
          case "metrics-request":
            fork(collect(worker, message.id));
            return;
          case "metrics-text": {
            const waiting = collecting.get(`${message.id}:${n}`);
            if (waiting !== undefined) Deferred.unsafeDone(waiting, Exit.succeed(message.text));
            return;
          }
          case "bind-failed":
            Queue.unsafeOffer(events, { _tag: "bindFailed", message: message.message });
            tell(worker, { tcm: "bind-failed-ack" });
            return;
        }
      };
      const onListening = (worker: Worker, address: { address: string | null; port: number }) => {
        const n = numbers.get(worker);
        if (n !== undefined)
          Queue.unsafeOffer(events, {
            _tag: "listening",
            worker: n,
            address: `http://${address.address ?? settings.host}:${address.port}`,
          });
      };
      const onExit = (worker: Worker, code: number | null, signal: string | null) => {
        const n = numbers.get(worker);
        if (n === undefined) return;
        Deferred.unsafeDone(exits.get(n)!, Exit.succeed({ code, signal }));
        Queue.unsafeOffer(events, {
          _tag: "exit",
          worker: n,
          pid: worker.process.pid,
          how: describeExit(code, signal),
        });
      };

      // Fork the workers; the scope's end stops them: SIGTERM, then SIGKILL after the grace period.
      const grace = Duration.sum(settings.timeout, Duration.seconds(5));
      yield* Effect.acquireRelease(
        Effect.gen(function* () {
          cluster.schedulingPolicy = cluster.SCHED_RR;
          cluster.setupPrimary({ exec: process.argv[1]!, args: process.argv.slice(2), execArgv: process.execArgv });
          cluster.on("message", onMessage);
          cluster.on("listening", onListening);
          cluster.on("exit", onExit);
          for (let n = 1; n <= count; n++) {
            exits.set(n, yield* Deferred.make<{ code: number | null; signal: string | null }>());
            const worker = cluster.fork({ [WORKER_ENV]: String(n) });
            numbers.set(worker, n);
            yield* Effect.logInfo(`worker ${n} started (pid ${worker.process.pid})`);
          }
        }),
        () =>
          Effect.gen(function* () {
            yield* Ref.set(stopping, true);
            const running = [...numbers].filter(([worker]) => !worker.isDead());
            for (const [worker] of running) worker.process.kill("SIGTERM");
            const waitAll = Effect.forEach(running, ([, n]) => Deferred.await(exits.get(n)!), { discard: true });
            const stopped = yield* waitAll.pipe(Effect.timeout(grace), Effect.option);
            if (Option.isNone(stopped)) {
              const stuck = running.filter(([worker]) => !worker.isDead());
              yield* Effect.logError(
                `worker ${stuck.map(([, n]) => n).join(", ")} did not stop within ${Duration.format(grace)} of SIGTERM: killed`,
              );
              for (const [worker] of stuck) worker.process.kill("SIGKILL");
              yield* waitAll;
              if (process.exitCode === undefined || process.exitCode === 0) process.exitCode = 1;
            }
            // How each stopped worker ended: anything but a clean exit (or SIGTERM before its handler was set) fails;
            // not looked at when the API already fails (a bind failure: that worker exits 2).
            const failing = process.exitCode !== undefined && process.exitCode !== 0;
            for (const [, n] of failing ? [] : running) {
              const { code, signal } = yield* Deferred.await(exits.get(n)!);
              if (code === 0 || signal === "SIGTERM" || signal === "SIGINT") continue;
              if (process.exitCode === undefined || process.exitCode === 0) process.exitCode = 1;
              if (signal !== "SIGKILL")
                yield* Effect.logWarning(`worker ${n} ${describeExit(code, signal)} while stopping`);
            }
            cluster.off("message", onMessage);
            cluster.off("listening", onListening);
            cluster.off("exit", onExit);
            yield* Effect.logInfo(`all ${count} workers stopped`);
          }),
      );

      // Supervise until a bind failure or a worker's own exit (a signal interrupts this loop: the scope stops them).
      const listening = new Set<number>();
      const supervise = Effect.gen(function* () {
        while (true) {
          const event = yield* Queue.take(events);
          switch (event._tag) {
            case "listening":
              listening.add(event.worker);
              if (listening.size === count)
                yield* Effect.logInfo(
                  `the API runs ${count} workers (Node cluster, round-robin) on ${event.address}; TCM_API_WORKERS=${count}`,
                );
              break;
            case "bindFailed":
              process.stderr.write(`${event.message}\n`);
              process.exitCode = 2;
              return;
            case "exit":
              if (yield* Ref.get(stopping)) break;
              yield* Effect.logError(
                `worker ${event.worker} (pid ${event.pid ?? "?"}) ${event.how}${listening.has(event.worker) ? "" : " before it listened"}: stopping the other workers and exiting 1 (the API restarts as a whole: run it under a supervisor)`,
              );
              process.exitCode = 1;
              return;
          }
        }
      });
      yield* supervise;
    }),
  );
