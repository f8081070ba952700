import { type DayClose, Deployment, type DeploymentInfo, type Position, TxBuilder } from "@tcm/chain";
import DataLoader from "dataloader";
import { Cause, Context, Effect, Either, Exit, Match, Option, Predicate, Runtime } from "effect";
import { GraphQLError } from "graphql";
import type { Address } from "viem";
import { History, type HistoryRequest } from "../History.js";
import { type LiveBlock, LiveState } from "../LiveState.js";
import { Previews } from "../Previews.js";

/** The services resolvers may call. */
export type Services = LiveState | History | Previews | TxBuilder | Deployment | DayClose;

export interface GraphQLContext {
  /** Runs an effect on the API's one runtime; a failure becomes a GraphQL error with a code (and the input). */
  readonly run: <A, E>(effect: Effect.Effect<A, E, Services>) => Promise<A>;
  readonly previews: <A, E, R>(f: (p: Previews) => Effect.Effect<A, E, R>) => Effect.Effect<A, E, R | Previews>;
  readonly builder: <A, E, R>(f: (b: TxBuilder) => Effect.Effect<A, E, R>) => Effect.Effect<A, E, R | TxBuilder>;
  /** The block this request reads live state at (fixed at its first use: one block per response). */
  readonly block: () => Promise<LiveBlock>;
  /** Per-request loaders. */
  readonly positions: DataLoader<string, Position>;
  readonly history: DataLoader<HistoryRequest<unknown>, unknown, string>;
  readonly deployment: DeploymentInfo;
}

/** A field of a failure, when it has one (the extensions carry it as is, undefined otherwise). */
const field = (error: unknown, key: string): unknown => (Predicate.hasProperty(error, key) ? error[key] : undefined);

/** Maps a service failure to the GraphQL error integrators see (extensions.code is stable). */
export const toGraphQLError = (error: unknown): GraphQLError => {
  const message =
    Predicate.hasProperty(error, "message") && Predicate.isString(error.message) ? error.message : String(error);
  const coded = (code: string, extensions: Record<string, unknown> = {}, text = message) =>
    new GraphQLError(text, { extensions: { code, ...extensions } });
  return Match.value(error).pipe(
    Match.when(Predicate.or(Predicate.isTagged("BadInput"), Predicate.isTagged("InvalidInput")), (e) =>
      coded("BAD_USER_INPUT", { input: field(e, "input"), rule: field(e, "rule") }),
    ),
    Match.when(Predicate.isTagged("HistoryUnavailable"), (e) =>
      coded("HISTORY_UNAVAILABLE", { reason: field(e, "reason") }),
    ),
    Match.when(Predicate.isTagged("PreviewReverted"), (e) => coded("WOULD_REVERT", { error: field(e, "error") })),
    Match.when(Predicate.isTagged("ContractRevert"), (e) =>
      coded("WOULD_REVERT", { error: field(e, "name") }, `the transaction would revert: ${message}`),
    ),
    Match.when(
      Predicate.or(
        Predicate.isTagged("ChainUnavailable"),
        Predicate.or(Predicate.isTagged("TransientRpcError"), Predicate.isTagged("RpcError")),
      ),
      () => coded("CHAIN_UNAVAILABLE"),
    ),
    Match.orElse(() => new GraphQLError("internal error", { extensions: { code: "INTERNAL_SERVER_ERROR" } })),
  );
};

export const makeContext = (
  runtime: Runtime.Runtime<Services>,
  deployment: DeploymentInfo,
  signal: AbortSignal,
  /** Pin the request to this block (the one its cached answer is keyed by); default: the head at first use. */
  blockNumber?: bigint,
): GraphQLContext => {
  const run = <A, E>(effect: Effect.Effect<A, E, Services>): Promise<A> =>
    Runtime.runPromiseExit(runtime, effect, { signal }).then((exit) => {
      if (Exit.isSuccess(exit)) return exit.value;
      const failure = Cause.failureOption(exit.cause);
      if (Option.isSome(failure)) throw toGraphQLError(failure.value);
      if (Cause.isInterruptedOnly(exit.cause))
        throw new GraphQLError("request aborted", { extensions: { code: "TIMEOUT" } });
      Runtime.runFork(runtime, Effect.logError("resolver defect", exit.cause));
      throw new GraphQLError("internal error", { extensions: { code: "INTERNAL_SERVER_ERROR" } });
    });

  let block: Promise<LiveBlock> | undefined;
  const blockOnce = () => {
    if (block !== undefined) return block;
    // A request pinned to the latest loaded block (nearly all of them) takes it without running an effect.
    const loaded = blockNumber === undefined ? undefined : Context.get(runtime.context, LiveState).loaded(blockNumber);
    block =
      loaded !== undefined
        ? Promise.resolve(loaded)
        : run(
            Effect.flatMap(LiveState, (live) => (blockNumber === undefined ? live.current : live.atBlock(blockNumber))),
          );
    return block;
  };

  const positions = new DataLoader<string, Position>(
    async (addresses) => {
      const b = await blockOnce();
      // Same-tick reads: ChainClient aggregates them into one multicall.
      return run(
        Effect.flatMap(LiveState, (live) =>
          Effect.forEach(addresses, (a) => live.positionAt(b.snapshot.blockNumber, a as Address), {
            concurrency: "unbounded",
          }),
        ),
      );
    },
    { maxBatchSize: 100 },
  );

  const history = new DataLoader<HistoryRequest<unknown>, unknown, string>(
    (requests) =>
      run(
        Effect.flatMap(History, (h) => h.fetchBatch(requests)).pipe(
          // One error per key: each history field reports it (partial data).
          Effect.map((answers) => answers.map(Either.getOrElse(toGraphQLError))),
          Effect.catchTag("HistoryUnavailable", (e) => Effect.succeed(requests.map(() => toGraphQLError(e)))),
        ),
      ),
    { maxBatchSize: 50, cacheKeyFn: (r) => `${r.name}:${JSON.stringify(r.variables)}` },
  );

  return {
    run,
    previews: (f) => Effect.flatMap(Previews, f),
    builder: (f) => Effect.flatMap(TxBuilder, f),
    block: blockOnce,
    positions,
    history,
    deployment,
  };
};
