/**
 * The API's subgraph queries: each a generated typed document (src/subgraph/history.graphql → generated.ts) with a
 * Schema that decodes its answer. Every Schema's encoded side is declared as the generated result type
 * (`Schema.Schema<A, XQuery>`, invariant), so a field renamed or retyped in subgraph/schema.graphql fails code
 * generation (the query no longer validates) or, once regenerated, this file's typecheck.
 */
import { Effect, ParseResult, Schema } from "effect";
import { getAddress, isAddress, isHex } from "viem";
import {
  type AccountClaimsQuery,
  AccountClaimsDocument,
  type AccountDepositsQuery,
  AccountDepositsDocument,
  type AccountWithdrawalsQuery,
  AccountWithdrawalsDocument,
  type HistoryMetaQuery,
  HistoryMetaDocument,
  type ProjectDailyQuery,
  ProjectDailyDocument,
  type ProjectDeployStepsQuery,
  ProjectDeployStepsDocument,
  type ProjectDeployStepPageQuery,
  ProjectDeployStepPageDocument,
  type ProjectHarvestPageQuery,
  ProjectHarvestPageDocument,
  type ProjectDeploymentQuery,
  ProjectDeploymentDocument,
  type ProjectHarvestsQuery,
  ProjectHarvestsDocument,
  type ProjectTotalsQuery,
  ProjectTotalsDocument,
  type ProtocolDailyQuery,
  ProtocolDailyDocument,
  type ProtocolTotalsQuery,
  ProtocolTotalsDocument,
  type TypedDocumentString,
} from "./generated.js";

/** One query to the subgraph: its document, variables, and how to decode its data. */
export interface HistoryRequest<A> {
  /** The operation's name (for logs and the DataLoader's cache key). */
  readonly name: string;
  readonly document: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly decode: (data: unknown) => Effect.Effect<A, ParseResult.ParseError>;
}

const OPERATION_NAME = /^\s*query\s+(\w+)/;

/** A request from a generated document, its variables (typed by the document) and the Schema of its answer. */
const request = <A, R, V extends Readonly<Record<string, unknown>>>(
  document: TypedDocumentString<R, V>,
  variables: V,
  schema: Schema.Schema<A, R>,
): HistoryRequest<A> => {
  const text = document.toString();
  return {
    name: OPERATION_NAME.exec(text)?.[1] ?? "anonymous",
    document: text,
    variables,
    decode: Schema.decodeUnknown(schema),
  };
};

// ------------------------------------------------------------------ field codecs (subgraph JSON → API values)

/** A uint as graph-node sends it (a decimal string) → bigint. */
const Uint = Schema.BigInt.pipe(Schema.greaterThanOrEqualToBigInt(0n));
/** An address (graph-node sends lowercase hex) → EIP-55 checksummed. */
const Address = Schema.transformOrFail(Schema.String, Schema.String, {
  strict: true,
  decode: (value, _, ast) =>
    isAddress(value, { strict: false })
      ? ParseResult.succeed(getAddress(value))
      : ParseResult.fail(new ParseResult.Type(ast, value, "not an address")),
  encode: ParseResult.succeed,
});
const Hex = Schema.String.pipe(Schema.filter((value) => isHex(value) || "not 0x-prefixed hex"));
const Count = Schema.Int;

const Harvest = Schema.Struct({
  id: Hex,
  epoch: Uint,
  caller: Address,
  yieldShares: Uint,
  yieldStEth: Uint,
  bountyStEth: Uint,
  wstEthWrapped: Uint,
  pendingWstEth: Uint,
  blockNumber: Uint,
  timestamp: Uint,
  transactionHash: Hex,
});

const DeployStep = Schema.Struct({
  id: Hex,
  caller: Address,
  opening: Schema.Boolean,
  traded: Schema.Boolean,
  pendingIn: Uint,
  wstEthSwapped: Uint,
  tokensBought: Uint,
  tokensSeeded: Uint,
  wstEthAdded: Uint,
  tokensAdded: Uint,
  liquidityMinted: Uint,
  bounty: Uint,
  pendingOut: Uint,
  carryTokensOut: Uint,
  spotPrice: Uint,
  referencePrice: Uint,
  ceilingPrice: Uint,
  poolPrice: Uint,
  blockNumber: Uint,
  timestamp: Uint,
  transactionHash: Hex,
});
export type DeployStepRecord = typeof DeployStep.Type;
export type HarvestRecord = typeof Harvest.Type;

// ------------------------------------------------------------------ answers

/** A Schema whose encoded side is exactly the generated result type `Q` (Schema's `I` is invariant). */
const answer =
  <Q>() =>
  <A>(schema: Schema.Schema<A, Q>): Schema.Schema<A, Q> =>
    schema;

const HistoryMeta = answer<HistoryMetaQuery>()(
  Schema.Struct({
    _meta: Schema.NullOr(Schema.Struct({ block: Schema.Struct({ number: Count }), hasIndexingErrors: Schema.Boolean })),
  }),
);

