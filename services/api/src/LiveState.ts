import {
  ChainClient,
  type ChainError,
  Deployment,
  type ModelExtras,
  mockStETHAbi,
  ModelState,
  type Position,
  type ProjectDetails,
  type Snapshot,
  TcmReader,
  projectTokenAbi,
} from "@tcm/chain";
import type { State } from "@tcm/domain";
import { Cache, Duration, Effect, Metric } from "effect";
import type { Address } from "viem";
import { ApiSettings } from "./ApiConfig.js";
import { ChainUnavailable } from "./errors.js";
import { chainReads, snapshotLoads } from "./Metrics.js";

/** One project as the API serves it: the snapshot's details plus the token's name/symbol, harvest and step readiness. */
export interface LiveProject {
  readonly id: number;
  readonly details: ProjectDetails;
  readonly name: string;
  readonly symbol: string;
  readonly harvestReady: boolean;
  /** isDeployReady(projectId) at the block. */
  readonly deployReady: boolean;
}

/** Everything live at one block: read once per block, shared by every request at that block. */
export interface LiveBlock {
  readonly snapshot: Snapshot;
  readonly projects: ReadonlyArray<LiveProject>;
  readonly byId: ReadonlyMap<number, LiveProject>;
  /** The domain model's State at this block (previews), built lazily from the same snapshot. */
  readonly model: Effect.Effect<State, ChainUnavailable>;
}

const toUnavailable = (what: string) => (error: ChainError) =>
  new ChainUnavailable({ message: `chain read failed (${what}): ${error.message}` });

const make = Effect.gen(function* () {
  const settings = yield* ApiSettings;
  const chain = yield* ChainClient;
  const reader = yield* TcmReader;
  const modelState = yield* ModelState;
  const deployment = yield* Deployment;

  // The head block number, reused for `headTtl` (a burst of requests asks the node once).
  const head: Effect.Effect<bigint, ChainUnavailable> =
    Duration.toMillis(settings.headTtl) === 0
      ? chain.blockNumber.pipe(Effect.mapError(toUnavailable("block number")))
      : yield* Effect.cachedWithTTL(
          chain.blockNumber.pipe(Effect.mapError(toUnavailable("block number"))),
          settings.headTtl,
        );

  // Token name and symbol never change: read once per project and kept.
  const names = new Map<number, { readonly name: string; readonly symbol: string }>();
  const loadNames = (projects: ReadonlyArray<ProjectDetails>) => {
    const missing = projects.filter((p) => !names.has(p.project.id));
    if (missing.length === 0) return Effect.void;
    return chain
      .read("tokenNames", (c) =>
        Promise.all(
          missing.map((p) =>
            Promise.all([
              c.readContract({ address: p.project.token, abi: projectTokenAbi, functionName: "name" }),
              c.readContract({ address: p.project.token, abi: projectTokenAbi, functionName: "symbol" }),
            ]),
          ),
        ),
      )
      .pipe(
        Effect.tap((pairs) =>
          Effect.sync(() =>
            missing.forEach((p, i) => names.set(p.project.id, { name: pairs[i]![0], symbol: pairs[i]![1] })),
          ),
        ),
        Effect.mapError(toUnavailable("token names")),
      );
  };

  const loadBlock = (blockNumber: bigint): Effect.Effect<LiveBlock, ChainUnavailable> =>
    Effect.gen(function* () {
      yield* Metric.increment(snapshotLoads);
      const snapshot = yield* reader.snapshot(blockNumber).pipe(Effect.mapError(toUnavailable("snapshot")));
      const ids = snapshot.projects.map((p) => p.project.id);
      const [readiness, steps] = yield* Effect.all(
        [
          ids.length === 0
            ? Effect.succeed([] as ReadonlyArray<{ projectId: number; ready: boolean }>)
            : reader.harvestReadiness(ids, { blockNumber }).pipe(Effect.mapError(toUnavailable("harvest readiness"))),
          ids.length === 0
            ? Effect.succeed([] as ReadonlyArray<{ projectId: number; ready: boolean }>)
            : reader.deployReadiness(ids, { blockNumber }).pipe(Effect.mapError(toUnavailable("deploy readiness"))),
          loadNames(snapshot.projects),
        ],
        { concurrency: 3 },
      );
      const projects: LiveProject[] = snapshot.projects.map((details, i) => ({
        id: details.project.id,
        details,
        name: names.get(details.project.id)?.name ?? "",
        symbol: names.get(details.project.id)?.symbol ?? "",
        harvestReady: readiness[i]?.ready ?? false,
        deployReady: steps[i]?.ready ?? false,
      }));
      const model = yield* Effect.cached(
        modelState.fromSnapshot(snapshot).pipe(Effect.mapError(toUnavailable("model extras"))),
      );
      return { snapshot, projects, byId: new Map(projects.map((p) => [p.id, p])), model };
    }).pipe(Effect.withSpan("LiveState.loadBlock", { attributes: { blockNumber: String(blockNumber) } }));

  // Per-block cache: concurrent lookups of one block share one load; failures are not kept.
  const blocks = yield* Cache.make({ capacity: 16, timeToLive: Duration.minutes(10), lookup: loadBlock });
  // The latest block loaded, readable without running an effect: every request at the head reads it (the profile of
  // uncached requests showed the per-request fiber and Cache lookup among the costs of a request).
  let latest: LiveBlock | undefined;
  const atBlock = (blockNumber: bigint) =>
    blocks.get(blockNumber).pipe(
      Effect.tap((block) =>
        Effect.sync(() => {
          if (latest === undefined || block.snapshot.blockNumber >= latest.snapshot.blockNumber) latest = block;
        }),
      ),
      Effect.tapError(() => blocks.invalidate(blockNumber)),
    );

  // Positions, per block and account (DataLoaders batch them per request; same-tick reads share one multicall).
  const positions = yield* Cache.make({
    capacity: 20_000,
    timeToLive: Duration.minutes(2),
    lookup: (key: string) => {
      const [block, account] = key.split("|") as [string, Address];
      return Metric.increment(chainReads).pipe(
        Effect.zipRight(reader.position(account, { blockNumber: BigInt(block) })),
        Effect.mapError(toUnavailable("position")),
      );
    },
  });
  const positionAt = (blockNumber: bigint, account: Address): Effect.Effect<Position, ChainUnavailable> => {
    const key = `${blockNumber}|${account}`;
    return positions.get(key).pipe(Effect.tapError(() => positions.invalidate(key)));
  };

  const stEthSharesOf = (blockNumber: bigint, account: Address) =>
    chain
      .read("sharesOf", (c) =>
        c.readContract({
          address: deployment.stETH,
          abi: mockStETHAbi,
          functionName: "sharesOf",
          args: [account],
          blockNumber,
        }),
      )
      .pipe(Effect.mapError(toUnavailable("stETH shares")));

  return {
    head,
    /** Live state at the current head block (one batched read per block, whatever the request rate). */
    current: Effect.flatMap(head, atBlock),
    atBlock,
    /** The block `blockNumber` if it is the latest one loaded (no effect to run), else undefined: then use atBlock. */
    loaded: (blockNumber: bigint): LiveBlock | undefined =>
      latest?.snapshot.blockNumber === blockNumber ? latest : undefined,
    positionAt,
    stEthSharesOf,
  } as const;
});

export class LiveState extends Effect.Service<LiveState>()("@tcm/api/LiveState", { effect: make }) {}
export type { ModelExtras };
