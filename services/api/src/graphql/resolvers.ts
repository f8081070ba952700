/**
 * Resolvers: translate between GraphQL and the services (LiveState, History, Previews, TxBuilder), nothing more.
 * Live values come from one block per request; history from the subgraph through a per-request DataLoader.
 */
import { DayClose, type DayCloseState, type PreparedTx, validateProjectId } from "@tcm/chain";
import {
  DAY_SECONDS,
  deployedWstEthOf,
  deploymentRatio,
  mintedEmission,
  polShare,
  scheduledEmissionAtClose,
} from "@tcm/domain";
import { Effect, Either } from "effect";
import * as derive from "../derive.js";
import { BadInput } from "../errors.js";
import type { LiveBlock, LiveProject } from "../LiveState.js";
import type { ProjectedLine } from "../Previews.js";
import * as queries from "../subgraph/queries.js";
import type { HistoryRequest } from "../History.js";
import { type PageCursor, encodeCursor } from "./scalars.js";
import { SCHEMA_VERSION } from "./sdl.js";
import type { GraphQLContext } from "./context.js";

type Args = Record<string, unknown>;
type Resolver = (source: any, args: any, context: GraphQLContext) => unknown;
export type ResolverMap = Record<string, Record<string, Resolver>>;

const dec = derive.formatUnits;
const blockRef = (block: LiveBlock) => ({ number: block.snapshot.blockNumber, timestamp: block.snapshot.timestamp });

const badInput = (input: string, rule: string, message: string) => new BadInput({ input, rule, message });

const pageSize = (input: string, value: unknown, max = 100): Effect.Effect<number, BadInput> =>
  typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= max
    ? Effect.succeed(value)
    : Effect.fail(badInput(input, "page-size", `${input} must be between 1 and ${max}, got ${String(value)}`));
const skipOf = (value: unknown): Effect.Effect<number, BadInput> =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 5_000
    ? Effect.succeed(value)
    : Effect.fail(badInput("skip", "page-skip", `skip must be between 0 and 5000, got ${String(value)}`));

const projectIdOf = (input: string, value: unknown, projectCount: number) => {
  const parsed = validateProjectId(
    input,
    typeof value === "string" || typeof value === "number" ? value : String(value),
    2 ** 32 - 1,
  );
  return Either.isLeft(parsed)
    ? Effect.fail(badInput(parsed.left.input, parsed.left.rule, parsed.left.message))
    : Effect.succeed({ id: parsed.right, exists: parsed.right <= projectCount });
};

// ------------------------------------------------------------------ live project view (memoized per block)

const views = new WeakMap<LiveProject, Record<string, unknown>>();
export const projectView = (block: LiveBlock, live: LiveProject): Record<string, unknown> => {
  const cached = views.get(live);
  if (cached) return cached;
  const d = live.details;
  const v = d.project;
  const now = block.snapshot.timestamp;
  const spot = derive.spotPrice(d);
  const reference = derive.referencePrice(d);
  const pending = derive.pendingYield(block.snapshot, d);
  const rate = derive.emissionPerDay(d, now);
  const emitted = derive.emittedSupply(d, now);
  const lockedValue = derive.lockedLiquidityValueWstEth(d);
  const view = {
    __block: block,
    __live: live,
    id: String(v.id),
    projectId: v.id,
    name: live.name,
    symbol: live.symbol,
    metadataURI: v.metadataURI,
    owner: v.owner,
    contributorRecipient: v.contributorRecipient,
    contributorBps: Number(v.contributorBps),
    token: {
      address: d.token.address,
      name: live.name,
      symbol: live.symbol,
      decimals: 18,
      totalSupply: d.token.totalSupply,
      totalSupplyDecimal: dec(d.token.totalSupply),
      maxSupply: d.token.maxSupply,
    },
    pair: d.pair,
    seeded: v.seeded,
    launchPrice: v.launchPrice,
    launchPriceDecimal: dec(v.launchPrice),
    spotPrice: spot,
    spotPriceDecimal: spot === null ? null : dec(spot),
    referencePrice: reference,
    referencePriceDecimal: reference === null ? null : dec(reference),
    allocatedPrincipal: v.allocatedPrincipal,
    allocatedPrincipalDecimal: dec(v.allocatedPrincipal),
    pendingYieldShares: pending.shares,
    pendingYieldStEth: pending.stEth,
    pendingYieldStEthDecimal: dec(pending.stEth),
    pendingWstEth: v.pendingWstEth,
    pendingWstEthDecimal: dec(v.pendingWstEth),
    carryTokens: v.carryTokens,
    seedReserve: v.seedReserve,
    lastHarvestEpoch: v.lastHarvestEpoch,
    nextHarvestTime: derive.nextHarvestAt(block.snapshot, d),
    harvestReady: live.harvestReady,
    lastStepTime: v.lastStepTime,
    nextDeployTime: derive.nextDeployAt(block.snapshot, d),
    deployReady: live.deployReady,
    dailyEmission: v.dailyEmission,
    decayBps: Number(v.decayBps),
    maxSupply: v.maxSupply,
    emissionCap: v.emissionCap,
    startTime: v.startTime,
    emissionRatePerDay: rate,
    emissionRatePerDayDecimal: dec(rate),
    depositorEmissionPerDay: derive.depositorEmissionPerDay(d, now),
    emittedSupply: emitted,
    emittedSupplyDecimal: dec(emitted),
    lockedLiquidity: d.pair.lpHeldByMachine,
    lockedLiquidityValueWstEth: lockedValue,
    lockedLiquidityValueWstEthDecimal: dec(lockedValue),
    ...share(polShare(d.pair.lpHeldByMachine, d.pair.totalSupply)),
    apr: derive.projectApr(block.snapshot, d),
  };
  views.set(live, view);
  return view;
};