const ProtocolTotals = answer<ProtocolTotalsQuery>()(
  Schema.Struct({
    protocols: Schema.Array(
      Schema.Struct({
        latestDay: Schema.Struct({
          cumulativeDeposited: Uint,
          accountCount: Count,
          depositorCount: Count,
          depositCount: Count,
          claimCount: Count,
          updatedAtBlock: Uint,
        }),
        cumulativeWithdrawn: Uint,
        totalYieldStEth: Uint,
        totalBountyStEth: Uint,
        totalWstEthWrapped: Uint,
        totalWstEthAdded: Uint,
        totalWstEthDeployed: Uint,
        totalStepBountyWstEth: Uint,
        totalLiquidityMinted: Uint,
        withdrawalCount: Count,
        harvestCount: Count,
        deployStepCount: Count,
      }),
    ),
  }),
);

const ProtocolDaily = answer<ProtocolDailyQuery>()(
  Schema.Struct({
    protocolDaySnapshots: Schema.Array(
      Schema.Struct({
        dayId: Count,
        dayStartTimestamp: Uint,
        totalPrincipal: Uint,
        depositorCount: Count,
        projectCount: Count,
        dailyDeposited: Uint,
        dailyWithdrawn: Uint,
        dailyYieldStEth: Uint,
        cumulativeYieldStEth: Uint,
        dailyWstEthWrapped: Uint,
        cumulativeWstEthWrapped: Uint,
        dailyWstEthDeployed: Uint,
        cumulativeWstEthDeployed: Uint,
        dailyWstEthAdded: Uint,
        cumulativeWstEthAdded: Uint,
        dailyHarvestCount: Count,
        dailyDeployStepCount: Count,
        dailyDepositCount: Count,
      }),
    ),
  }),
);

const ProjectHarvests = answer<ProjectHarvestsQuery>()(Schema.Struct({ harvests: Schema.Array(Harvest) }));

const ProjectDeploySteps = answer<ProjectDeployStepsQuery>()(
  Schema.Struct({
    deploySteps: Schema.Array(DeployStep),
  }),
);

const ProjectDeployStepPage = answer<ProjectDeployStepPageQuery>()(
  Schema.Struct({
    project: Schema.NullOr(Schema.Struct({ deployStepCount: Count })),
    deploySteps: Schema.Array(DeployStep),
  }),
);

const ProjectHarvestPage = answer<ProjectHarvestPageQuery>()(
  Schema.Struct({
    project: Schema.NullOr(Schema.Struct({ harvestCount: Count })),
    harvests: Schema.Array(Harvest),
  }),
);

const ProjectDaily = answer<ProjectDailyQuery>()(
  Schema.Struct({
    projectDaySnapshots: Schema.Array(
      Schema.Struct({
        dayId: Count,
        dayStartTimestamp: Uint,
        allocatedPrincipal: Uint,
        dailyYieldStEth: Uint,
        cumulativeYieldStEth: Uint,
        dailyWstEthWrapped: Uint,
        cumulativeWstEthWrapped: Uint,
        dailyWstEthDeployed: Uint,
        cumulativeWstEthDeployed: Uint,
        dailyWstEthAdded: Uint,
        dailyTokensBought: Uint,
        dailyLiquidityMinted: Uint,
        cumulativeLiquidityMinted: Uint,
        dailyHarvestCount: Count,
        dailyDeployStepCount: Count,
        pendingWstEth: Uint,
        reserveWstEth: Uint,
        reserveTokens: Uint,
        lpTotalSupply: Uint,
        poolPriceClose: Schema.NullOr(Schema.String),
        spotPriceOpen: Schema.NullOr(Schema.String),
        spotPriceHigh: Schema.NullOr(Schema.String),
        spotPriceLow: Schema.NullOr(Schema.String),
        spotPriceClose: Schema.NullOr(Schema.String),
        referencePriceClose: Schema.NullOr(Schema.String),
        depositorCount: Count,
        dailyStepBountyWstEth: Uint,
        cumulativeClaimed: Uint,
        cumulativeContributorClaimed: Uint,
        tokenSupply: Uint,
      }),
    ),
  }),
);

export type ProjectDailyData = typeof ProjectDaily.Type;

const ProjectTotals = answer<ProjectTotalsQuery>()(
  Schema.Struct({
    project: Schema.NullOr(
      Schema.Struct({
        latestDay: Schema.Struct({ depositorCount: Count, cumulativeClaimed: Uint }),
        cumulativeYieldStEth: Uint,
        cumulativeBountyStEth: Uint,
        cumulativeWstEthWrapped: Uint,
        cumulativeWstEthAdded: Uint,
        cumulativeWstEthDeployed: Uint,
        cumulativeTokensBought: Uint,
        cumulativeLiquidityMinted: Uint,
        cumulativeStepBountyWstEth: Uint,
        harvestCount: Count,
        deployStepCount: Count,
      }),
    ),
  }),
);

