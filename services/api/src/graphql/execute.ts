import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import {
  type ASTNode,
  type DocumentNode,
  type ExecutionResult,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type ValidationContext,
  type ValidationRule,
  execute,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  visit,
} from "graphql";
import type { GraphQLContext } from "./context.js";

export interface GraphQLParams {
  readonly query?: unknown;
  readonly variables?: unknown;
  readonly operationName?: unknown;
}

export interface HttpResult {
  readonly status: number;
  readonly body: { readonly data?: unknown; readonly errors?: ReadonlyArray<unknown> };
  /** `body` as JSON bytes, when already serialised (a cached answer is serialised once, then sent as is). */
  readonly encoded?: Uint8Array;
}

const utf8 = new TextEncoder();

export interface ExecuteOptions {
  readonly maxDepth: number;
  readonly maxCost: number;
  readonly method: "GET" | "POST";
  /**
   * Complete answers of error-free queries at this block: the same query at the same block is the same answer
   * (live fields are pinned to the block; history is refetched at the next block).
   */
  readonly responseCache?: ResponseCache;
}

/**
 * Answers keyed by query text, variables and operation, for one block at a time. An answer is kept from the second
 * time its key is asked (at this block or an earlier one): a query sent once (unique text) is not worth holding, and
 * holding hundreds of them (tens of kB each) kept them alive into the old generation, where collecting them cost the
 * uncached requests (the profile: garbage collection ≈ 20 % of an uncached `projects(first: 50)` request).
 */
export class ResponseCache {
  private block: bigint | undefined;
  private readonly entries = new Map<string, HttpResult>();
  private readonly seen = new Set<string>();
  constructor(private readonly maxEntries = 500) {}
  /** Switches to `block` (dropping older answers) and returns this block's view. */
  at(block: bigint): this {
    if (this.block !== block) {
      this.block = block;
      this.entries.clear();
    }
    return this;
  }
  get(key: string): HttpResult | undefined {
    return this.entries.get(key);
  }
  /**
   * Offers `value` as the answer of `key`; returns what to send: the kept answer, serialised once (the profile of a
   * cached `projects(first: 50)`: `JSON.stringify` of the answer was 18 % of each request), or `value` itself.
   */
  set(key: string, value: HttpResult): HttpResult {
    if (!this.seen.has(key)) {
      if (this.seen.size >= 4 * this.maxEntries) this.seen.clear();
      this.seen.add(key);
      return value;
    }
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    const kept: HttpResult = { ...value, encoded: value.encoded ?? utf8.encode(JSON.stringify(value.body)) };
    this.entries.set(key, kept);
    return kept;
  }
}

const requestError = (
  status: number,
  message: string,
  code: string,
  extra: Record<string, unknown> = {},
): HttpResult => ({
  status,
  body: { errors: [{ message, extensions: { code, ...extra } }] },
});

const rulesCache = new Map<string, ReadonlyArray<ValidationRule>>();
const rulesFor = (options: ExecuteOptions): ReadonlyArray<ValidationRule> => {
  const key = `${options.maxDepth}:${options.maxCost}`;
  let rules = rulesCache.get(key);
  if (rules === undefined) {
    // propagateOnRejection: false makes armor hand the rejection to onReject instead of throwing (a 500); reporting
    // it to the validation context turns it into an ordinary validation error (a 400).
    const onReject = [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)];
    rules = [
      ...specifiedRules,
      maxDepthRule({
        n: options.maxDepth,
        propagateOnRejection: false,
        exposeLimits: true,
        onReject,
      }) as unknown as ValidationRule,
      costLimitRule({
        maxCost: options.maxCost,
        propagateOnRejection: false,
        exposeLimits: true,
        onReject,
      }) as unknown as ValidationRule,
    ];
    rulesCache.set(key, rules);
  }
  return rules;
};

/** Names the argument (or input field) a validation error points into: `argument "address": …`. */
const nameInputs = (document: DocumentNode, errors: ReadonlyArray<GraphQLError>): ReadonlyArray<GraphQLError> => {
  const spans: Array<{ start: number; end: number; name: string }> = [];
  const path: string[] = [];
  visit(document, {
    Argument: {
      enter: (node) => {
        path.push(node.name.value);
        if (node.loc) spans.push({ start: node.loc.start, end: node.loc.end, name: path.join(".") });
      },
      leave: () => void path.pop(),
    },
    ObjectField: {
      enter: (node) => {
        path.push(node.name.value);
        if (node.loc) spans.push({ start: node.loc.start, end: node.loc.end, name: path.join(".") });
      },
      leave: () => void path.pop(),
    },
  });
  return errors.map((error) => {
    const node: ASTNode | undefined = error.nodes?.[0];
    if (node?.loc === undefined || node.kind === Kind.ARGUMENT) return error;
    const containing = spans
      .filter((s) => s.start <= node.loc!.start && node.loc!.end <= s.end)
      .sort((a, b) => a.end - a.start - (b.end - b.start))[0];
    if (containing === undefined) return error;
    return new GraphQLError(`argument "${containing.name}": ${error.message}`, {
      nodes: error.nodes ?? null,
      source: error.source ?? null,
      positions: error.positions ?? null,
      extensions: { ...error.extensions, code: "BAD_USER_INPUT", input: containing.name },
    });
  });
};