// ------------------------------------------------------------------ history (subgraph)

const page = (args: Args): Effect.Effect<queries.Page, BadInput> =>
  Effect.all({ first: pageSize("first", args["first"]), skip: skipOf(args["skip"]) });

/** A history field: its typed subgraph request (batched per request by the context's DataLoader), then `map`. */
const history = <A, B>(
  context: GraphQLContext,
  request: Effect.Effect<HistoryRequest<A>, BadInput>,
  map: (data: A) => B,
): Promise<B> =>
  context
    .run(request)
    .then((r) => context.history.load(r))
    // The loader holds requests of every answer type; this one's answer was decoded by its own Schema.
    .then((data) => map(data as A));

/** wstETH deployed ÷ harvested (@tcm/domain's deploymentRatio, 1e18 = 100 %) with its display value. */
const ratio = (deployed: bigint, harvested: bigint) => {
  const value = deploymentRatio(deployed, harvested);
  return { deploymentRatio: value, deploymentRatioDecimal: value === null ? null : dec(value) };
};

/** The protocol-owned share of a pool (@tcm/domain polShare, 1e18 = 100 %) with its display value. */
const share = (value: bigint | null) => ({ polShare: value, polShareDecimal: value === null ? null : dec(value) });

/** A project's day from the subgraph, with the figures @tcm/domain derives from it (ratio, POL share, emission). */
const projectDayView =
  (project: { __live: LiveProject; __block: LiveBlock }) =>
  (day: queries.ProjectDailyData["projectDaySnapshots"][number]) => ({
    ...day,
    ...ratio(day.cumulativeWstEthDeployed, day.cumulativeWstEthWrapped),
    ...share(polShare(day.cumulativeLiquidityMinted, day.lpTotalSupply)),
    priceOpen: day.spotPriceOpen,
    priceHigh: day.spotPriceHigh,
    priceLow: day.spotPriceLow,
    priceClose: day.spotPriceClose,
    emissionScheduled: scheduledEmissionAtClose(
      project.__live.details.project,
      BigInt(day.dayId),
      project.__block.snapshot.timestamp,
    ),
    emissionMinted: mintedEmission(day.cumulativeClaimed, day.cumulativeContributorClaimed),
  });

/**
 * A page of a project's harvests or deploy steps by cursor: the newest items at or before the cursor's timestamp,
 * skipping those of that timestamp an earlier page returned. The next cursor starts at the last item's timestamp.
 */
