import { HttpLayerRouter, HttpMiddleware, HttpServer } from "@effect/platform";
import { NodeHttpServer } from "@effect/platform-node";
import { type ChainClientOptions, DayClose, Deployment, ModelState, TcmReader, TxBuilder } from "@tcm/chain";
import { Duration, Effect, Layer } from "effect";
import { createServer } from "node:http";
import { ApiSettings } from "./ApiConfig.js";
import { History } from "./History.js";
import { ApiRoutes } from "./http/routes.js";
import { LiveState } from "./LiveState.js";
import { Previews } from "./Previews.js";

/** ChainClient options for the API (multicall sizing is ChainClient's own: MULTICALL_BATCH_BYTES). */
export const chainClientOptions = (rpcUrls: ReadonlyArray<string>): ChainClientOptions => ({ rpcUrls });

/** The API's services over a chain connection, a deployment and settings. */
export const ApiServices = Layer.mergeAll(Previews.Default, History.Default, TxBuilder.Default, DayClose.Default).pipe(
  Layer.provideMerge(LiveState.Default),
  Layer.provideMerge(Layer.mergeAll(ModelState.Default, TcmReader.Default)),
);

/** Checks once at startup that the RPC serves the deployment's chain and the machine exists (logs, never fails). */
const StartupCheck = Layer.effectDiscard(
  Effect.gen(function* () {
    const reader = yield* TcmReader;
    const deployment = yield* Deployment;
    const check = yield* reader.verifyDeployment().pipe(Effect.either);
    if (check._tag === "Left") yield* Effect.logWarning(`chain not reachable at startup: ${check.left.message}`);
    else if (!check.right.chainIdMatches || !check.right.machineHasCode) {
      yield* Effect.logWarning(
        `deployment ${deployment.file} does not match the RPC: chain id ${check.right.chainId} (expected ${deployment.chainId}), machine code ${check.right.machineHasCode}`,
      );
    }
  }),
);

/**
 * The HTTP server (HttpLayerRouter) with every route, listening on settings.host:port (0 = a free port; read the
 * bound address from HttpServer). Needs ApiSettings, ChainClient and Deployment.
 */
export const ApiServer = Layer.unwrapEffect(
  Effect.gen(function* () {
    const settings = yield* ApiSettings;
    const timeoutMs = Duration.toMillis(settings.timeout);
    const http = NodeHttpServer.layer(
      () =>
        createServer({
          // Slow or stalled uploads are cut off (the GraphQL timeout covers execution).
          requestTimeout: timeoutMs + 5_000,
          headersTimeout: Math.min(timeoutMs + 5_000, 60_000),
          keepAliveTimeout: 5_000,
        }),
      { port: settings.port, host: settings.host },
    );
    // No span per request: no tracer exports them (Effect's default tracer keeps them in memory only), and making one
    // (the request URL parsed, every header redacted into an attribute) showed among the costs of an uncached request.
    return HttpLayerRouter.serve(ApiRoutes, { disableLogger: true, disableListenLog: false }).pipe(
      HttpMiddleware.withTracerDisabledWhen(() => true),
      Layer.provideMerge(http),
    );
  }),
).pipe(Layer.provideMerge(StartupCheck), Layer.provideMerge(ApiServices));

/** The bound address of a running ApiServer, as a base URL. */
export const serverUrl = Effect.map(HttpServer.HttpServer, (server) => {
  const address = server.address;
  return address._tag === "TcpAddress" ? `http://127.0.0.1:${address.port}` : `unix:${address.path}`;
});
