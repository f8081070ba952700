/**
 * The API's GraphQL schema (SDL). services/api/schema.graphql is this, printed; test/schema.test.ts fails when they
 * drift. Versioning: additive changes bump the minor version; removals and type changes bump the major version
 * and keep the old field deprecated for one major version.
 */
export const SCHEMA_VERSION = "2.1.0";

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
    bounty, wstETH added to the pending wstETH, and the deploy step it runs when one is due. Exactly the contract's
    arithmetic (domain model).
    """
    harvestPreview(projectId: ID!, at: BigInt): HarvestPreview!
    """
    What deploy(projectId) would do at \`at\` (default: the current block's timestamp): whether a step is due (else
    when it will be), and the step's numbers: wstETH swapped, tokens bought, liquidity added, bounty, prices.
    """
    deployPreview(projectId: ID!, at: BigInt): DeployPreview!
    """
    What withdraw(amount) would pay \`account\` now (amount defaults to the whole principal). In a deficit only a full
    withdrawal is possible and it pays its pro-rata share, available × principal / totalPrincipal shares (available: the
    shares held beyond the assigned yield). Either way the receiver gets those shares' stETH value.
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
    """
    harvest(projectId): permissionless, once per epoch; collects the yield into the project's pending wstETH, pays
    the caller a bounty, then runs one deploy step if one is due.
    """
    buildHarvest(projectId: ID!, from: Address): PreparedTx!
    "harvestMany(projectIds): harvests the ready ones, skips the others."
    buildHarvestMany(projectIds: [ID!]!, from: Address): PreparedTx!
    """
    deploy(projectId): one deploy step (permissionless, due every stepInterval while pending wstETH ≥ minDeploy; the
    first opens the pool); pays the caller a small wstETH bounty. Reverts TCM_StepNotDue / TCM_NothingToDeploy.
    """
    buildDeploy(projectId: ID!, from: Address): PreparedTx!
    "deployMany(projectIds): a step for each project whose step is due, skips the others."
    buildDeployMany(projectIds: [ID!]!, from: Address): PreparedTx!
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
    "tokens set aside inside maxSupply, never emitted, to open the pool at the launch price (1e15 .. maxSupply / 2)"
    seedReserve: BigInt!
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
    "only projects whose deploy step is (or is not) due now"
    deployReady: Boolean
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
    minHarvestValue: BigInt!
    "a deploy step's buy lifts the price at most this far above spot (bps)"
    maxImpactBps: Int!
    "seconds between two deploy steps of a project"
    stepIntervalSeconds: BigInt!
    "how long a price raised by others must hold before the steps follow it (seconds)"
    followWindowSeconds: BigInt!
    "a step's bounty: stepBountyBps of the wstETH it deployed, capped by maxStepBounty (wstETH wei)"
    stepBountyBps: Int!
    maxStepBounty: BigInt!
    "a step is due only with at least this much pending wstETH (MIN_DEPLOY)"
    minDeploy: BigInt!
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
    "Σ wstETH the harvests put into the projects' pending wstETH"
    totalWstEthWrapped: BigInt!
    totalWstEthAdded: BigInt!
    "Σ wstETH the deploy steps put into the pools (swapped + added), all projects"
    totalWstEthDeployed: BigInt!
    "Σ deploy-step bounties, wstETH"
    totalStepBountyWstEth: BigInt!
    "totalWstEthDeployed ÷ totalWstEthWrapped, 1e18 = 100 % (@tcm/domain deploymentRatio); null before any harvest"
    deploymentRatio: BigInt
    "deploymentRatio as a decimal fraction (\\"0.999\\" = 99.9 %)"
    deploymentRatioDecimal: String
    totalLiquidityMinted: BigInt!
    accountCount: Int!
    depositorCount: Int!
    depositCount: Int!
    withdrawalCount: Int!
    harvestCount: Int!
    deployStepCount: Int!
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
    "wstETH harvested (into pending) that day and since genesis, all projects"
    dailyWstEthWrapped: BigInt!
    cumulativeWstEthWrapped: BigInt!
    "wstETH deployed into the pools (swapped + added) that day and since genesis, all projects"
    dailyWstEthDeployed: BigInt!
    cumulativeWstEthDeployed: BigInt!
    "cumulativeWstEthDeployed ÷ cumulativeWstEthWrapped at the day's close, 1e18 = 100 % (@tcm/domain deploymentRatio)"
    deploymentRatio: BigInt
    deploymentRatioDecimal: String
    dailyWstEthAdded: BigInt!
    cumulativeWstEthAdded: BigInt!
    dailyHarvestCount: Int!
    dailyDeployStepCount: Int!
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
    "true once the first deploy step opened (seeded) the pool at the launch price"
    seeded: Boolean!
    "wstETH per token, 1e18 scale"
    launchPrice: BigInt!
    launchPriceDecimal: String!
    "spot price, wstETH per token (1e18), as the machine converts it: ((reserveWstEth << 112) / reserveTokens) × 1e18 >> 112; null before the pool opens"
    spotPrice: BigInt
    spotPriceDecimal: String
    """
    The price the machine trusts, wstETH per token (1e18, rounded down): the price its own last trading step (or the
    opening) left, or a higher one it followed after it held for a whole followWindow. A step trades only when spot
    is at or below it. null before the pool opens.
    """
    referencePrice: BigInt
    referencePriceDecimal: String
    "Σ over positions of their part allocated to this project, stETH wei"
    allocatedPrincipal: BigInt!
    allocatedPrincipalDecimal: String!
    "yield assigned and not yet harvested (as of a checkpoint now): stETH shares and stETH"
    pendingYieldShares: BigInt!
    pendingYieldStEth: BigInt!
    pendingYieldStEthDecimal: String!
    "harvested wstETH waiting for the deploy steps to put it into the pool"
    pendingWstEth: BigInt!
    pendingWstEthDecimal: String!
    "tokens bought and not yet added as liquidity (carried to the next step)"
    carryTokens: BigInt!
    "tokens set aside inside maxSupply to open the pool at the launch price"
    seedReserve: BigInt!
    lastHarvestEpoch: BigInt!
    "first second of the epoch after the last harvest: genesis + (lastHarvestEpoch + 1) × 86400"
    nextHarvestTime: BigInt!
    "isHarvestReady(projectId) at this block"
    harvestReady: Boolean!
    "when the last deploy step ran (0 before any)"
    lastStepTime: BigInt!
    "nextDeployTime(projectId): lastStepTime + stepInterval (a step is due then if pendingWstEth ≥ minDeploy)"
    nextDeployTime: BigInt!
    "isDeployReady(projectId) at this block"
    deployReady: Boolean!
    dailyEmission: BigInt!
    decayBps: Int!
    maxSupply: BigInt!
    emissionCap: BigInt!
    startTime: BigInt!
    "tokens emitted over the next 24 hours, emittedUpTo(now + 1 day) − emittedUpTo(now) (all of it, contributor share included), token wei"
    emissionRatePerDay: BigInt!
    emissionRatePerDayDecimal: String!
    "the depositors' part, rounded as the contract accrues it: emissionRatePerDay − floor(emissionRatePerDay × contributorBps / 10000)"
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
      apr = tokensPerDay × price / 1e18 × stEthPerWstEth / 1e18 × 365 / allocatedPrincipal
    with tokensPerDay what allocatedPrincipal earns of depositorEmissionPerDay by the reward index's arithmetic.
    price = spotPrice, or launchPrice before seeding. Ignores future decay, price moves and the staking yield itself
    (that goes to the project). null when no principal is allocated (a first depositor would earn all of it).
    """
    apr: Float
    "History (subgraph): harvests (the yield collected into pending wstETH), newest first."
    harvests(first: Int = 10, skip: Int = 0): [Harvest!]
    "History (subgraph): deploy steps (the first opened the pool), newest first."
    deploySteps(first: Int = 10, skip: Int = 0): [DeployStep!]
    "History (subgraph): one entry per UTC day with activity, newest first."
    daily(first: Int = 30, skip: Int = 0): [ProjectDay!]
    "History (subgraph): running totals."
    totals: ProjectTotals
    """
    History (subgraph): where the harvested yield stands: wstETH harvested and deployed into the pool (since genesis
    and today), the deployment ratio, step bounties and the last deploy step. The pending wstETH itself is the live
    \`pendingWstEth\`; the next step time \`nextDeployTime\`.
    """
    deployment: ProjectDeployment
  }

  """
  A project's harvested wstETH and where it went (from the subgraph, at its indexed block): harvested = deployed + step
  bounties + pending. "Today" is the UTC day (timestamp / 86400) of the block this response reads.
  """
  type ProjectDeployment {
    "the UTC day number (timestamp / 86400) the \`…Today\` fields cover"
    day: Int!
    "wstETH the harvests collected into the pending wstETH since genesis (Σ HarvestReport.wstEthWrapped)"
    harvestedWstEth: BigInt!
    harvestedWstEthToday: BigInt!
    "wstETH the deploy steps put into the pool since genesis: swapped for tokens + added as liquidity"
    deployedWstEth: BigInt!
    deployedWstEthToday: BigInt!
    "wstETH paid as deploy-step bounties (not deployed)"
    stepBountiesWstEth: BigInt!
    stepBountiesWstEthToday: BigInt!
    deployStepCount: Int!
    deployStepsToday: Int!
    """
    deployedWstEth ÷ harvestedWstEth, 1e18 = 100 % (@tcm/domain deploymentRatio, rounded down); null before any
    harvest. All pending deployed, it stands at ≈ 10000 / (10000 + stepBountyBps) (99.9 % with 10 bps).
    """
    deploymentRatio: BigInt
    "deploymentRatio as a decimal fraction (\\"0.999\\" = 99.9 %)"
    deploymentRatioDecimal: String
    "the project's latest deploy step (null before the first)"
    lastStep: DeployStep
  }

  type ProjectTotals {
    depositorCount: Int!
    cumulativeYieldStEth: BigInt!
    cumulativeBountyStEth: BigInt!
    cumulativeWstEthWrapped: BigInt!
    cumulativeWstEthAdded: BigInt!
    "wstETH deployed into the pool (swapped + added)"
    cumulativeWstEthDeployed: BigInt!
    cumulativeTokensBought: BigInt!
    cumulativeLiquidityMinted: BigInt!
    cumulativeStepBountyWstEth: BigInt!
    cumulativeClaimed: BigInt!
    harvestCount: Int!
    deployStepCount: Int!
  }

  "A harvest: the project's yield collected into its pending wstETH."
  type Harvest {
    id: ID!
    epoch: BigInt!
    caller: Address!
    yieldShares: BigInt!
    yieldStEth: BigInt!
    bountyStEth: BigInt!
    wstEthWrapped: BigInt!
    "the project's pending wstETH after the collection"
    pendingWstEth: BigInt!
    blockNumber: BigInt!
    timestamp: BigInt!
    transactionHash: Bytes!
  }

  "A deploy step (the contract's DeployReport). Prices are wstETH per token (1e18)."
  type DeployStep {
    id: ID!
    caller: Address!
    "true for the step that opened the pool at the launch price"
    opening: Boolean!
    "true when spot was at or below the reference price, so the step could trade"
    traded: Boolean!
    pendingIn: BigInt!
    wstEthSwapped: BigInt!
    tokensBought: BigInt!
    tokensSeeded: BigInt!
    wstEthAdded: BigInt!
    tokensAdded: BigInt!
    liquidityMinted: BigInt!
    "the caller's bounty, wstETH"
    bounty: BigInt!
    pendingOut: BigInt!
    carryTokensOut: BigInt!
    spotPrice: BigInt!
    referencePrice: BigInt!
    ceilingPrice: BigInt!
    "pool price after the step"
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
    "wstETH harvested (into pending) that day and since genesis"
    dailyWstEthWrapped: BigInt!
    cumulativeWstEthWrapped: BigInt!
    "wstETH deployed into the pool (swapped + added) that day and since genesis"
    dailyWstEthDeployed: BigInt!
    cumulativeWstEthDeployed: BigInt!
    "cumulativeWstEthDeployed ÷ cumulativeWstEthWrapped at the day's close, 1e18 = 100 % (@tcm/domain deploymentRatio)"
    deploymentRatio: BigInt
    deploymentRatioDecimal: String
    dailyWstEthAdded: BigInt!
    dailyTokensBought: BigInt!
    dailyLiquidityMinted: BigInt!
    cumulativeLiquidityMinted: BigInt!
    dailyHarvestCount: Int!
    dailyDeployStepCount: Int!
    "the project's pending wstETH at the end of the day"
    pendingWstEth: BigInt!
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
    "what a full withdrawal would pay now (stETH): withdrawalPreview's stEthPaid for the whole principal, normal or in a deficit"
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
    "expected project tokens per day at the current emission, by the reward index's arithmetic: floor(principal × floor(depositorEmissionPerDay × 2^64 / projectAllocatedPrincipalAfter) / 2^64)"
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
  }

  type HarvestPreview {
    block: Block!
    projectId: Int!
    "the timestamp the preview ran at"
    at: BigInt!
    status: HarvestStatus!
    epoch: BigInt!
    yieldShares: BigInt!
    yieldStEth: BigInt!
    "the caller's bounty: min(yield × bountyBps / 10000, maxBounty)"
    bountyShares: BigInt!
    bountyStEth: BigInt!
    "wstETH the yield after the bounty wraps into, added to the pending wstETH"
    wstEthWrapped: BigInt!
    "the project's pending wstETH after the collection"
    pendingWstEth: BigInt!
    "the deploy step the harvest runs after the collection, when one is due (null otherwise); the first opens the pool"
    deployStep: DeployStepPreview
  }

  enum DeployStatus {
    "a step is due and would run"
    DONE
    "pending wstETH below minDeploy"
    NOTHING_TO_DEPLOY
    "stepInterval has not passed since the last step: see readyAt"
    STEP_NOT_DUE
  }

  "What a deploy step does (the contract's DeployReport). Prices are wstETH per token (1e18)."
  type DeployStepPreview {
    "true when the step opens the pool at the launch price"
    opening: Boolean!
    pendingIn: BigInt!
    carryTokensIn: BigInt!
    wstEthSwapped: BigInt!
    tokensBought: BigInt!
    tokensSeeded: BigInt!
    wstEthAdded: BigInt!
    tokensAdded: BigInt!
    liquidityMinted: BigInt!
    "the caller's bounty, wstETH"
    bounty: BigInt!
    pendingOut: BigInt!
    carryTokensOut: BigInt!
    "spot before the step (after it for the opening), the reference price it trusted, the buy ceiling (0: no trade)"
    spotPrice: BigInt!
    referencePrice: BigInt!
    ceilingPrice: BigInt!
    reserveWstEth: BigInt!
    reserveTokens: BigInt!
    lpTotalSupply: BigInt!
    "pool price after the step"
    priceAfter: BigInt
    "how far the step moved the spot price (its buy and its add): (priceAfter − spotPrice) × 10000 / spotPrice, bps; null for the opening"
    priceImpactBps: Float
  }

  type DeployPreview {
    block: Block!
    projectId: Int!
    "the timestamp the preview ran at"
    at: BigInt!
    status: DeployStatus!
    "when a step may run (nextDeployTime)"
    readyAt: BigInt!
    pendingWstEth: BigInt!
    "the step, when DONE"
    step: DeployStepPreview
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