const withCode = (errors: ReadonlyArray<GraphQLError>, code: string) =>
  errors.map((e) => (e.extensions?.["code"] ? e.toJSON() : { ...e.toJSON(), extensions: { ...e.extensions, code } }));

type Checked = { readonly document: DocumentNode } | { readonly errors: ReadonlyArray<unknown> };
const documents = new WeakMap<GraphQLSchema, Map<string, Checked>>();
const MAX_CACHED_DOCUMENTS = 1_000;
/** Query texts seen once: a document is cached from its second use (like answers, see ResponseCache). */
const seenTexts = new Set<string>();

/** Parse + validate (with the armor rules), cached per query text: integrators send the same few queries. */
const checkDocument = (schema: GraphQLSchema, query: string, options: ExecuteOptions): Checked => {
  let cache = documents.get(schema);
  if (cache === undefined) documents.set(schema, (cache = new Map()));
  const key = `${options.maxDepth}:${options.maxCost}:${query}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const second = seenTexts.has(key);
  if (!second) {
    if (seenTexts.size >= 4 * MAX_CACHED_DOCUMENTS) seenTexts.clear();
    seenTexts.add(key);
  }
  let result: Checked;
  try {
    const document = parse(query, { maxTokens: 5_000 });
    const errors = validate(schema, document, rulesFor(options));
    result =
      errors.length > 0
        ? { errors: withCode(nameInputs(document, errors), "GRAPHQL_VALIDATION_FAILED") }
        : { document };
  } catch (error) {
    result = { errors: withCode([error as GraphQLError], "GRAPHQL_PARSE_FAILED") };
  }
  if (second && query.length <= 20_000) {
    if (cache.size >= MAX_CACHED_DOCUMENTS) cache.delete(cache.keys().next().value as string);
    cache.set(key, result);
  }
  return result;
};

/**
 * GraphQL over HTTP: 400 for a request that cannot run (malformed parameters, syntax, validation, armor limits,
 * variable coercion), 405 for a mutation over GET, 200 with partial data and field errors otherwise.
 */
export const executeGraphQL = async (
  schema: GraphQLSchema,
  params: GraphQLParams,
  context: () => GraphQLContext,
  options: ExecuteOptions,
): Promise<HttpResult> => {
  if (typeof params.query !== "string" || params.query.trim() === "") {
    return requestError(400, 'request: "query" must be a non-empty string', "BAD_REQUEST", { input: "query" });
  }
  if (params.variables != null && (typeof params.variables !== "object" || Array.isArray(params.variables))) {
    return requestError(400, 'request: "variables" must be an object', "BAD_REQUEST", { input: "variables" });
  }
  if (params.operationName != null && typeof params.operationName !== "string") {
    return requestError(400, 'request: "operationName" must be a string', "BAD_REQUEST", { input: "operationName" });
  }
  const checked = checkDocument(schema, params.query, options);
  if ("errors" in checked) return { status: 400, body: { errors: checked.errors } };
  const document = checked.document;
  const operation = getOperationAST(document, (params.operationName as string | null | undefined) ?? undefined);
  if (operation === null || operation === undefined) {
    return requestError(400, "request: no unique operation to run (give operationName)", "BAD_REQUEST", {
      input: "operationName",
    });
  }
  if (options.method === "GET" && operation.operation !== "query") {
    return requestError(405, `request: a ${operation.operation} needs POST`, "METHOD_NOT_ALLOWED");
  }
  const cacheable = operation.operation === "query" && options.responseCache !== undefined;
  const cacheKey = cacheable
    ? `${params.operationName ?? ""}|${JSON.stringify(params.variables ?? null)}|${params.query}`
    : "";
  if (cacheable) {
    const hit = options.responseCache!.get(cacheKey);
    if (hit !== undefined) return hit;
  }
  const result: ExecutionResult = await execute({
    schema,
    document,
    variableValues: (params.variables as Record<string, unknown> | null | undefined) ?? null,
    operationName: (params.operationName as string | null | undefined) ?? null,
    contextValue: context(),
  });
  if (!("data" in result) || result.data === undefined) {
    // Variables did not coerce: a request error (no execution happened).
    return { status: 400, body: { errors: withCode(result.errors ?? [], "BAD_USER_INPUT") } };
  }
  if (result.errors) return { status: 200, body: { errors: result.errors.map((e) => e.toJSON()), data: result.data } };
  const answer: HttpResult = { status: 200, body: { data: result.data } };
  return cacheable ? options.responseCache!.set(cacheKey, answer) : answer;
};