const cursorPage = <T extends { readonly timestamp: bigint }>(
  list: PageCursor["list"],
  size: number,
  from: PageCursor | undefined,
  items: ReadonlyArray<T>,
  totalCount: number,
) => {
  const nodes = items.slice(0, size);
  const last = nodes.at(-1);
  let endCursor: string | null = null;
  if (last !== undefined) {
    const atLast = nodes.filter((n) => n.timestamp === last.timestamp).length;
    const skip = from !== undefined && from.before === last.timestamp ? from.skip + atLast : atLast;
    endCursor = encodeCursor({ list, before: last.timestamp, skip });
  }
  return { totalCount, nodes, pageInfo: { hasNextPage: items.length > size, endCursor } };
};

/** The newest timestamp a first page starts from (any block's timestamp is below it). */
const NEWEST = 2n ** 63n - 1n;

const cursorOf = (list: PageCursor["list"], value: unknown): Effect.Effect<PageCursor | undefined, BadInput> => {
  if (value === undefined || value === null) return Effect.succeed(undefined);
  const cursor = value as PageCursor;
  return cursor.list === list
    ? Effect.succeed(cursor)
    : Effect.fail(badInput("after", "cursor", `after is a cursor of ${cursor.list}, not of ${list}`));
};

/** Where a project's harvested wstETH stands, from its subgraph totals, today's snapshot and its last step. */
const deploymentView = (data: queries.ProjectDeploymentData, dayId: bigint) => {
  const p = data.project;
  if (p === null) return null;
  const today = data.projectDaySnapshot;
  return {
    day: Number(dayId),
    harvestedWstEth: p.cumulativeWstEthWrapped,
    harvestedWstEthToday: today?.dailyWstEthWrapped ?? 0n,
    deployedWstEth: p.cumulativeWstEthDeployed,
    deployedWstEthToday: today?.dailyWstEthDeployed ?? 0n,
    stepBountiesWstEth: p.cumulativeStepBountyWstEth,
    stepBountiesWstEthToday: today?.dailyStepBountyWstEth ?? 0n,
    deployStepCount: p.deployStepCount,
    deployStepsToday: today?.dailyDeployStepCount ?? 0,
    ...ratio(p.cumulativeWstEthDeployed, p.cumulativeWstEthWrapped),
    lastStep: data.deploySteps[0] ?? null,
  };
};

/** A protocol day as the resolvers pass it on: the subgraph's day and the block the request reads. */
interface ProtocolDayView {
  readonly dayId: number;
  readonly __head: { readonly number: bigint; readonly timestamp: bigint };
}

/** The chain at a day's close (@tcm/chain DayClose), once per day and request; null when the chain cannot be read. */
const closes = new WeakMap<GraphQLContext, Map<number, Promise<DayCloseState | null>>>();
const closeOf = (context: GraphQLContext, day: ProtocolDayView) => {
  let mine = closes.get(context);
  if (mine === undefined) closes.set(context, (mine = new Map()));
  let close = mine.get(day.dayId);
  if (close === undefined) {
    close = context.run(
      Effect.flatMap(DayClose, (d) => d.closeOf(day.dayId, day.__head)).pipe(Effect.orElseSucceed(() => null)),
    );
    mine.set(day.dayId, close);
  }
  return close;
};

// ------------------------------------------------------------------ previews and builders

const projected = (block: LiveBlock) => (line: ProjectedLine) => ({
  project: projectView(block, block.byId.get(line.project.project.id)!),
  bps: line.bps,
  principal: line.principal,
  projectAllocatedPrincipalAfter: line.projectAllocatedPrincipalAfter,
  tokensPerDay: line.tokensPerDay,
  tokensPerDayDecimal: dec(line.tokensPerDay),
  apr: line.apr,
});

const statusName = (status: string) => status.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();

const prepared = (context: GraphQLContext) => (tx: PreparedTx) => ({
  ...tx,
  gasEstimate: tx.gasEstimate ?? null,
  chainId: context.deployment.chainId,
});
const buildOptions = (args: Args) => (typeof args["from"] === "string" ? { from: args["from"] } : {});
const ids = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);

