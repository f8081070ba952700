import { FetchHttpClient, HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform";
import { Duration, Effect, Either, Metric, Option, Schema } from "effect";
import {
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type VariableDefinitionNode,
  parse,
  print,
  visit,
} from "graphql";
import { ApiSettings } from "./ApiConfig.js";
import { HistoryUnavailable } from "./errors.js";
import { LiveState } from "./LiveState.js";
import { subgraphRequests } from "./Metrics.js";
import { type HistoryRequest, META_DOCUMENT, decodeMeta, historyMeta } from "./subgraph/queries.js";

export type { HistoryRequest } from "./subgraph/queries.js";

/** What graph-node answers to a GraphQL POST (its data is decoded per request afterwards). */
const Envelope = Schema.Struct({
  data: Schema.optional(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown }))),
  errors: Schema.optional(Schema.Array(Schema.Struct({ message: Schema.String }))),
});

interface ParsedRequest {
  readonly operation: OperationDefinitionNode;
  /** The fragments it spreads (history.graphql's shared selections), merged by name into one document. */
  readonly fragments: ReadonlyArray<FragmentDefinitionNode>;
}

const operationOf = (document: DocumentNode): ParsedRequest => {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const fragments = document.definitions.filter(
    (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
  );
  if (operations.length !== 1 || operations.length + fragments.length !== document.definitions.length)
    throw new Error("a history request is exactly one operation and the fragments it spreads");
  return { operation: operations[0]!, fragments };
};

const parsed = new Map<string, ParsedRequest>();
const parseOperation = (text: string): ParsedRequest => {
  let request = parsed.get(text);
  if (request === undefined) {
    request = operationOf(parse(text));
    parsed.set(text, request);
  }
  return request;
};

const keyOf = (selection: SelectionNode): string => {
  if (selection.kind !== Kind.FIELD) throw new Error("a history request selects root fields only");
  return (selection.alias ?? selection.name).value;
};

/**
 * Several operations as one: each one's variables and root fields prefixed with `h<i>_`, plus `_meta`. Returns the
 * document, the variables and, per request, the keys of its root fields (to split the answer).
 */
export const mergeRequests = (requests: ReadonlyArray<HistoryRequest<unknown>>) => {
  const variableDefinitions: VariableDefinitionNode[] = [];
  const selections: FieldNode[] = [];
  const variables: Record<string, unknown> = {};
  const fragments = new Map<string, FragmentDefinitionNode>();
  const keys = requests.map((r, i) => {
    const prefix = `h${i}_`;
    const request = parseOperation(r.document);
    // Fragments use no variables (history.graphql's are plain selections), so they are shared as they are.
    for (const fragment of request.fragments) fragments.set(fragment.name.value, fragment);
    const operation = visit(request.operation, {
      Variable: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
    });
    variableDefinitions.push(...(operation.variableDefinitions ?? []));
    const own = operation.selectionSet.selections.map((selection) => {
      const key = keyOf(selection);
      selections.push({ ...(selection as FieldNode), alias: { kind: Kind.NAME, value: prefix + key } });
      return key;
    });
    for (const [name, value] of Object.entries(r.variables)) variables[prefix + name] = value;
    return own;
  });
  selections.push(...(parseOperation(META_DOCUMENT).operation.selectionSet.selections as ReadonlyArray<FieldNode>));
  const operation: DefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: "query" as OperationDefinitionNode["operation"],
    name: { kind: Kind.NAME, value: "History" },
    variableDefinitions,
    selectionSet: { kind: Kind.SELECTION_SET, selections },
  };
  return {
    document: print({ kind: Kind.DOCUMENT, definitions: [operation, ...fragments.values()] }),
    variables,
    keys,
  };
};

