/**
 * The TCM API: `node --import tsx services/api/src/main.ts`. Configuration through Effect Config only
 * (TCM_RPC_URLS, TCM_DEPLOYMENT_FILE, TCM_SUBGRAPH_URL, TCM_API_HOST, TCM_API_PORT, TCM_API_CORS_ORIGINS,
 * TCM_API_MAX_BODY_BYTES, TCM_API_TIMEOUT_MS, TCM_API_WORKERS; see ApiConfig.ts for the optional rest). With
 * TCM_API_WORKERS > 1 it runs as a Node cluster (Cluster.ts).
 */
import type { HttpServerError } from "@effect/platform";
import { NodeRuntime } from "@effect/platform-node";
import { ChainClient, Deployment } from "@tcm/chain";
import { Cause, Config, Effect, Exit, Layer, Option, Predicate } from "effect";
import { ApiSettings, apiConfig } from "./ApiConfig.js";
import { reportBindFailure, runPrimary, workerIpc, workerNumber } from "./Cluster.js";
import { ApiServer, chainClientOptions } from "./server.js";

/**
 * No colour codes where nobody sees colours: Effect's pretty logger colours its lines whenever stdout is a terminal,
 * so NO_COLOR, a pipe or a file gets them stripped, each stream on its own (the same check as the tcm CLI's entry
 * point, packages/cli/src/main.ts; the two may not import each other, and it is too small for a package of its own).
 */
const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (stream: NodeJS.WriteStream) => {
  if (stream.isTTY && (process.env["NO_COLOR"] ?? "") === "") return;
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: ReadonlyArray<unknown>) => boolean;
  stream.write = ((chunk: unknown, ...rest: ReadonlyArray<unknown>) =>
    write(typeof chunk === "string" ? chunk.replace(ANSI, "") : chunk, ...rest)) as typeof stream.write;
};
plain(process.stdout);
plain(process.stderr);

const ChainLive = Layer.unwrapEffect(
  Effect.map(Config.array(Config.string(), "TCM_RPC_URLS"), (rpcUrls) =>
    ChainClient.layer(chainClientOptions(rpcUrls)),
  ),
);

const MainLive = ApiServer.pipe(Layer.provide(Layer.mergeAll(ApiSettings.Default, ChainLive, Deployment.Default)));

/** Why the server could not listen, in words that name the address and the setting to change. */
const bindFailureMessage = (host: string, port: number, code: string | undefined): string => {
  const where = `${host}:${port}`;
  switch (code) {
    case "EADDRINUSE":
      return `the API cannot listen on ${where}: port ${port} is already in use (another API, \`npm start\` or another program holds it). Set TCM_API_PORT to a free port (TCM_API_PORT=0 picks any free one), or stop the program on port ${port}.`;
    case "EACCES":
      return `the API cannot listen on ${where}: permission denied (ports below 1024 need privileges). Set TCM_API_PORT to a port above 1023.`;
    case "EADDRNOTAVAIL":
      return `the API cannot listen on ${where}: ${host} is not an address of this machine. Set TCM_API_HOST (127.0.0.1, the default, for this machine only; 0.0.0.0 for every interface).`;
    default:
      return `the API cannot listen on ${where}${code === undefined ? "" : ` (${code})`}. Check TCM_API_HOST and TCM_API_PORT.`;
  }
};

const codeOf = (error: HttpServerError.ServeError): string | undefined =>
  Predicate.hasProperty(error.cause, "code") && Predicate.isString(error.cause.code) ? error.cause.code : undefined;

/** The API in this process (the only one, or one worker of the cluster: its bind failure is the primary's to print). */
const serve = (worker: Option.Option<string>) =>
  Layer.launch(MainLive).pipe(
    Effect.catchTag("ServeError", (error) =>
      Effect.flatMap(apiConfig, (settings) => {
        const message = bindFailureMessage(settings.host, settings.port, codeOf(error));
        return Option.isSome(worker)
          ? Effect.zipRight(
              reportBindFailure(message),
              Effect.sync(() => void (process.exitCode = 2)),
            )
          : Effect.sync(() => {
              process.stderr.write(`${message}\n`);
              process.exitCode = 2;
            });
      }),
    ),
  );

/**
 * TCM_API_WORKERS = 1: the API is this process. More: this process is the cluster's primary (Cluster.ts) and checks
 * the configuration once before forking (a bad setting is reported once, not by every worker); each worker, started
 * with TCM_API_WORKER, is the API, its log lines annotated with its number.
 */
const program = Effect.gen(function* () {
  const worker = yield* workerNumber;
  if (Option.isSome(worker))
    return yield* Effect.scoped(Effect.zipRight(workerIpc(worker.value), serve(worker))).pipe(
      Effect.annotateLogs("worker", worker.value),
    );
  const settings = yield* apiConfig;
  if (settings.workers === 1) return yield* serve(worker);
  yield* Config.array(Config.string(), "TCM_RPC_URLS");
  yield* Effect.provide(Deployment, Deployment.Default);
  yield* runPrimary(settings);
});

NodeRuntime.runMain(program, {
  // A bind failure was reported above in words and exits 2; a cluster's primary sets its own code (Cluster.ts);
  // anything else exits 1 (reported by runMain).
  teardown: (exit, onExit) =>
    onExit(
      process.exitCode !== undefined && process.exitCode !== 0
        ? Number(process.exitCode)
        : Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)
          ? 1
          : 0,
    ),
});