export const resolvers: ResolverMap = {
  Query: {
    apiVersion: (_s, _a, context) => ({
      schema: SCHEMA_VERSION,
      chainId: context.deployment.chainId,
      machine: context.deployment.machine,
      stETH: context.deployment.stETH,
      wstETH: context.deployment.wstETH,
    }),
    protocol: async (_s, _a, context) => context.block(),
    projects: async (_s, args: Args, context) => {
      const block = await context.block();
      const first = await context.run(pageSize("first", args["first"]));
      const filter = (args["filter"] ?? {}) as {
        seeded?: boolean | null;
        harvestReady?: boolean | null;
        deployReady?: boolean | null;
        search?: string | null;
        ids?: string[] | null;
      };
      const wanted = filter.ids ? new Set(filter.ids.map(String)) : undefined;
      const search = filter.search?.toLowerCase();
      let views = block.projects.map((p) => projectView(block, p));
      views = views.filter(
        (v) =>
          (filter.seeded == null || v["seeded"] === filter.seeded) &&
          (filter.harvestReady == null || v["harvestReady"] === filter.harvestReady) &&
          (filter.deployReady == null || v["deployReady"] === filter.deployReady) &&
          (wanted === undefined || wanted.has(v["id"] as string)) &&
          (search === undefined || `${v["name"]} ${v["symbol"]}`.toLowerCase().includes(search)),
      );
      const key = (v: Record<string, unknown>): bigint | number => {
        switch (args["orderBy"]) {
          case "ALLOCATED_PRINCIPAL":
            return v["allocatedPrincipal"] as bigint;
          case "LOCKED_LIQUIDITY_VALUE":
            return v["lockedLiquidityValueWstEth"] as bigint;
          case "APR":
            return (v["apr"] as number | null) ?? -1;
          default:
            return v["projectId"] as number;
        }
      };
      const direction = args["orderDirection"] === "DESC" ? -1 : 1;
      views.sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        const c = ka < kb ? -1 : ka > kb ? 1 : (a["projectId"] as number) - (b["projectId"] as number);
        return c * direction;
      });
      // Cursor: the position after which to continue, bound to the ordering (opaque base64).
      let start = 0;
      if (typeof args["after"] === "string") {
        const decoded = Buffer.from(args["after"], "base64url").toString("utf8");
        const match = /^p:(\d+):(\w+):(ASC|DESC)$/.exec(decoded);
        if (
          !match ||
          match[2] !== String(args["orderBy"] ?? "ID") ||
          match[3] !== String(args["orderDirection"] ?? "ASC")
        ) {
          await context.run(
            Effect.fail(
              badInput("after", "cursor", "after is not a cursor of this ordering (pass pageInfo.endCursor)"),
            ),
          );
        }
        start = Number(match![1]);
      }
      const nodes = views.slice(start, start + first);
      const end = start + nodes.length;
      return {
        block: blockRef(block),
        totalCount: views.length,
        nodes,
        pageInfo: {
          hasNextPage: end < views.length,
          endCursor:
            nodes.length === 0
              ? null
              : Buffer.from(
                  `p:${end}:${String(args["orderBy"] ?? "ID")}:${String(args["orderDirection"] ?? "ASC")}`,
                ).toString("base64url"),
        },
      };
    },
    project: async (_s, args: Args, context) => {
      const block = await context.block();
      const { id, exists } = await context.run(projectIdOf("id", args["id"], block.snapshot.protocol.projectCount));
      return exists ? projectView(block, block.byId.get(id)!) : null;
    },
    account: async (_s, args: Args, context) => {
      const block = await context.block();
      const address = String(args["address"]);
      const position = await context.positions.load(address);
      const deficit = block.snapshot.protocol.deficit;
      const withdrawable = derive.withdrawableNow(block.snapshot, position.principal);
      return {
        address,
        block: blockRef(block),
        principal: position.principal,
        principalDecimal: dec(position.principal),
        hasPosition: position.principal > 0n,
        allocations: position.entries
          .filter((e) => e.bps > 0)
          .flatMap((e) => {
            const live = block.byId.get(e.projectId);
            return live === undefined
              ? []
              : [
                  {
                    project: projectView(block, live),
                    bps: e.bps,
                    principal: e.principal,
                    pendingRewards: e.pendingRewards,
                    pendingRewardsDecimal: dec(e.pendingRewards),
                  },
                ];
          }),
        deficit,
        withdrawableNow: withdrawable,
      };
    },
    depositPreview: async (_s, args: Args, context) => {
      const result = await context.run(
        context.previews((p) =>
          p.deposit({
            amount: args["amount"] as bigint,
            allocation: args["allocation"] as Array<{ projectId: number; bps: number }>,
            account: args["account"] as string | undefined,
          }),
        ),
      );
      const block = await context.block();
      return {
        block: { number: result.block.blockNumber, timestamp: result.block.timestamp },
        principal: result.principal,
        sharesAdded: result.sharesAdded,
        allocations: result.lines.map(projected(block)),
        apr: result.apr,
      };
    },
    reallocationPreview: async (_s, args: Args, context) => {
      const result = await context.run(
        context.previews((p) =>
          p.reallocation({
            account: String(args["account"]),
            allocation: args["allocation"] as Array<{ projectId: number; bps: number }>,
          }),
        ),
      );
      const block = await context.block();
      return {
        block: { number: result.block.blockNumber, timestamp: result.block.timestamp },
        principal: result.principal,
        before: result.before.map(projected(block)),
        allocations: result.lines.map(projected(block)),
        aprBefore: result.aprBefore,
        apr: result.apr,
      };
    },
    harvestPreview: async (_s, args: Args, context) => {
      const block = await context.block();
      const { id } = await context.run(
        projectIdOf("projectId", args["projectId"], block.snapshot.protocol.projectCount),
      );
      const r = await context.run(
        context.previews((p) => p.harvest(id, (args["at"] as bigint | null | undefined) ?? undefined)),
      );
      return {
        block: { number: r.block.blockNumber, timestamp: r.block.timestamp },
        projectId: r.projectId,
        at: r.now,
        status: statusName(r.status),
        ...r.report,
        deployStep: r.deployStep,
      };
    },
    deployPreview: async (_s, args: Args, context) => {
      const block = await context.block();
      const { id } = await context.run(
        projectIdOf("projectId", args["projectId"], block.snapshot.protocol.projectCount),
      );
      const r = await context.run(
        context.previews((p) => p.deploy(id, (args["at"] as bigint | null | undefined) ?? undefined)),
      );
      return {
        block: { number: r.block.blockNumber, timestamp: r.block.timestamp },
        projectId: r.projectId,
        at: r.now,
        status: r.status,
        readyAt: r.readyAt,
        pendingWstEth: r.pendingWstEth,
        step: r.step,
      };
    },
    withdrawalPreview: async (_s, args: Args, context) => {
      const r = await context.run(
        context.previews((p) =>
          p.withdrawal({
            account: String(args["account"]),
            amount: (args["amount"] as bigint | null | undefined) ?? undefined,
          }),
        ),
      );
      return {
        ...r,
        block: { number: r.block.blockNumber, timestamp: r.block.timestamp },
        stEthPaidDecimal: dec(r.stEthPaid),
      };
    },
  },

  Mutation: {
    buildApproveStEth: (_s, args: Args, context) =>
      context
        .run(
          context.builder((b) =>
            b.approveStEth({ amount: (args["amount"] as bigint | null | undefined) ?? "max" }, buildOptions(args)),
          ),
        )
        .then(prepared(context)),
    buildDeposit: (_s, args: Args, context) =>
      context
        .run(
          context.builder((b) =>
            b.deposit(
              {
                amount: args["amount"] as bigint,
                allocation: args["allocation"] as Array<{ projectId: number; bps: number }>,
              },
              buildOptions(args),
            ),
          ),
        )
        .then(prepared(context)),
    buildTopUp: (_s, args: Args, context) =>
      context
        .run(context.builder((b) => b.topUp({ amount: args["amount"] as bigint }, buildOptions(args))))
        .then(prepared(context)),
    buildReallocate: (_s, args: Args, context) =>
      context
        .run(
          context.builder((b) =>
            b.reallocate(
              { allocation: args["allocation"] as Array<{ projectId: number; bps: number }> },
              buildOptions(args),
            ),
          ),
        )
        .then(prepared(context)),
    buildWithdraw: (_s, args: Args, context) =>
      context
        .run(
          context.builder((b) =>
            b.withdraw({ amount: args["amount"] as bigint, receiver: String(args["receiver"]) }, buildOptions(args)),
          ),
        )
        .then(prepared(context)),
    buildClaim: (_s, args: Args, context) =>
      context
        .run(
          context.builder((b) =>
            b.claim({ projectIds: ids(args["projectIds"]), receiver: String(args["receiver"]) }, buildOptions(args)),
          ),
        )
        .then(prepared(context)),
    buildHarvest: (_s, args: Args, context) =>
      context
        .run(context.builder((b) => b.harvest({ projectId: String(args["projectId"]) }, buildOptions(args))))
        .then(prepared(context)),
    buildHarvestMany: (_s, args: Args, context) =>
      context
        .run(context.builder((b) => b.harvestMany({ projectIds: ids(args["projectIds"]) }, buildOptions(args))))
        .then(prepared(context)),
    buildDeploy: (_s, args: Args, context) =>
      context
        .run(context.builder((b) => b.deploy({ projectId: String(args["projectId"]) }, buildOptions(args))))
        .then(prepared(context)),
    buildDeployMany: (_s, args: Args, context) =>
      context
        .run(context.builder((b) => b.deployMany({ projectIds: ids(args["projectIds"]) }, buildOptions(args))))
        .then(prepared(context)),
    buildLaunchProject: (_s, args: Args, context) => {
      const p = args["params"] as Record<string, unknown>;
      return context
        .run(
          context.builder((b) =>
            b.launchProject(
              {
                name: String(p["name"]),
                symbol: String(p["symbol"]),
                ...(p["metadataURI"] == null ? {} : { metadataURI: String(p["metadataURI"]) }),
                launchPrice: p["launchPrice"] as bigint,
                dailyEmission: p["dailyEmission"] as bigint,
                decayBps: p["decayBps"] as number,
                maxSupply: p["maxSupply"] as bigint,
                seedReserve: p["seedReserve"] as bigint,
                contributorBps: p["contributorBps"] as number,
                ...(p["contributorRecipient"] == null
                  ? {}
                  : { contributorRecipient: String(p["contributorRecipient"]) }),
              },
              buildOptions(args),
            ),
          ),
        )
        .then(prepared(context));
    },
  },

  Protocol: {
    block: (block: LiveBlock) => blockRef(block),
    chainId: (block: LiveBlock) => block.snapshot.chainId,
    machine: (block: LiveBlock) => block.snapshot.machine,
    guardian: (block: LiveBlock) => block.snapshot.protocol.guardian,
    totalPrincipal: (block: LiveBlock) => block.snapshot.protocol.totalPrincipal,
    totalPrincipalDecimal: (block: LiveBlock) => dec(block.snapshot.protocol.totalPrincipal),
    projectCount: (block: LiveBlock) => block.snapshot.protocol.projectCount,
    currentEpoch: (block: LiveBlock) => block.snapshot.protocol.currentEpoch,
    depositsPaused: (block: LiveBlock) => block.snapshot.protocol.depositsPaused,
    harvestsPaused: (block: LiveBlock) => block.snapshot.protocol.harvestsPaused,
    accYieldIndex: (block: LiveBlock) => block.snapshot.protocol.accYieldIndex,
    deficit: (block: LiveBlock) => block.snapshot.protocol.deficit,
    config: (block: LiveBlock) => {
      const c = block.snapshot.protocol.config;
      return {
        epochSeconds: c.epoch,
        genesis: c.genesis,
        bountyBps: Number(c.bountyBps),
        maxBounty: c.maxBounty,
        minHarvestValue: c.minHarvestValue,
        maxImpactBps: Number(c.maxImpactBps),
        stepIntervalSeconds: c.stepInterval,
        followWindowSeconds: c.followWindow,
        stepBountyBps: Number(c.stepBountyBps),
        maxStepBounty: c.maxStepBounty,
        minDeploy: c.minDeploy,
      };
    },
    stEthPerWstEth: (block: LiveBlock) => derive.stEthPerWstEth(block.snapshot),
    totalPendingYieldStEth: (block: LiveBlock) =>
      block.projects.reduce((sum, p) => sum + derive.pendingYield(block.snapshot, p.details).stEth, 0n),
    totalLockedLiquidityValueWstEth: (block: LiveBlock) =>
      block.projects.reduce((sum, p) => sum + derive.lockedLiquidityValueWstEth(p.details), 0n),
    totalLockedLiquidityValueWstEthDecimal: (block: LiveBlock) =>
      dec(block.projects.reduce((sum, p) => sum + derive.lockedLiquidityValueWstEth(p.details), 0n)),
    totals: (_block: LiveBlock, _a: Args, context) =>
      history(context, Effect.succeed(queries.protocolTotals()), (data) => {
        const p = data.protocols[0];
        if (p === undefined) return null;
        const { latestDay, ...totals } = p;
        return {
          ...totals,
          ...latestDay,
          indexedBlock: latestDay.updatedAtBlock,
          ...ratio(p.totalWstEthDeployed, p.totalWstEthWrapped),
        };
      }),
    daily: (block: LiveBlock, args: Args, context) =>
      history(context, Effect.map(page(args), queries.protocolDaily), (data) =>
        data.protocolDaySnapshots.map((day) => ({
          ...day,
          ...ratio(day.cumulativeWstEthDeployed, day.cumulativeWstEthWrapped),
          __head: { number: block.snapshot.blockNumber, timestamp: block.snapshot.timestamp },
        })),
      ),
  },

  Project: {
    harvests: (project: { id: string }, args: Args, context) =>
      history(
        context,
        Effect.map(page(args), (p) => queries.projectHarvests(project.id, p)),
        (data) => data.harvests,
      ),
    deploySteps: (project: { id: string }, args: Args, context) =>
      history(
        context,
        Effect.map(page(args), (p) => queries.projectDeploySteps(project.id, p)),
        (data) => data.deploySteps,
      ),
    daily: (project: { id: string; __live: LiveProject; __block: LiveBlock }, args: Args, context) =>
      history(
        context,
        Effect.map(page(args), (p) => queries.projectDaily(project.id, p)),
        (data) => data.projectDaySnapshots.map(projectDayView(project)),
      ),
    totals: (project: { id: string }, _a: Args, context) =>
      history(context, Effect.succeed(queries.projectTotals(project.id)), (data) => {
        if (data.project === null) return null;
        const { latestDay, ...totals } = data.project;
        return { ...totals, ...latestDay };
      }),
    harvestPage: (project: { id: string }, args: Args, context) =>
      context.run(cursorOf("harvests", args["after"])).then((from) =>
        history(
          context,
          Effect.succeed(
            queries.projectHarvestPage(project.id, {
              size: args["first"] as number,
              before: from?.before ?? NEWEST,
              skip: from?.skip ?? 0,
            }),
          ),
          (data) =>
            cursorPage("harvests", args["first"] as number, from, data.harvests, data.project?.harvestCount ?? 0),
        ),
      ),
    deployStepPage: (project: { id: string }, args: Args, context) =>
      context.run(cursorOf("deploySteps", args["after"])).then((from) =>
        history(
          context,
          Effect.succeed(
            queries.projectDeployStepPage(project.id, {
              size: args["first"] as number,
              before: from?.before ?? NEWEST,
              skip: from?.skip ?? 0,
            }),
          ),
          (data) =>
            cursorPage(
              "deploySteps",
              args["first"] as number,
              from,
              data.deploySteps,
              data.project?.deployStepCount ?? 0,
            ),
        ),
      ),
    deployment: (project: { id: string; __block: LiveBlock }, _a: Args, context) => {
      // "Today" is the UTC day of the block this response reads (the subgraph's day snapshots are UTC days).
      const dayId = project.__block.snapshot.timestamp / DAY_SECONDS;
      return history(context, Effect.succeed(queries.projectDeployment(project.id, dayId)), (data) =>
        deploymentView(data, dayId),
      );
    },
  },

  ProtocolDay: {
    closeBlock: (day: ProtocolDayView, _a: Args, context) => closeOf(context, day).then((c) => c?.block ?? null),
    inDeficit: (day: ProtocolDayView, _a: Args, context) => closeOf(context, day).then((c) => c?.inDeficit ?? null),
  },

  DeployStep: {
    deployedWstEth: (step: queries.DeployStepRecord) => deployedWstEthOf(step),
  },

  Account: {
    deposits: (account: { address: string }, args: Args, context) =>
      history(
        context,
        Effect.map(page(args), (p) => queries.accountDeposits(account.address, p)),
        (data) => data.deposits,
      ),
    withdrawals: (account: { address: string }, args: Args, context) =>
      history(
        context,
        Effect.map(page(args), (p) => queries.accountWithdrawals(account.address, p)),
        (data) => data.withdrawals,
      ),
    claims: (account: { address: string }, args: Args, context) =>
      history(
        context,
        Effect.map(page(args), (p) => queries.accountClaims(account.address, p)),
        (data) => data.claims.map(({ project, ...claim }) => ({ ...claim, projectId: project.projectId })),
      ),
  },
};
