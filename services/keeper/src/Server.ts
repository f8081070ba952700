import { createServer } from "node:http";
import { HttpLayerRouter, HttpServerResponse } from "@effect/platform";
import { NodeHttpServer } from "@effect/platform-node";
import { Clock, Duration, Effect, Layer, Option } from "effect";
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

/** /metrics (Prometheus text) and /health on TCM_KEEPER_PORT (0: a free port, logged at start). */
export const HttpLive = Layer.unwrapEffect(
  Effect.map(KeeperConfig, (settings) =>
    HttpLayerRouter.serve(Routes, { disableLogger: true }).pipe(
      Layer.provide(NodeHttpServer.layer(createServer, { port: settings.port })),
    ),
  ),
);
