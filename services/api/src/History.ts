import { Duration, Effect, Metric, Option } from "effect";
import { ApiSettings } from "./ApiConfig.js";
import { HistoryUnavailable } from "./errors.js";
import { LiveState } from "./LiveState.js";
import { subgraphRequests } from "./Metrics.js";

/** One history selection: a root field of the subgraph's schema with its arguments and selection set. */
export type HistoryQuery = string;

interface SubgraphResponse {
  readonly data?: Record<string, unknown> & {
    readonly _meta?: { readonly block: { readonly number: number }; readonly hasIndexingErrors: boolean };
  };
  readonly errors?: ReadonlyArray<{ readonly message: string }>;
}

const make = Effect.gen(function* () {
  const settings = yield* ApiSettings;
  const live = yield* LiveState;
  const url = Option.getOrUndefined(settings.subgraphUrl);
  const timeoutMs = Duration.toMillis(settings.subgraphTimeout);

  const post = (query: string) =>
    Effect.tryPromise({
      try: async (signal) => {
        const response = await fetch(url!, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify({ query }),
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        });
        const text = await response.text();
        if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
        return JSON.parse(text) as SubgraphResponse;
      },
      catch: (cause) =>
        new HistoryUnavailable({
          reason: "down",
          message: `history unavailable: the subgraph at ${url} did not answer (${cause instanceof Error ? cause.message : String(cause)}); live fields are unaffected`,
        }),
    });

  /**
   * Runs several history selections as one subgraph request (aliased root fields plus `_meta`), and refuses the
   * answer when the subgraph lags the chain head by more than `subgraphMaxLagBlocks`.
   */
  const fetchBatch = Effect.fn("History.fetchBatch")(function* (queries: ReadonlyArray<HistoryQuery>) {
    if (url === undefined) {
      return yield* new HistoryUnavailable({
        reason: "disabled",
        message: "history unavailable: no subgraph configured (TCM_SUBGRAPH_URL); live fields are unaffected",
      });
    }
    const document = `{ ${queries.map((q, i) => `h${i}: ${q}`).join(" ")} _meta { block { number } hasIndexingErrors } }`;
    const [body, head] = yield* Effect.all([post(document), live.head.pipe(Effect.option)], { concurrency: 2 }).pipe(
      Effect.tapBoth({
        onFailure: () => Metric.increment(Metric.tagged(subgraphRequests, "outcome", "down")),
        onSuccess: () => Metric.increment(Metric.tagged(subgraphRequests, "outcome", "ok")),
      }),
    );
    if (body.errors && body.errors.length > 0) {
      return yield* new HistoryUnavailable({
        reason: "error",
        message: `history unavailable: the subgraph answered with errors: ${body.errors.map((e) => e.message).join("; ")}`,
      });
    }
    const data = body.data ?? {};
    const indexed = data._meta?.block.number;
    if (indexed !== undefined && Option.isSome(head)) {
      const lag = Number(head.value) - indexed;
      if (lag > settings.subgraphMaxLagBlocks) {
        return yield* new HistoryUnavailable({
          reason: "behind",
          message: `history unavailable: the subgraph is behind (indexed block ${indexed}, chain head ${head.value}, ${lag} blocks > ${settings.subgraphMaxLagBlocks} allowed); live fields are unaffected`,
        });
      }
    }
    return queries.map((_, i) => data[`h${i}`] ?? null);
  });

  /** The subgraph's indexed block and health, for /health (never fails). */
  const status = Effect.gen(function* () {
    if (url === undefined) return { configured: false as const };
    const body = yield* post("{ _meta { block { number } hasIndexingErrors } }").pipe(Effect.either);
    if (body._tag === "Left") return { configured: true as const, ok: false as const, error: body.left.message };
    const meta = body.right.data?._meta;
    return { configured: true as const, ok: meta !== undefined, indexedBlock: meta?.block.number ?? null };
  });

  return { fetchBatch, status, configured: url !== undefined } as const;
});

/** History from the TCM subgraph on graph-node, batched per request, failing loudly (never silently stale). */
export class History extends Effect.Service<History>()("@tcm/api/History", { effect: make }) {}

/** GraphQL string literal for interpolating a value into a subgraph query. */
export const gqlString = (value: string): string => JSON.stringify(value);