const make = Effect.gen(function* () {
  const settings = yield* ApiSettings;
  const live = yield* LiveState;
  const client = (yield* HttpClient.HttpClient).pipe(HttpClient.filterStatusOk);
  const url = Option.getOrUndefined(settings.subgraphUrl);

  const down = (detail: string) =>
    new HistoryUnavailable({
      reason: "down",
      message: `history unavailable: the subgraph at ${url} did not answer (${detail}); live fields are unaffected`,
    });
  const invalid = (detail: string) =>
    new HistoryUnavailable({
      reason: "error",
      message: `history unavailable: the subgraph's answer is not what the API expects (${detail})`,
    });

  const post = (document: string, variables: Readonly<Record<string, unknown>>) =>
    HttpClientRequest.post(url!).pipe(
      HttpClientRequest.acceptJson,
      HttpClientRequest.bodyUnsafeJson({ query: document, variables }),
      client.execute,
      Effect.flatMap(HttpClientResponse.schemaBodyJson(Envelope)),
      Effect.scoped,
      Effect.timeout(settings.subgraphTimeout),
      Effect.catchTags({
        RequestError: (e) => Effect.fail(down(e.message)),
        ResponseError: (e) => Effect.fail(down(e.reason === "StatusCode" ? `HTTP ${e.response.status}` : e.message)),
        TimeoutException: () => Effect.fail(down(`no answer within ${Duration.format(settings.subgraphTimeout)}`)),
        ParseError: (e) => Effect.fail(invalid(e.message)),
      }),
    );

  const disabled = new HistoryUnavailable({
    reason: "disabled",
    message: "history unavailable: no subgraph configured (TCM_SUBGRAPH_URL); live fields are unaffected",
  });

  /**
   * Runs several history requests as one subgraph request (their operations merged, plus `_meta`), refuses the
   * answer when the subgraph lags the chain head by more than `subgraphMaxLagBlocks`, and decodes each request's
   * part with its Schema (a part that does not decode fails that request only).
   */
  const fetchBatch = Effect.fn("History.fetchBatch")(function* (requests: ReadonlyArray<HistoryRequest<unknown>>) {
    if (url === undefined) return yield* disabled;
    const merged = mergeRequests(requests);
    const [body, head] = yield* Effect.all([post(merged.document, merged.variables), live.head.pipe(Effect.option)], {
      concurrency: 2,
    }).pipe(
      Effect.tapBoth({
        onFailure: () => Metric.increment(Metric.tagged(subgraphRequests, "outcome", "down")),
        onSuccess: () => Metric.increment(Metric.tagged(subgraphRequests, "outcome", "ok")),
      }),
    );
    if (body.errors !== undefined && body.errors.length > 0) {
      return yield* new HistoryUnavailable({
        reason: "error",
        message: `history unavailable: the subgraph answered with errors: ${body.errors.map((e) => e.message).join("; ")}`,
      });
    }
    const data = body.data ?? {};
    const meta = yield* decodeMeta({ _meta: data["_meta"] ?? null }).pipe(Effect.mapError((e) => invalid(e.message)));
    const indexed = meta._meta?.block.number;
    if (indexed !== undefined && Option.isSome(head)) {
      const lag = Number(head.value) - indexed;
      if (lag > settings.subgraphMaxLagBlocks) {
        return yield* new HistoryUnavailable({
          reason: "behind",
          message: `history unavailable: the subgraph is behind (indexed block ${indexed}, chain head ${head.value}, ${lag} blocks > ${settings.subgraphMaxLagBlocks} allowed); live fields are unaffected`,
        });
      }
    }
    return yield* Effect.forEach(requests, (request, i) =>
      request.decode(Object.fromEntries(merged.keys[i]!.map((key) => [key, data[`h${i}_${key}`] ?? null]))).pipe(
        Effect.mapError((e) => invalid(`${request.name}: ${e.message}`)),
        Effect.either,
      ),
    );
  });

  /** The subgraph's indexed block and health, for /health (never fails). */
  const status = Effect.gen(function* () {
    if (url === undefined) return { configured: false as const };
    const meta = historyMeta();
    const answer = yield* post(meta.document, meta.variables).pipe(
      Effect.flatMap((body) => meta.decode(body.data ?? {}).pipe(Effect.mapError((e) => invalid(e.message)))),
      Effect.either,
    );
    if (Either.isLeft(answer)) return { configured: true as const, ok: false as const, error: answer.left.message };
    const block = answer.right._meta?.block.number;
    return { configured: true as const, ok: block !== undefined, indexedBlock: block ?? null };
  });

  return { fetchBatch, status, configured: url !== undefined } as const;
});

/**
 * History from the TCM subgraph on graph-node, over @effect/platform's HttpClient: typed requests (queries.ts),
 * batched per request, decoded with Schemas, failing loudly (never silently stale).
 */
export class History extends Effect.Service<History>()("@tcm/api/History", {
  effect: make,
  dependencies: [FetchHttpClient.layer],
}) {}
