/**
 * The API's GraphQL schema (SDL). services/api/schema.graphql is this, printed; test/schema.test.ts fails when they
 * drift. Versioning: additive changes bump the minor version; removals and type changes bump the major version
 * and keep the old field deprecated for one major version.
 */
export const SCHEMA_VERSION = "1.0.0";

export const sdl = /* GraphQL */ `
"""
An unsigned integer in raw on-chain units (wei of stETH or wstETH, stETH shares, token wei, LP wei, seconds), as a
decimal string. Inputs accept a decimal string or a JSON integer up to 2^53.
"""
scalar BigInt

"A 20-byte hex address with 0x prefix. Mixed case must carry a valid EIP-55 checksum; outputs are checksummed."
scalar Address

"0x-prefixed hex bytes (calldata)."
scalar Bytes

"""
History fields (marked "History (subgraph)") are nullable: when the subgraph is down or behind they are null with a
GraphQL error (extensions.code HISTORY_UNAVAILABLE) while every live field still answers (HTTP 200, partial data).
"""
type Query {
  "The API's schema version, chain and deployment."
  apiVersion: ApiVersion!
  "Protocol-wide live state at the current block, with its daily history from the subgraph."
  protocol: Protocol!
  "Projects, paginated with an opaque cursor (pass pageInfo.endCursor as \`after\`). first: 1..100."
  projects(
    filter: ProjectFilter
    orderBy: ProjectOrderBy = ID
    orderDirection: OrderDirection = ASC
    first: Int = 20
    after: String
  ): ProjectConnection!
  "One project by its on-chain id (\\"1\\", \\"2\\", …); null when no such project exists."
  project(id: ID!): Project
  "An account's position, live; its history from the subgraph."
  account(address: Address!): Account!
  """
  What deposit(amount, allocation) would do now, computed with the domain model over this block's chain state:
  the principal credited (what actually arrives after stETH share rounding), each project's part, expected tokens
  per day and APR. With \`account\` the preview uses that account's stETH balance and existing position (a second
  deposit reverts TCM_PositionExists: use topUp).
  """
  depositPreview(amount: BigInt!, allocation: [AllocationInput!]!, account: Address): DepositPreview!
  "What reallocate(allocation) would do for \`account\` now: its lines before and after, tokens per day and APR."
  reallocationPreview(account: Address!, allocation: [AllocationInput!]!): ReallocationPreview!
  """
  What harvest(projectId) would do at \`at\` (a unix timestamp; default: the current block's): status, yield,
  bounty, tokens bought, liquidity added, price impact. Exactly the contract's arithmetic (domain model).
  """
  harvestPreview(projectId: ID!, at: BigInt): HarvestPreview!
  """
  What withdraw(amount) would pay \`account\` now (amount defaults to the whole principal). In a deficit only a full
  withdrawal is possible and it pays principal × valueHeldForPrincipal / totalPrincipal.
  """
  withdrawalPreview(account: Address!, amount: BigInt): WithdrawalPreview!
}

"""
Transaction builders: each returns a transaction to sign and send ({to, data, value, gasEstimate}); nothing is
sent by the API. Inputs are validated as the contract would (errors name the input: \`allocation[1].bps\`). With
\`from\`, gasEstimate is eth_estimateGas as that sender, and a would-be revert is reported with its decoded error.
"""
type Mutation {
  "stETH.approve(machine, amount) — needed once before deposit/topUp. Omit amount for an unlimited approval."
  buildApproveStEth(amount: BigInt, from: Address): PreparedTx!
  "deposit(amount, allocation): opens a position. Allocation: 1..8 projects, ascending ids, bps summing to 10000."
  buildDeposit(amount: BigInt!, allocation: [AllocationInput!]!, from: Address): PreparedTx!
  "topUp(amount): more principal into the existing position, same allocation."
  buildTopUp(amount: BigInt!, from: Address): PreparedTx!
  "reallocate(allocation): a new split of the position's yield."
  buildReallocate(allocation: [AllocationInput!]!, from: Address): PreparedTx!
  "withdraw(amount, receiver): principal back as stETH."
  buildWithdraw(amount: BigInt!, receiver: Address!, from: Address): PreparedTx!
  "claim(projectIds, receiver): mints the pending project tokens."
  buildClaim(projectIds: [ID!]!, receiver: Address!, from: Address): PreparedTx!
  "harvest(projectId, minTokensOut): permissionless, once per epoch; pays the caller a bounty."
  buildHarvest(projectId: ID!, minTokensOut: BigInt, from: Address): PreparedTx!
  "harvestMany(projectIds): harvests the ready ones, skips the others."
  buildHarvestMany(projectIds: [ID!]!, from: Address): PreparedTx!
  "launchProject(params): deploys the project's token and pair and registers it."
  buildLaunchProject(params: LaunchProjectInput!, from: Address): PreparedTx!
}

type ApiVersion {
  "Semantic version of this schema."
  schema: String!
  chainId: Int!
  machine: Address!
  stETH: Address!
  wstETH: Address!
}

"The block every live field of a response was read at (one block per response)."
type Block {
  number: BigInt!
  timestamp: BigInt!
}

input AllocationInput {
  projectId: Int!
  "basis points of the position's yield (1..10000); all entries sum to 10000"
  bps: Int!
}

input LaunchProjectInput {
  name: String!
  symbol: String!
  metadataURI: String
  "wstETH per token, 1e18 scale"
  launchPrice: BigInt!
  "tokens per epoch (day), token wei"
  dailyEmission: BigInt!
  "per-epoch emission decay in bps"
  decayBps: Int!
  maxSupply: BigInt!
  "share of emissions for contributors, bps"
  contributorBps: Int!
  "required when contributorBps > 0"
  contributorRecipient: Address
}

type PreparedTx {
  to: Address!
  data: Bytes!
  "ether to send, wei"
  value: BigInt!
  "eth_estimateGas as \`from\` (null without \`from\`); add a margin when sending"
  gasEstimate: BigInt
  chainId: Int!
}

enum OrderDirection {
  ASC
  DESC
}

enum ProjectOrderBy {
  ID
  ALLOCATED_PRINCIPAL
  LOCKED_LIQUIDITY_VALUE
  APR
}

input ProjectFilter {
  "only projects whose pool is (or is not) seeded"
  seeded: Boolean
  "only projects whose harvest is (or is not) ready now"
  harvestReady: Boolean
  "case-insensitive substring of the token's name or symbol"
  search: String
  ids: [ID!]
}

type PageInfo {
  hasNextPage: Boolean!
  endCursor: String
}

type ProjectConnection {
  block: Block!
  totalCount: Int!
  nodes: [Project!]!
  pageInfo: PageInfo!
}

type DeficitStatus {
  inDeficit: Boolean!
  sharesHeld: BigInt!
  sharesRequired: BigInt!
  "stETH the machine holds for principal (what a deficit withdrawal is paid pro rata from)"
  valueHeldForPrincipal: BigInt!
}

type ProtocolConfig {
  epochSeconds: BigInt!
  genesis: BigInt!
  bountyBps: Int!
  maxBounty: BigInt!
  maxDeviationBps: Int!
  minHarvestValue: BigInt!
}

type Protocol {
  block: Block!
  chainId: Int!
  machine: Address!
  guardian: Address!
  "Σ principal of all positions, stETH wei"
  totalPrincipal: BigInt!
  totalPrincipalDecimal: String!
  projectCount: Int!
  currentEpoch: BigInt!
  depositsPaused: Boolean!
  harvestsPaused: Boolean!
  "global yield index (shares per principal, 2^32 scale)"
  accYieldIndex: BigInt!
  deficit: DeficitStatus!
  config: ProtocolConfig!
  "stETH per wstETH, 1e18 scale"
  stEthPerWstEth: BigInt!
  "Σ over projects of Project.pendingYieldStEth"
  totalPendingYieldStEth: BigInt!
  "Σ over projects of Project.lockedLiquidityValueWstEth"
  totalLockedLiquidityValueWstEth: BigInt!
  totalLockedLiquidityValueWstEthDecimal: String!
  "History (subgraph): running totals since genesis. Errors (partial data) when the subgraph is down or behind."
  totals: ProtocolTotals
  "History (subgraph): one entry per UTC day with activity, newest first."
  daily(first: Int = 30, skip: Int = 0): [ProtocolDay!]
}

type ProtocolTotals {
  cumulativeDeposited: BigInt!
  cumulativeWithdrawn: BigInt!
  totalYieldStEth: BigInt!
  totalBountyStEth: BigInt!
  totalWstEthAdded: BigInt!
  totalLiquidityMinted: BigInt!
  accountCount: Int!
  depositorCount: Int!
  depositCount: Int!
  withdrawalCount: Int!
  harvestCount: Int!
  claimCount: Int!
  indexedBlock: BigInt!
}

type ProtocolDay {
  dayId: Int!
  dayStartTimestamp: BigInt!
  totalPrincipal: BigInt!
  depositorCount: Int!
  dailyDeposited: BigInt!
  dailyWithdrawn: BigInt!
  dailyYieldStEth: BigInt!
  cumulativeYieldStEth: BigInt!
  dailyWstEthAdded: BigInt!
  cumulativeWstEthAdded: BigInt!
  dailyHarvestCount: Int!
  dailyDepositCount: Int!
}

type Token {
  address: Address!
  name: String!
  symbol: String!
  decimals: Int!
  totalSupply: BigInt!
  totalSupplyDecimal: String!
  maxSupply: BigInt!
}

type Pair {
  address: Address!
  token0: Address!
  token1: Address!
  reserveWstEth: BigInt!
  reserveTokens: BigInt!
  "LP total supply"
  totalSupply: BigInt!
  "LP held by the machine (locked forever)"
  lpHeldByMachine: BigInt!
  blockTimestampLast: BigInt!
  price0CumulativeLast: BigInt!
  price1CumulativeLast: BigInt!
}

type Project {
  "the on-chain projectId as a decimal string"
  id: ID!
  projectId: Int!
  name: String!
  symbol: String!
  metadataURI: String!
  owner: Address!
  contributorRecipient: Address!
  contributorBps: Int!
  token: Token!
  pair: Pair!
  "true once the first harvest seeded the pool at the launch price"
  seeded: Boolean!
  "wstETH per token, 1e18 scale"
  launchPrice: BigInt!
  launchPriceDecimal: String!
  "spot price, wstETH per token (1e18): reserveWstEth × 1e18 / reserveTokens; null before seeding"
  spotPrice: BigInt
  spotPriceDecimal: String
  """
  TWAP since the machine's stored observation (the previous harvest), wstETH per token (1e18): the pair's
  cumulative price of the token, accrued to this block's timestamp with the current reserves, minus the stored
  observationCumulative, over the elapsed seconds — what the next harvest's price guard compares spot against.
  null before seeding.
  """
  twapPrice: BigInt
  twapPriceDecimal: String
  twapWindowSeconds: BigInt
  "Σ over positions of their part allocated to this project, stETH wei"
  allocatedPrincipal: BigInt!
  allocatedPrincipalDecimal: String!
  "yield assigned and not yet harvested (as of a checkpoint now): stETH shares and stETH"
  pendingYieldShares: BigInt!
  pendingYieldStEth: BigInt!
  pendingYieldStEthDecimal: String!
  carryWstEth: BigInt!
  carryTokens: BigInt!
  lastHarvestEpoch: BigInt!
  "first second of the epoch after the last harvest: genesis + (lastHarvestEpoch + 1) × 86400"
  nextHarvestTime: BigInt!
  "isHarvestReady(projectId) at this block"
  harvestReady: Boolean!
  dailyEmission: BigInt!
  decayBps: Int!
  maxSupply: BigInt!
  emissionCap: BigInt!
  startTime: BigInt!
  "tokens emitted over the current epoch (all of it, contributor share included), token wei per day"
  emissionRatePerDay: BigInt!
  emissionRatePerDayDecimal: String!
  "the depositors' part: emissionRatePerDay × (10000 − contributorBps) / 10000"
  depositorEmissionPerDay: BigInt!
  "emittedUpTo(now): the schedule's cumulative emission (minted or still claimable)"
  emittedSupply: BigInt!
  emittedSupplyDecimal: String!
  "LP tokens held by the machine = protocol-owned liquidity, locked forever"
  lockedLiquidity: BigInt!
  "lockedLiquidity × reserveWstEth × 2 / LP totalSupply, wstETH wei"
  lockedLiquidityValueWstEth: BigInt!
  lockedLiquidityValueWstEthDecimal: String!
  """
  Estimated APR (a fraction: 0.05 = 5 %) of principal allocated to this project, from the current emission and price:
    apr = depositorEmissionPerDay × price / 1e18 × stEthPerWstEth / 1e18 × 365 / allocatedPrincipal
  price = spotPrice, or launchPrice before seeding. Ignores future decay, price moves and the staking yield itself
  (that goes to the project). null when no principal is allocated (a first depositor would earn all of it).
  """
  apr: Float
  "History (subgraph): harvests, newest first."
  harvests(first: Int = 10, skip: Int = 0): [Harvest!]
  "History (subgraph): one entry per UTC day with activity, newest first."
  daily(first: Int = 30, skip: Int = 0): [ProjectDay!]
  "History (subgraph): running totals."
  totals: ProjectTotals
}

type ProjectTotals {
  depositorCount: Int!
  cumulativeYieldStEth: BigInt!
  cumulativeBountyStEth: BigInt!
  cumulativeWstEthAdded: BigInt!
  cumulativeTokensBought: BigInt!
  cumulativeLiquidityMinted: BigInt!
  cumulativeClaimed: BigInt!
  harvestCount: Int!
}

type Harvest {
  id: ID!
  epoch: BigInt!
  seeding: Boolean!
  caller: Address!
  yieldShares: BigInt!
  yieldStEth: BigInt!
  bountyStEth: BigInt!
  wstEthWrapped: BigInt!
  wstEthSwapped: BigInt!
  tokensBought: BigInt!
  tokensSeeded: BigInt!
  wstEthAdded: BigInt!
  tokensAdded: BigInt!
  liquidityMinted: BigInt!
  spotPrice: BigInt!
  twapPrice: BigInt!
  poolPrice: BigInt!
  blockNumber: BigInt!
  timestamp: BigInt!
  transactionHash: Bytes!
}

type ProjectDay {
  dayId: Int!
  dayStartTimestamp: BigInt!
  allocatedPrincipal: BigInt!
  dailyYieldStEth: BigInt!
  cumulativeYieldStEth: BigInt!
  dailyWstEthAdded: BigInt!
  dailyTokensBought: BigInt!
  dailyLiquidityMinted: BigInt!
  cumulativeLiquidityMinted: BigInt!
  dailyHarvestCount: Int!
  reserveWstEth: BigInt!
  reserveTokens: BigInt!
  poolPriceClose: String
}

type Allocation {
  project: Project!
  bps: Int!
  "the position's principal allocated to this project, stETH wei"
  principal: BigInt!
  "project tokens claimable now (token wei)"
  pendingRewards: BigInt!
  pendingRewardsDecimal: String!
}

type Account {
  address: Address!
  block: Block!
  "principal the position can withdraw (stETH wei); 0 without a position"
  principal: BigInt!
  principalDecimal: String!
  hasPosition: Boolean!
  allocations: [Allocation!]!
  "the protocol's deficit status: during a deficit a withdrawal pays withdrawableNow and closes the position"
  deficit: DeficitStatus!
  "what a full withdrawal would pay now: principal, or principal × valueHeldForPrincipal / totalPrincipal in a deficit"
  withdrawableNow: BigInt!
  "History (subgraph): the account's deposits, newest first."
  deposits(first: Int = 10, skip: Int = 0): [Deposit!]
  "History (subgraph): the account's withdrawals, newest first."
  withdrawals(first: Int = 10, skip: Int = 0): [Withdrawal!]
  "History (subgraph): the account's claims, newest first."
  claims(first: Int = 10, skip: Int = 0): [Claim!]
}

type Deposit {
  id: ID!
  principalAdded: BigInt!
  sharesAdded: BigInt!
  principal: BigInt!
  projectIds: [Int!]!
  bps: [Int!]!
  blockNumber: BigInt!
  timestamp: BigInt!
  transactionHash: Bytes!
}

type Withdrawal {
  id: ID!
  receiver: Address!
  principalRemoved: BigInt!
  stEthPaid: BigInt!
  deficit: Boolean!
  principal: BigInt!
  blockNumber: BigInt!
  timestamp: BigInt!
  transactionHash: Bytes!
}

type Claim {
  id: ID!
  projectId: Int!
  receiver: Address!
  amount: BigInt!
  blockNumber: BigInt!
  timestamp: BigInt!
  transactionHash: Bytes!
}

type ProjectedAllocation {
  project: Project!
  bps: Int!
  "the part of principal this project gets"
  principal: BigInt!
  "the project's allocated principal after the action"
  projectAllocatedPrincipalAfter: BigInt!
  "expected project tokens per day at the current emission: depositorEmissionPerDay × principal / projectAllocatedPrincipalAfter"
  tokensPerDay: BigInt!
  tokensPerDayDecimal: String!
  "this line's APR (same formula as Project.apr with this line's numbers)"
  apr: Float
}

type DepositPreview {
  block: Block!
  "principal the position will hold: the stETH that actually arrives (share rounding can cost 1–2 wei)"
  principal: BigInt!
  sharesAdded: BigInt!
  allocations: [ProjectedAllocation!]!
  "the position's APR: Σ lines' stETH value per day × 365 / principal"
  apr: Float
}

type ReallocationPreview {
  block: Block!
  principal: BigInt!
  before: [ProjectedAllocation!]!
  allocations: [ProjectedAllocation!]!
  aprBefore: Float
  apr: Float
}

enum HarvestStatus {
  DONE
  ALREADY_HARVESTED
  NOTHING_TO_HARVEST
  PRICE_DEVIATION
  INSUFFICIENT_OUTPUT
}

type HarvestPreview {
  block: Block!
  projectId: Int!
  "the timestamp the preview ran at"
  at: BigInt!
  status: HarvestStatus!
  "true when this harvest would seed the pool at the launch price"
  seeding: Boolean!
  epoch: BigInt!
  yieldShares: BigInt!
  yieldStEth: BigInt!
  "the caller's bounty: min(yield × bountyBps / 10000, maxBounty)"
  bountyStEth: BigInt!
  wstEthWrapped: BigInt!
  wstEthSwapped: BigInt!
  tokensBought: BigInt!
  tokensSeeded: BigInt!
  wstEthAdded: BigInt!
  tokensAdded: BigInt!
  liquidityMinted: BigInt!
  carryWstEthOut: BigInt!
  carryTokensOut: BigInt!
  spotPrice: BigInt!
  twapPrice: BigInt!
  "pool price after the harvest, wstETH per token (1e18)"
  priceAfter: BigInt
  "(priceAfter − spotPrice) / spotPrice in bps; null when seeding or not DONE"
  priceImpactBps: Float
}

type WithdrawalPreview {
  block: Block!
  amount: BigInt!
  principalBefore: BigInt!
  principalAfter: BigInt!
  "stETH the receiver gets"
  stEthPaid: BigInt!
  stEthPaidDecimal: String!
  sharesPaid: BigInt!
  "true when the machine is in deficit: the withdrawal is pro rata and closes the position"
  deficit: Boolean!
  "amount − stEthPaid when positive (deficit loss plus share rounding)"
  shortfall: BigInt!
}
`;
