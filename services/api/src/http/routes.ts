import { HttpIncomingMessage, HttpLayerRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform";
import { Deployment } from "@tcm/chain";
import { Duration, Effect, Layer, Metric, Option } from "effect";
import { ApiSettings } from "../ApiConfig.js";
import { metricsText } from "../Cluster.js";
import { makeContext, type Services } from "../graphql/context.js";
import { executeGraphQL, type GraphQLParams, type HttpResult, ResponseCache } from "../graphql/execute.js";
import { makeSchema, printedSchema } from "../graphql/schema.js";
import { SCHEMA_VERSION } from "../graphql/sdl.js";
import { History } from "../History.js";
import { LiveState } from "../LiveState.js";
import { graphqlOperations, httpDuration, httpRequests } from "../Metrics.js";
import { dashboardRoutes } from "./dashboard.js";
import { graphiqlAsset, graphiqlHtml } from "./graphiql.js";

export const GRAPHQL_PATH = "/graphql";

const json = (result: HttpResult) =>
  result.encoded === undefined
    ? HttpServerResponse.unsafeJson(result.body, { status: result.status })
    : HttpServerResponse.uint8Array(result.encoded, { status: result.status, contentType: "application/json" });

/** Counts and times every response of a route. */
const instrumented =
  <E, R>(
    route: string,
    handler: (
      request: HttpServerRequest.HttpServerRequest,
    ) => Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>,
  ) =>
  (request: HttpServerRequest.HttpServerRequest) =>
    Effect.gen(function* () {
      const started = performance.now();
      const response = yield* handler(request);
      const tagged = Metric.tagged(Metric.tagged(httpRequests, "route", route), "status", String(response.status));
      yield* Metric.increment(tagged);
      yield* Metric.update(Metric.tagged(httpDuration, "route", route), (performance.now() - started) / 1000);
      return response;
    });

const GraphQLRoutes = Layer.unwrapEffect(
  Effect.gen(function* () {
    const settings = yield* ApiSettings;
    const deployment = yield* Deployment;
    // One runtime, built once: every resolver runs its effects on it.
    const runtime = yield* Effect.runtime<Services>();
    const schema = makeSchema();
    const sdl = printedSchema();
    const timeoutMs = Duration.toMillis(settings.timeout);

    const live = yield* LiveState;
    const responses = new ResponseCache();

    const run = (params: GraphQLParams, method: "GET" | "POST") =>
      Effect.gen(function* () {
        // The head block pins the request (and keys its cached answer); without it, resolvers report the error.
        const head = yield* live.head.pipe(Effect.option);
        return yield* Effect.tryPromise({
          try: (signal) =>
            executeGraphQL(
              schema,
              params,
              () => makeContext(runtime, deployment, signal, Option.getOrUndefined(head)),
              {
                maxDepth: settings.maxDepth,
                maxCost: settings.maxCost,
                method,
                ...(Option.isSome(head) ? { responseCache: responses.at(head.value) } : {}),
              },
            ),
          catch: (cause) => cause,
        });
      }).pipe(
        Effect.timeoutFail({ duration: settings.timeout, onTimeout: () => "timeout" as const }),
        Effect.catchAll((error) =>
          Effect.succeed<HttpResult>(
            error === "timeout"
              ? {
                  status: 504,
                  body: {
                    errors: [{ message: `request timed out after ${timeoutMs} ms`, extensions: { code: "TIMEOUT" } }],
                  },
                }
              : {
                  status: 500,
                  body: { errors: [{ message: "internal error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] },
                },
          ),
        ),
        Effect.tap((result) =>
          Metric.increment(
            Metric.tagged(
              graphqlOperations,
              "outcome",
              result.status === 200 ? (result.body.errors ? "partial" : "ok") : String(result.status),
            ),
          ),
        ),
        Effect.map(json),
      );

    const post = instrumented("graphql", (request) =>
      Effect.gen(function* () {
        const length = Number(request.headers["content-length"] ?? "NaN");
        if (Number.isFinite(length) && length > settings.maxBodyBytes) {
          return json({
            status: 413,
            body: {
              errors: [
                {
                  message: `request body is ${length} bytes; the limit is ${settings.maxBodyBytes}`,
                  extensions: { code: "PAYLOAD_TOO_LARGE" },
                },
              ],
            },
          });
        }
        const text = yield* request.text.pipe(
          HttpIncomingMessage.withMaxBodySize(Option.some(settings.maxBodyBytes)),
          Effect.either,
        );
        if (text._tag === "Left") {
          return json({
            status: 413,
            body: {
              errors: [
                {
                  message: `request body unreadable or over the ${settings.maxBodyBytes}-byte limit`,
                  extensions: { code: "PAYLOAD_TOO_LARGE" },
                },
              ],
            },
          });
        }
        let params: unknown;
        try {
          params = JSON.parse(text.right);
        } catch (error) {
          return json({
            status: 400,
            body: {
              errors: [
                {
                  message: `request body is not valid JSON: ${(error as Error).message}`,
                  extensions: { code: "BAD_REQUEST", input: "body" },
                },
              ],
            },
          });
        }
        if (typeof params !== "object" || params === null || Array.isArray(params)) {
          return json({
            status: 400,
            body: {
              errors: [
                {
                  message: "request body must be a JSON object {query, variables, operationName}",
                  extensions: { code: "BAD_REQUEST", input: "body" },
                },
              ],
            },
          });
        }
        return yield* run(params as GraphQLParams, "POST");
      }),
    );

    const get = instrumented("graphql", (request) =>
      Effect.gen(function* () {
        const url = new URL(request.url, "http://localhost");
        const query = url.searchParams.get("query");
        const accept = request.headers["accept"] ?? "";
        if (query === null && accept.includes("text/html")) {
          return HttpServerResponse.html(graphiqlHtml(GRAPHQL_PATH, SCHEMA_VERSION));
        }
        let variables: unknown = undefined;
        const rawVariables = url.searchParams.get("variables");
        if (rawVariables !== null) {
          try {
            variables = JSON.parse(rawVariables);
          } catch {
            return json({
              status: 400,
              body: {
                errors: [
                  { message: "variables is not valid JSON", extensions: { code: "BAD_REQUEST", input: "variables" } },
                ],
              },
            });
          }
        }
        return yield* run(
          { query: query ?? undefined, variables, operationName: url.searchParams.get("operationName") ?? undefined },
          "GET",
        );
      }),
    );

    return Layer.mergeAll(
      HttpLayerRouter.add("POST", GRAPHQL_PATH, post),
      HttpLayerRouter.add("GET", GRAPHQL_PATH, get),
      HttpLayerRouter.add(
        "GET",
        `${GRAPHQL_PATH}/schema.graphql`,
        HttpServerResponse.text(sdl, { contentType: "application/graphql; charset=utf-8" }),
      ),
    );
  }),
);

const HealthRoute = HttpLayerRouter.use((router) =>
  Effect.gen(function* () {
    const live = yield* LiveState;
    const history = yield* History;
    yield* router.add(
      "GET",
      "/health",
      instrumented("health", () =>
        Effect.gen(function* () {
          const [head, subgraph] = yield* Effect.all([live.head.pipe(Effect.either), history.status], {
            concurrency: 2,
          });
          const chain =
            head._tag === "Right"
              ? { ok: true, block: head.right.toString() }
              : { ok: false, error: head.left.message };
          const status = chain.ok
            ? subgraph.configured && !("ok" in subgraph && subgraph.ok)
              ? "degraded"
              : "ok"
            : "down";
          return HttpServerResponse.unsafeJson(
            { status, schema: SCHEMA_VERSION, chain, subgraph },
            { status: chain.ok ? 200 : 503 },
          );
        }),
      ),
    );
  }),
);

/** GraphiQL's assets (React, ReactDOM, GraphiQL's bundle and stylesheet), from node_modules, whitelisted. */
const GraphiqlAssetsRoute = HttpLayerRouter.add(
  "GET",
  `${GRAPHQL_PATH}/assets/:file`,
  Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest;
    const name = new URL(request.url, "http://localhost").pathname.split("/").pop() ?? "";
    const asset = graphiqlAsset(name);
    if (asset === undefined) return HttpServerResponse.text(`no such asset: ${name}`, { status: 404 });
    return HttpServerResponse.uint8Array(asset.body, {
      contentType: asset.contentType,
      headers: { "cache-control": "public, max-age=86400" },
    });
  }),
);

/** This process's metrics; in a worker of the API's cluster every worker's, each series labelled worker="<i>". */
const MetricsRoute = HttpLayerRouter.add(
  "GET",
  "/metrics",
  metricsText.pipe(
    Effect.map((text) => HttpServerResponse.text(text, { contentType: "text/plain; version=0.0.4; charset=utf-8" })),
    Effect.catchTag("MetricsUnavailable", (error) =>
      Effect.succeed(HttpServerResponse.text(`metrics unavailable: ${error.message}\n`, { status: 503 })),
    ),
  ),
);

/** Every route, with CORS when origins are configured. */
export const ApiRoutes = Layer.unwrapEffect(
  Effect.gen(function* () {
    const settings = yield* ApiSettings;
    const routes = Layer.mergeAll(GraphQLRoutes, HealthRoute, MetricsRoute, GraphiqlAssetsRoute, dashboardRoutes());
    if (settings.corsOrigins.length === 0) return routes;
    const any = settings.corsOrigins.includes("*");
    const allowed = new Set(settings.corsOrigins);
    return routes.pipe(
      Layer.provide(
        HttpLayerRouter.cors({
          allowedOrigins: any ? [] : (origin: string) => allowed.has(origin),
          allowedMethods: ["GET", "POST", "OPTIONS"],
          allowedHeaders: ["content-type", "accept"],
          maxAge: 600,
        }),
      ),
    );
  }),
);
