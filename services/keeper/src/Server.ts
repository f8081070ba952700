import { createServer } from "node:http";
import { HttpLayerRouter, HttpServerResponse } from "@effect/platform";
import { NodeHttpServer } from "@effect/platform-node";
import { Clock, Data, Duration, Effect, Layer, Option } from "effect";
import { KeeperConfig } from "./KeeperConfig.js";
import { lastSuccessfulPollMillis, renderKeeperMetrics } from "./Metrics.js";

const Routes = HttpLayerRouter.addAll(
  Effect.gen(function* () {
    const settings = yield* KeeperConfig;
    const startedAt = yield* Clock.currentTimeMillis;
    // Healthy while polls keep completing: the last one no older than three intervals (at least two minutes,
    // so a pass waiting on receipts does not flap the probe).
    const staleAfterMs = Math.max(3 * Duration.toMillis(settings.pollInterval), 120_000);
    return [
      HttpLayerRouter.route(
        "GET",
        "/metrics",
        Effect.map(renderKeeperMetrics, (body) =>
          HttpServerResponse.text(body, { contentType: "text/plain; version=0.0.4; charset=utf-8" }),
        ),
      ),
      HttpLayerRouter.route(
        "GET",
        "/health",
        Effect.gen(function* () {
          const last = Option.getOrElse(yield* lastSuccessfulPollMillis, () => 0);
          const now = yield* Clock.currentTimeMillis;
          const status =
            last > 0 && now - last <= staleAfterMs
              ? "ok"
              : last === 0 && now - startedAt <= staleAfterMs
                ? "starting"
                : "stale";
          return HttpServerResponse.unsafeJson(
            {
              status,
              lastSuccessfulPoll: last === 0 ? null : new Date(last).toISOString(),
              uptimeSeconds: Math.round((now - startedAt) / 1000),
            },
            { status: status === "stale" ? 503 : 200 },
          );
        }),
      ),
    ];
  }),
);

/**
 * /metrics and /health could not listen (the port is taken, the host is not this machine's, no permission). Fatal:
 * the keeper stops before its first poll, naming the address and the variables that move it (exit code 2).
 */
export class KeeperListenError extends Data.TaggedError("KeeperListenError")<{
  readonly host: string;
  readonly port: number;
  /** The system's code, e.g. EADDRINUSE. */
  readonly code: string;
}> {
  override get message(): string {
    const where = `${this.host.includes(":") ? `[${this.host}]` : this.host}:${this.port}`;
    const [why, change] =
      this.code === "EADDRINUSE"
        ? [`port ${this.port} is already in use`, "set TCM_KEEPER_PORT to a free port (0 = any free port)"]
        : this.code === "EACCES"
          ? [`no permission to listen on port ${this.port}`, "set TCM_KEEPER_PORT to a port above 1023"]
          : this.code === "EADDRNOTAVAIL" || this.code === "ENOTFOUND"
            ? [`${this.host} is not an address of this machine`, "set TCM_KEEPER_HOST (default 127.0.0.1)"]
            : [this.code, "check TCM_KEEPER_HOST and TCM_KEEPER_PORT"];
    return `cannot serve /metrics and /health on ${where}: ${why}; ${change}`;
  }
}

const listenErrorCode = (cause: unknown): string =>
  typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
    ? cause.code
    : String(cause);

/**
 * /metrics (Prometheus text) and /health on TCM_KEEPER_HOST:TCM_KEEPER_PORT (127.0.0.1:9464; port 0: a free one,
 * logged at start). A failure to listen is a KeeperListenError.
 */
export const HttpLive = Layer.unwrapEffect(
  Effect.map(KeeperConfig, (settings) =>
    HttpLayerRouter.serve(Routes, { disableLogger: true }).pipe(
      Layer.provide(
        NodeHttpServer.layer(createServer, { host: settings.host, port: settings.port }).pipe(
          Layer.mapError(
            (e) => new KeeperListenError({ host: settings.host, port: settings.port, code: listenErrorCode(e.cause) }),
          ),
        ),
      ),
    ),
  ),
);