const ProjectDeployment = answer<ProjectDeploymentQuery>()(
  Schema.Struct({
    project: Schema.NullOr(
      Schema.Struct({
        cumulativeWstEthWrapped: Uint,
        cumulativeWstEthDeployed: Uint,
        cumulativeStepBountyWstEth: Uint,
        deployStepCount: Count,
        lastStepTimestamp: Schema.NullOr(Uint),
      }),
    ),
    projectDaySnapshot: Schema.NullOr(
      Schema.Struct({
        dailyWstEthWrapped: Uint,
        dailyWstEthDeployed: Uint,
        dailyStepBountyWstEth: Uint,
        dailyDeployStepCount: Count,
      }),
    ),
    deploySteps: Schema.Array(DeployStep),
  }),
);
export type ProjectDeploymentData = typeof ProjectDeployment.Type;

const AccountDeposits = answer<AccountDepositsQuery>()(
  Schema.Struct({
    deposits: Schema.Array(
      Schema.Struct({
        id: Hex,
        principalAdded: Uint,
        sharesAdded: Uint,
        principal: Uint,
        projectIds: Schema.Array(Count),
        bps: Schema.Array(Count),
        blockNumber: Uint,
        timestamp: Uint,
        transactionHash: Hex,
      }),
    ),
  }),
);

const AccountWithdrawals = answer<AccountWithdrawalsQuery>()(
  Schema.Struct({
    withdrawals: Schema.Array(
      Schema.Struct({
        id: Hex,
        receiver: Address,
        principalRemoved: Uint,
        stEthPaid: Uint,
        deficit: Schema.Boolean,
        principal: Uint,
        blockNumber: Uint,
        timestamp: Uint,
        transactionHash: Hex,
      }),
    ),
  }),
);

const AccountClaims = answer<AccountClaimsQuery>()(
  Schema.Struct({
    claims: Schema.Array(
      Schema.Struct({
        id: Hex,
        project: Schema.Struct({ projectId: Count }),
        receiver: Address,
        amount: Uint,
        blockNumber: Uint,
        timestamp: Uint,
        transactionHash: Hex,
      }),
    ),
  }),
);

// ------------------------------------------------------------------ the requests

/** A page of a list: first 1..100, skip 0..5000 (validated by the resolvers). */
export interface Page {
  readonly first: number;
  readonly skip: number;
}

/** graph-node stores addresses lowercase: `where: { account: … }` must match that. */
const accountKey = (address: string) => address.toLowerCase();

export const historyMeta = () => request(HistoryMetaDocument, {}, HistoryMeta);
export const protocolTotals = () => request(ProtocolTotalsDocument, {}, ProtocolTotals);
export const protocolDaily = (page: Page) => request(ProtocolDailyDocument, page, ProtocolDaily);
export const projectHarvests = (projectId: string, page: Page) =>
  request(ProjectHarvestsDocument, { project: projectId, ...page }, ProjectHarvests);
export const projectDeploySteps = (projectId: string, page: Page) =>
  request(ProjectDeployStepsDocument, { project: projectId, ...page }, ProjectDeploySteps);
/**
 * A page by cursor: the newest items at or before `before` (a timestamp), after skipping the `skip` items of that
 * timestamp an earlier page returned (so the skip stays small however deep the page); `size` items plus one to know
 * whether another page follows.
 */
export interface CursorPage {
  readonly size: number;
  readonly before: bigint;
  readonly skip: number;
}
const cursorVariables = (projectId: string, page: CursorPage) => ({
  id: projectId,
  project: projectId,
  first: page.size + 1,
  skip: page.skip,
  before: page.before.toString(),
});
export const projectDeployStepPage = (projectId: string, page: CursorPage) =>
  request(ProjectDeployStepPageDocument, cursorVariables(projectId, page), ProjectDeployStepPage);
export const projectHarvestPage = (projectId: string, page: CursorPage) =>
  request(ProjectHarvestPageDocument, cursorVariables(projectId, page), ProjectHarvestPage);
export const projectDaily = (projectId: string, page: Page) =>
  request(ProjectDailyDocument, { project: projectId, ...page }, ProjectDaily);
export const projectTotals = (projectId: string) => request(ProjectTotalsDocument, { id: projectId }, ProjectTotals);
/** `dayId`: the UTC day (timestamp / 86400) whose snapshot holds "today". */
export const projectDeployment = (projectId: string, dayId: bigint) =>
  request(
    ProjectDeploymentDocument,
    { id: projectId, day: `${projectId}-${dayId}`, project: projectId },
    ProjectDeployment,
  );
export const accountDeposits = (address: string, page: Page) =>
  request(AccountDepositsDocument, { account: accountKey(address), ...page }, AccountDeposits);
export const accountWithdrawals = (address: string, page: Page) =>
  request(AccountWithdrawalsDocument, { account: accountKey(address), ...page }, AccountWithdrawals);
export const accountClaims = (address: string, page: Page) =>
  request(AccountClaimsDocument, { account: accountKey(address), ...page }, AccountClaims);

/** The `_meta` selection History adds to every batch, and its Schema. */
export const META_DOCUMENT = HistoryMetaDocument.toString();
export const decodeMeta = Schema.decodeUnknown(HistoryMeta);
