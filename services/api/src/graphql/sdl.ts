/**
 * The API's GraphQL schema (SDL). services/api/schema.graphql is this, printed; test/schema.test.ts fails when they
 * drift. Versioning: additive changes bump the minor version; removals and type changes bump the major version
 * and keep the old field deprecated for one major version.
 */
export const SCHEMA_VERSION = "2.2.0";

export const sdl = /* GraphQL */ `
  """
  An unsigned integer in raw on-chain units (wei of stETH or wstETH, stETH shares, token wei, LP wei, seconds), as a
  decimal string. Inputs accept a decimal string or a JSON integer up to 2^53.
  """
  scalar BigInt

  "A 20-byte hex address with 0x prefix. Mixed case must carry a valid EIP-55 checksum; outputs are checksummed."
  scalar Address

  "0x-prefixed hex bytes (calldata, transaction hashes, event ids)."
  scalar Bytes

  """
  The size of a page: an integer from 1 to 100. Anything else is refused before execution (HTTP 400, BAD_USER_INPUT
  naming the argument).
  """
  scalar PageSize

  """
  An opaque position in a paged list: pass the previous page's \`pageInfo.endCursor\` as \`after\`. A string that is not
  such a cursor is refused before execution (HTTP 400, BAD_USER_INPUT naming the argument).
  """
  scalar Cursor

  """
  Reads. Live fields read the chain at one block per response (\`block\`). History fields (marked "History (subgraph)")
  are nullable: when the subgraph is down or behind they are null with a GraphQL error (extensions.code
  HISTORY_UNAVAILABLE) while every live field still answers (HTTP 200, partial data).
  """
  type Query {
    "The API's schema version, chain and deployment."
    apiVersion: ApiVersion!
    "Protocol-wide live state at the current block, with its daily history from the subgraph."
    protocol: Protocol!
    "Projects, paginated with an opaque cursor (pass pageInfo.endCursor as \`after\`). first: 1..100."
    projects(
      "only the projects that match every given condition (omit for all)"
      filter: ProjectFilter
      "what the list is sorted by (ties by project id)"
      orderBy: ProjectOrderBy = ID
      "ascending or descending"
      orderDirection: OrderDirection = ASC
      "page size, 1..100"
      first: Int = 20
      "the previous page's pageInfo.endCursor (same orderBy and orderDirection)"
      after: String
    ): ProjectConnection!
    "One project by its on-chain id (\\"1\\", \\"2\\", …); null when no such project exists."
    project(
      "the on-chain projectId as a decimal string (\\"1\\"); not a non-negative integer: BAD_USER_INPUT"
      id: ID!
    ): Project
    "An account's position, live; its history from the subgraph."
    account("the account (any address; one without a position answers hasPosition: false)" address: Address!): Account!
    """
    What deposit(amount, allocation) would do now, computed with the domain model over this block's chain state:
    the principal credited (what actually arrives after stETH share rounding), each project's part, expected tokens
    per day and APR. With \`account\` the preview uses that account's stETH balance and existing position (a second
    deposit reverts TCM_PositionExists: use topUp).
    """
    depositPreview(
      "stETH to deposit, wei"
      amount: BigInt!
      "1..8 lines, ascending project ids, bps summing to 10000"
      allocation: [AllocationInput!]!
      "the depositor (default: an account without stETH limits or a position)"
      account: Address
    ): DepositPreview!
    "What reallocate(allocation) would do for \`account\` now: its lines before and after, tokens per day and APR."
    reallocationPreview(
      "the account whose position is re-split (it must have one)"
      account: Address!
      "the new split: 1..8 lines, ascending project ids, bps summing to 10000"
      allocation: [AllocationInput!]!
    ): ReallocationPreview!
    """
    What harvest(projectId) would do at \`at\` (a unix timestamp; default: the current block's): status, yield,
    bounty, wstETH added to the pending wstETH, and the deploy step it runs when one is due. Exactly the contract's
    arithmetic (domain model).
    """
    harvestPreview(
      "the project to harvest (\\"1\\", \\"2\\", …)"
      projectId: ID!
      "unix timestamp to preview at, seconds (default: the current block's)"
      at: BigInt
    ): HarvestPreview!
    """
    What deploy(projectId) would do at \`at\` (default: the current block's timestamp): whether a step is due (else
    when it will be), and the step's numbers: wstETH swapped, tokens bought, liquidity added, bounty, prices.
    """
    deployPreview(
      "the project whose deploy step is previewed (\\"1\\", \\"2\\", …)"
      projectId: ID!
      "unix timestamp to preview at, seconds (default: the current block's)"
      at: BigInt
    ): DeployPreview!
    """
    What withdraw(amount) would pay \`account\` now (amount defaults to the whole principal). In a deficit only a full
    withdrawal is possible and it pays its pro-rata share, available × principal / totalPrincipal shares (available: the
    shares held beyond the assigned yield). Either way the receiver gets those shares' stETH value.
    """
    withdrawalPreview(
      "the account that withdraws (it must have a position)"
      account: Address!
      "principal to withdraw, stETH wei (default: all of it)"
      amount: BigInt
    ): WithdrawalPreview!
  }

  """
  Transaction builders: each returns a transaction to sign and send ({to, data, value, gasEstimate}); nothing is
  sent by the API. Inputs are validated as the contract would (errors name the input: \`allocation[1].bps\`). With
  \`from\`, gasEstimate is eth_estimateGas as that sender, and a would-be revert is reported with its decoded error.
  """
  type Mutation {
    "stETH.approve(machine, amount) — needed once before deposit/topUp. Omit amount for an unlimited approval."
    buildApproveStEth(
      "stETH wei the machine may take (default: unlimited, 2^256 − 1)"
      amount: BigInt
      "the sender, for gasEstimate and revert checks"
      from: Address
    ): PreparedTx!
    "deposit(amount, allocation): opens a position. Allocation: 1..8 projects, ascending ids, bps summing to 10000."
    buildDeposit(
      "stETH to deposit, wei"
      amount: BigInt!
      "1..8 lines, ascending project ids, bps summing to 10000"
      allocation: [AllocationInput!]!
      "the sender, for gasEstimate and revert checks"
      from: Address
    ): PreparedTx!
    "topUp(amount): more principal into the existing position, same allocation."
    buildTopUp(
      "stETH to add, wei"
      amount: BigInt!
      "the sender, for gasEstimate and revert checks"
      from: Address
    ): PreparedTx!
    "reallocate(allocation): a new split of the position's yield."
    buildReallocate(
      "the new split: 1..8 lines, ascending project ids, bps summing to 10000"
      allocation: [AllocationInput!]!
      "the sender, for gasEstimate and revert checks"
      from: Address
    ): PreparedTx!
    "withdraw(amount, receiver): principal back as stETH."
    buildWithdraw(
      "principal to withdraw, stETH wei"
      amount: BigInt!
      "who receives the stETH"
      receiver: Address!
      "the sender (the position's owner), for gasEstimate and revert checks"
      from: Address
    ): PreparedTx!
    "claim(projectIds, receiver): mints the pending project tokens."
    buildClaim(
      "the projects whose pending tokens are claimed (\\"1\\", \\"2\\", …)"
      projectIds: [ID!]!
      "who receives the tokens"
      receiver: Address!
      "the sender (the position's owner), for gasEstimate and revert checks"
      from: Address
    ): PreparedTx!
    """
    harvest(projectId): permissionless, once per epoch; collects the yield into the project's pending wstETH, pays
    the caller a bounty, then runs one deploy step if one is due.
    """
    buildHarvest(
      "the project to harvest"
      projectId: ID!
      "the sender (the keeper), for gasEstimate and revert checks"
      from: Address
    ): PreparedTx!
    "harvestMany(projectIds): harvests the ready ones, skips the others."
    buildHarvestMany(
      "the projects to harvest"
      projectIds: [ID!]!
      "the sender (the keeper), for gasEstimate and revert checks"
      from: Address
    ): PreparedTx!
    """
    deploy(projectId): one deploy step (permissionless, due every stepInterval while pending wstETH ≥ minDeploy; the
    first opens the pool); pays the caller a small wstETH bounty. Reverts TCM_StepNotDue / TCM_NothingToDeploy.
    """
    buildDeploy(
      "the project whose step runs"
      projectId: ID!
      "the sender (the keeper), for gasEstimate and revert checks"
      from: Address
    ): PreparedTx!
    "deployMany(projectIds): a step for each project whose step is due, skips the others."
    buildDeployMany(
      "the projects whose steps run when due"
      projectIds: [ID!]!
      "the sender (the keeper), for gasEstimate and revert checks"
      from: Address
    ): PreparedTx!
    "launchProject(params): deploys the project's token and pair and registers it."
    buildLaunchProject(
      "the launch parameters (checked against the contract's bounds; errors name the parameter)"
      params: LaunchProjectInput!
      "the sender (the project's owner), for gasEstimate and revert checks"
      from: Address
    ): PreparedTx!
  }

  "Which schema, chain and contracts this API serves."
  type ApiVersion {
    "Semantic version of this schema (additive changes bump the minor version)."
    schema: String!
    "the chain id of the RPC the API reads (31337 on the devnet)"
    chainId: Int!
    "the TechnoCapitalMachine contract"
    machine: Address!
    "the stETH token (Lido's on mainnet, a mock on the devnet)"
    stETH: Address!
    "the wstETH token every pool pairs against"
    wstETH: Address!
  }

  "The block every live field of a response was read at (one block per response)."
  type Block {
    "block number"
    number: BigInt!
    "block timestamp, unix seconds"
    timestamp: BigInt!
  }

  "One line of a split: a project and its share of the position's yield."
  input AllocationInput {
    "the project's on-chain id (1, 2, …); lines in ascending order"
    projectId: Int!
    "basis points of the position's yield (1..10000); all entries sum to 10000"
    bps: Int!
  }

  "The parameters of launchProject (DESIGN §2.2). Amounts in token wei (18 decimals) unless stated."
  input LaunchProjectInput {
    "the token's name (1..64 bytes)"
    name: String!
    "the token's symbol (1..16 bytes)"
    symbol: String!
    "where the project describes itself (any URI; default empty)"
    metadataURI: String
    "wstETH per token, 1e18 scale"
    launchPrice: BigInt!
    "tokens per epoch (day), token wei"
    dailyEmission: BigInt!
    "per-epoch emission decay in bps"
    decayBps: Int!
    "hard cap of the token's supply: emissions, the contributor share and the pool's seed together"
    maxSupply: BigInt!
    "tokens set aside inside maxSupply, never emitted, to open the pool at the launch price (1e15 .. maxSupply / 2)"
    seedReserve: BigInt!
    "share of emissions for contributors, bps"
    contributorBps: Int!
    "required when contributorBps > 0"
    contributorRecipient: Address
  }

  "A transaction to sign and send yourself (the API holds no keys)."
  type PreparedTx {
    "the contract to call"
    to: Address!
    "the calldata"
    data: Bytes!
    "ether to send, wei"
    value: BigInt!
    "eth_estimateGas as \`from\` (null without \`from\`); add a margin when sending"
    gasEstimate: BigInt
    "the chain the transaction is for (sign with this chain id)"
    chainId: Int!
  }

  "Sort direction."
  enum OrderDirection {
    "smallest first"
    ASC
    "largest first"
    DESC
  }

  "What Query.projects is sorted by (ties by project id)."
  enum ProjectOrderBy {
    "the on-chain project id"
    ID
    "allocatedPrincipal"
    ALLOCATED_PRINCIPAL
    "lockedLiquidityValueWstEth (the POL's value)"
    LOCKED_LIQUIDITY_VALUE
    "apr (projects without an APR sort as −1)"
    APR
  }

  "Conditions on Query.projects; omitted ones do not filter."
  input ProjectFilter {
    "only projects whose pool is (or is not) seeded"
    seeded: Boolean
    "only projects whose harvest is (or is not) ready now"
    harvestReady: Boolean
    "only projects whose deploy step is (or is not) due now"
    deployReady: Boolean
    "case-insensitive substring of the token's name or symbol"
    search: String
    "only these project ids (\\"1\\", \\"2\\", …)"
    ids: [ID!]
  }

  "Where a page ends and whether another follows."
  type PageInfo {
    "true when more items follow this page"
    hasNextPage: Boolean!
    "pass as \`after\` for the next page (null on an empty page)"
    endCursor: String
  }

  "A page of projects."
  type ProjectConnection {
    "the block the projects were read at"
    block: Block!
    "projects matching the filter, over all pages"
    totalCount: Int!
    "this page's projects"
    nodes: [Project!]!
    "where this page ends"
    pageInfo: PageInfo!
  }

  "Whether the machine holds less stETH than its principal needs (DESIGN §2.1: excess < 0), read live."
  type DeficitStatus {
    "true while in deficit: deposits refused, withdrawals paid pro rata, no yield assigned"
    inDeficit: Boolean!
    "stETH shares the machine holds"
    sharesHeld: BigInt!
    "stETH shares the total principal needs (rounded up) plus the yield already assigned to projects"
    sharesRequired: BigInt!
    "stETH the machine holds for principal (what a deficit withdrawal is paid pro rata from)"
    valueHeldForPrincipal: BigInt!
  }

  "The machine's parameters (immutable after deployment)."
  type ProtocolConfig {
    "length of an epoch (the harvest period), seconds: 86400"
    epochSeconds: BigInt!
    "unix time epoch 0 starts (epochs count from here)"
    genesis: BigInt!
    "a harvest's bounty, bps of its yield"
    bountyBps: Int!
    "cap of a harvest's bounty, stETH wei"
    maxBounty: BigInt!
    "a harvest below this much yield (stETH wei) reverts NothingToHarvest"
    minHarvestValue: BigInt!
    "a deploy step's buy lifts the price at most this far above spot (bps)"
    maxImpactBps: Int!
    "seconds between two deploy steps of a project"
    stepIntervalSeconds: BigInt!
    "how long a price raised by others must hold before the steps follow it (seconds)"
    followWindowSeconds: BigInt!
    "a step's bounty: stepBountyBps of the wstETH it deployed, capped by maxStepBounty (wstETH wei)"
    stepBountyBps: Int!
    "cap of a deploy step's bounty, wstETH wei"
    maxStepBounty: BigInt!
    "a step is due only with at least this much pending wstETH (MIN_DEPLOY)"
    minDeploy: BigInt!
  }

  "The whole machine: live state at the response's block, its totals and days from the subgraph."
  type Protocol {
    "the block this was read at"
    block: Block!
    "the chain id"
    chainId: Int!
    "the TechnoCapitalMachine contract"
    machine: Address!
    "the guardian (may pause deposits and harvests; never withdrawals or claims)"
    guardian: Address!
    "Σ principal of all positions, stETH wei"
    totalPrincipal: BigInt!
    "totalPrincipal in stETH (decimal string)"
    totalPrincipalDecimal: String!
    "projects launched"
    projectCount: Int!
    "the current epoch: (block timestamp − genesis) / epochSeconds"
    currentEpoch: BigInt!
    "true while the guardian pauses new deposits"
    depositsPaused: Boolean!
    "true while the guardian pauses harvests"
    harvestsPaused: Boolean!
    "global yield index (shares per principal, 2^32 scale)"
    accYieldIndex: BigInt!
    "whether the machine is in deficit now"
    deficit: DeficitStatus!
    "the machine's parameters"
    config: ProtocolConfig!
    "stETH per wstETH, 1e18 scale"
    stEthPerWstEth: BigInt!
    "Σ over projects of Project.pendingYieldStEth"
    totalPendingYieldStEth: BigInt!
    "Σ over projects of Project.lockedLiquidityValueWstEth"
    totalLockedLiquidityValueWstEth: BigInt!
    "totalLockedLiquidityValueWstEth in wstETH (decimal string)"
    totalLockedLiquidityValueWstEthDecimal: String!
    "History (subgraph): running totals since genesis. Errors (partial data) when the subgraph is down or behind."
    totals: ProtocolTotals
    "History (subgraph): one entry per UTC day with activity, newest first."
    daily("days per page, 1..100" first: Int = 30, "days to skip (newest first), 0..5000" skip: Int = 0): [ProtocolDay!]
  }

  "The protocol's running totals since genesis (subgraph)."
  type ProtocolTotals {
    "Σ principal added by deposits and top-ups, stETH wei (what actually arrived)"
    cumulativeDeposited: BigInt!
    "Σ principal removed by withdrawals, stETH wei"
    cumulativeWithdrawn: BigInt!
    "Σ yield harvested, stETH wei at harvest time"
    totalYieldStEth: BigInt!
    "Σ harvest bounties paid to keepers, stETH wei"
    totalBountyStEth: BigInt!
    "Σ wstETH the harvests put into the projects' pending wstETH"
    totalWstEthWrapped: BigInt!
    "Σ wstETH added to the pools as liquidity by deploy steps (the openings included)"
    totalWstEthAdded: BigInt!
    "Σ wstETH the deploy steps put into the pools (swapped + added), all projects"
    totalWstEthDeployed: BigInt!
    "Σ deploy-step bounties, wstETH"
    totalStepBountyWstEth: BigInt!
    "totalWstEthDeployed ÷ totalWstEthWrapped, 1e18 = 100 % (@tcm/domain deploymentRatio); null before any harvest"
    deploymentRatio: BigInt
    "deploymentRatio as a decimal fraction (\\"0.999\\" = 99.9 %)"
    deploymentRatioDecimal: String
    "Σ LP tokens minted to the machine over all pairs (locked forever)"
    totalLiquidityMinted: BigInt!
    "accounts that ever held a position"
    accountCount: Int!
    "accounts with an open position"
    depositorCount: Int!
    "deposits (positions opened) since genesis"
    depositCount: Int!
    "withdrawals since genesis"
    withdrawalCount: Int!
    "harvests since genesis"
    harvestCount: Int!
    "deploy steps since genesis (pool openings included)"
    deployStepCount: Int!
    "depositors' claims since genesis"
    claimCount: Int!
    "the block of the latest event these totals include"
    indexedBlock: BigInt!
  }

  """
  One UTC day of the protocol (subgraph; a day without any event has no entry). Amounts at the day's close are
  as of its last event; closeBlock and inDeficit are read from the chain.
  """
  type ProtocolDay {
    "the UTC day number: timestamp / 86400"
    dayId: Int!
    "dayId × 86400, unix seconds"
    dayStartTimestamp: BigInt!
    "Σ principal at the day's close, stETH wei"
    totalPrincipal: BigInt!
    "accounts with an open position at the day's close"
    depositorCount: Int!
    "projects launched by the day's close"
    projectCount: Int!
    "principal added that day by deposits and top-ups, stETH wei"
    dailyDeposited: BigInt!
    "principal removed that day by withdrawals, stETH wei"
    dailyWithdrawn: BigInt!
    "yield harvested that day, stETH wei"
    dailyYieldStEth: BigInt!
    "yield harvested since genesis, stETH wei"
    cumulativeYieldStEth: BigInt!
    "wstETH harvested (into pending) that day, all projects"
    dailyWstEthWrapped: BigInt!
    "wstETH harvested since genesis, all projects"
    cumulativeWstEthWrapped: BigInt!
    "wstETH deployed into the pools (swapped + added) that day, all projects"
    dailyWstEthDeployed: BigInt!
    "wstETH deployed into the pools since genesis, all projects"
    cumulativeWstEthDeployed: BigInt!
    "cumulativeWstEthDeployed ÷ cumulativeWstEthWrapped at the day's close, 1e18 = 100 % (@tcm/domain deploymentRatio)"
    deploymentRatio: BigInt
    "deploymentRatio as a decimal fraction (\\"0.999\\" = 99.9 %)"
    deploymentRatioDecimal: String
    "wstETH added as liquidity that day (part of dailyWstEthDeployed)"
    dailyWstEthAdded: BigInt!
    "wstETH added as liquidity since genesis"
    cumulativeWstEthAdded: BigInt!
    "harvests that day"
    dailyHarvestCount: Int!
    "deploy steps that day"
    dailyDeployStepCount: Int!
    "deposits (positions opened) that day"
    dailyDepositCount: Int!
    """
    The last block of the day (its timestamp before the next day starts), or the response's block while the day runs;
    null when the chain cannot be read.
    """
    closeBlock: BigInt
    """
    Whether the machine was in deficit (DESIGN §2.1: shares held below what principal and assigned yield need) at
    any time of the day. The contract's deficitStatus (@tcm/chain) changes only when stETH's balances move, so it is
    read where the day starts (the previous day's last block), after each stETH rebase of the day (Lido's
    TokenRebased, the devnet mock's Rebased) and at closeBlock. null when the RPC no longer serves closeBlock's state
    (an archive node does). Consecutive true days are the deficit periods.
    """
    inDeficit: Boolean
  }

  "A project's ERC-20 token (EIP-2612 permit; minted only by the machine)."
  type Token {
    "the token contract"
    address: Address!
    "the token's name"
    name: String!
    "the token's symbol"
    symbol: String!
    "always 18"
    decimals: Int!
    "tokens in existence now (claimed emissions, contributor share, the pool's seed), token wei"
    totalSupply: BigInt!
    "totalSupply in tokens (decimal string)"
    totalSupplyDecimal: String!
    "the hard cap, token wei"
    maxSupply: BigInt!
  }

  "The project's Uniswap V2 pair against wstETH, read live."
  type Pair {
    "the pair contract"
    address: Address!
    "the pair's token0 (the lower address of the project token and wstETH)"
    token0: Address!
    "the pair's token1"
    token1: Address!
    "wstETH in the pool (getReserves), wei"
    reserveWstEth: BigInt!
    "project tokens in the pool (getReserves), token wei"
    reserveTokens: BigInt!
    "LP total supply"
    totalSupply: BigInt!
    "LP held by the machine (locked forever)"
    lpHeldByMachine: BigInt!
    "the pair's last reserve update, unix seconds (mod 2^32)"
    blockTimestampLast: BigInt!
    "Uniswap V2's cumulative price of token0 in token1 (UQ112x112 × seconds), for TWAPs"
    price0CumulativeLast: BigInt!
    "Uniswap V2's cumulative price of token1 in token0 (UQ112x112 × seconds), for TWAPs"
    price1CumulativeLast: BigInt!
  }

  "A launched project: live state at the response's block, its history from the subgraph."
  type Project {
    "the on-chain projectId as a decimal string"
    id: ID!
    "the on-chain projectId"
    projectId: Int!
    "the token's name"
    name: String!
    "the token's symbol"
    symbol: String!
    "where the project describes itself (set by its owner)"
    metadataURI: String!
    "the project's owner (edits metadata, lowers the contributor share; never touches deposits, yield or liquidity)"
    owner: Address!
    "who receives the contributor share of emissions"
    contributorRecipient: Address!
    "the contributor share of emissions, bps (can only be lowered)"
    contributorBps: Int!
    "the project's token"
    token: Token!
    "the project's pool"
    pair: Pair!
    "true once the first deploy step opened (seeded) the pool at the launch price"
    seeded: Boolean!
    "wstETH per token, 1e18 scale"
    launchPrice: BigInt!
    "launchPrice in wstETH per token (decimal string)"
    launchPriceDecimal: String!
    "spot price, wstETH per token (1e18), as the machine converts it: ((reserveWstEth << 112) / reserveTokens) × 1e18 >> 112; null before the pool opens"
    spotPrice: BigInt
    "spotPrice in wstETH per token (decimal string)"
    spotPriceDecimal: String
    """
    The price the machine trusts, wstETH per token (1e18, rounded down): the price its own last trading step (or the
    opening) left or, once spot has been above it for a whole followWindow, the higher price the pool held on
    average over that window (min(spot, TWAP)). A step trades only while spot is below it plus the impact band
    (maxImpactBps). null before the pool opens.
    """
    referencePrice: BigInt
    "referencePrice in wstETH per token (decimal string)"
    referencePriceDecimal: String
    "Σ over positions of their part allocated to this project, stETH wei"
    allocatedPrincipal: BigInt!
    "allocatedPrincipal in stETH (decimal string)"
    allocatedPrincipalDecimal: String!
    "yield assigned and not yet harvested (as of a checkpoint now): stETH shares and stETH"
    pendingYieldShares: BigInt!
    "pendingYieldShares' stETH value, wei"
    pendingYieldStEth: BigInt!
    "pendingYieldStEth in stETH (decimal string)"
    pendingYieldStEthDecimal: String!
    "harvested wstETH waiting for the deploy steps to put it into the pool"
    pendingWstEth: BigInt!
    "pendingWstEth in wstETH (decimal string)"
    pendingWstEthDecimal: String!
    "tokens bought and not yet added as liquidity (carried to the next step)"
    carryTokens: BigInt!
    "tokens set aside inside maxSupply to open the pool at the launch price"
    seedReserve: BigInt!
    "the epoch of the last harvest"
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
    "tokens emitted in the first epoch, token wei (each later epoch decays by decayBps)"
    dailyEmission: BigInt!
    "per-epoch decay of the emission, bps"
    decayBps: Int!
    "the token's hard cap, token wei"
    maxSupply: BigInt!
    "the most the schedule ever emits: maxSupply − seedReserve, token wei"
    emissionCap: BigInt!
    "when emission starts (the launch), unix seconds"
    startTime: BigInt!
    "tokens emitted over the next 24 hours, emittedUpTo(now + 1 day) − emittedUpTo(now) (all of it, contributor share included), token wei"
    emissionRatePerDay: BigInt!
    "emissionRatePerDay in tokens (decimal string)"
    emissionRatePerDayDecimal: String!
    "the depositors' part, rounded as the contract accrues it: emissionRatePerDay − floor(emissionRatePerDay × contributorBps / 10000)"
    depositorEmissionPerDay: BigInt!
    "emittedUpTo(now): the schedule's cumulative emission (minted or still claimable)"
    emittedSupply: BigInt!
    "emittedSupply in tokens (decimal string)"
    emittedSupplyDecimal: String!
    "LP tokens held by the machine = protocol-owned liquidity, locked forever"
    lockedLiquidity: BigInt!
    "lockedLiquidity × reserveWstEth × 2 / LP totalSupply, wstETH wei"
    lockedLiquidityValueWstEth: BigInt!
    "lockedLiquidityValueWstEth in wstETH (decimal string)"
    lockedLiquidityValueWstEthDecimal: String!
    """
    The protocol-owned share of the pool: LP held by the machine ÷ the pair's LP total supply, 1e18 = 100 %
    (@tcm/domain polShare, rounded down); null before the pool has liquidity. Just below 100 % when nobody else
    provides liquidity (Uniswap locks 1000 wei of LP at address 0).
    """
    polShare: BigInt
    "polShare as a decimal fraction (\\"0.98\\" = 98 %)"
    polShareDecimal: String
    """
    Estimated APR (a fraction: 0.05 = 5 %) of principal allocated to this project, from the current emission and price:
      apr = tokensPerDay × price / 1e18 × stEthPerWstEth / 1e18 × 365 / allocatedPrincipal
    with tokensPerDay what allocatedPrincipal earns of depositorEmissionPerDay by the reward index's arithmetic.
    price = spotPrice, or launchPrice before seeding. Ignores future decay, price moves and the staking yield itself
    (that goes to the project). null when no principal is allocated (a first depositor would earn all of it).
    """
    apr: Float
    "History (subgraph): harvests (the yield collected into pending wstETH), newest first. For more than 5000, use harvestPage."
    harvests(
      "harvests per page, 1..100"
      first: Int = 10
      "harvests to skip (newest first), 0..5000"
      skip: Int = 0
    ): [Harvest!]
    "History (subgraph): deploy steps (the first opened the pool), newest first. For more than 5000, use deployStepPage."
    deploySteps(
      "steps per page, 1..100"
      first: Int = 10
      "steps to skip (newest first), 0..5000"
      skip: Int = 0
    ): [DeployStep!]
    "History (subgraph): harvests newest first, paged by cursor (no limit on how far back)."
    harvestPage(
      "harvests per page, 1..100"
      first: PageSize = 20
      "the previous page's pageInfo.endCursor (omit for the newest)"
      after: Cursor
    ): HarvestPage
    "History (subgraph): deploy steps newest first, paged by cursor (no limit on how far back)."
    deployStepPage(
      "steps per page, 1..100"
      first: PageSize = 20
      "the previous page's pageInfo.endCursor (omit for the newest)"
      after: Cursor
    ): DeployStepPage
    "History (subgraph): one entry per UTC day with activity, newest first."
    daily("days per page, 1..100" first: Int = 30, "days to skip (newest first), 0..5000" skip: Int = 0): [ProjectDay!]
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
    "wstETH harvested today"
    harvestedWstEthToday: BigInt!
    "wstETH the deploy steps put into the pool since genesis: swapped for tokens + added as liquidity"
    deployedWstEth: BigInt!
    "wstETH deployed into the pool today"
    deployedWstEthToday: BigInt!
    "wstETH paid as deploy-step bounties (not deployed)"
    stepBountiesWstEth: BigInt!
    "wstETH paid as deploy-step bounties today"
    stepBountiesWstEthToday: BigInt!
    "deploy steps since genesis (the opening included)"
    deployStepCount: Int!
    "deploy steps today"
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

  "A project's running totals since its launch (subgraph)."
  type ProjectTotals {
    "accounts whose current allocation includes this project"
    depositorCount: Int!
    "yield harvested, stETH wei at harvest time"
    cumulativeYieldStEth: BigInt!
    "harvest bounties paid, stETH wei"
    cumulativeBountyStEth: BigInt!
    "wstETH harvested into the pending wstETH"
    cumulativeWstEthWrapped: BigInt!
    "wstETH added to the pool as liquidity (the opening included)"
    cumulativeWstEthAdded: BigInt!
    "wstETH deployed into the pool (swapped + added)"
    cumulativeWstEthDeployed: BigInt!
    "tokens the deploy steps bought, token wei"
    cumulativeTokensBought: BigInt!
    "LP minted to the machine (locked forever)"
    cumulativeLiquidityMinted: BigInt!
    "deploy-step bounties paid, wstETH wei"
    cumulativeStepBountyWstEth: BigInt!
    "tokens claimed by depositors, token wei"
    cumulativeClaimed: BigInt!
    "harvests since launch"
    harvestCount: Int!
    "deploy steps since launch (the opening included)"
    deployStepCount: Int!
  }

  "A harvest: the project's yield collected into its pending wstETH."
  type Harvest {
    "the subgraph's id of the event (transaction hash ++ log index)"
    id: ID!
    "the epoch harvested"
    epoch: BigInt!
    "who called harvest (paid the bounty)"
    caller: Address!
    "the yield taken, stETH shares"
    yieldShares: BigInt!
    "the yield taken, stETH wei"
    yieldStEth: BigInt!
    "the caller's bounty, stETH wei"
    bountyStEth: BigInt!
    "wstETH the yield after the bounty wrapped into, added to the pending wstETH"
    wstEthWrapped: BigInt!
    "the project's pending wstETH after the collection"
    pendingWstEth: BigInt!
    "the block of the harvest"
    blockNumber: BigInt!
    "the block's timestamp, unix seconds"
    timestamp: BigInt!
    "the harvest's transaction"
    transactionHash: Bytes!
  }

  "A deploy step (the contract's DeployReport). Prices are wstETH per token (1e18)."
  type DeployStep {
    "the subgraph's id of the event (transaction hash ++ log index)"
    id: ID!
    "who called the step (paid the bounty)"
    caller: Address!
    "true for the step that opened the pool at the launch price"
    opening: Boolean!
    "true when spot was at or below the reference price, so the step could trade"
    traded: Boolean!
    "pending wstETH before the step"
    pendingIn: BigInt!
    "wstETH swapped for tokens"
    wstEthSwapped: BigInt!
    "tokens the swap bought, token wei"
    tokensBought: BigInt!
    "tokens minted from the seed reserve to open the pool (opening only), token wei"
    tokensSeeded: BigInt!
    "wstETH added as liquidity"
    wstEthAdded: BigInt!
    "tokens added as liquidity, token wei"
    tokensAdded: BigInt!
    "LP minted to the machine (locked forever)"
    liquidityMinted: BigInt!
    "wstETH the step put into the pool: wstEthSwapped + wstEthAdded (@tcm/domain deployedWstEthOf)"
    deployedWstEth: BigInt!
    "the caller's bounty, wstETH"
    bounty: BigInt!
    "pending wstETH after the step"
    pendingOut: BigInt!
    "tokens bought and not added, carried to the next step, token wei"
    carryTokensOut: BigInt!
    "spot before the step (after it for the opening)"
    spotPrice: BigInt!
    "the price the step trusted (see Project.referencePrice)"
    referencePrice: BigInt!
    "the most the step's buy could pay (0: it did not trade)"
    ceilingPrice: BigInt!
    "pool price after the step"
    poolPrice: BigInt!
    "the block of the step"
    blockNumber: BigInt!
    "the block's timestamp, unix seconds"
    timestamp: BigInt!
    "the step's transaction"
    transactionHash: Bytes!
  }

  "A page of deploy steps, newest first."
  type DeployStepPage {
    "the project's deploy steps over all pages"
    totalCount: Int!
    "this page's steps"
    nodes: [DeployStep!]!
    "where this page ends; pass endCursor as \`after\` for the next one"
    pageInfo: PageInfo!
  }

  "A page of harvests, newest first."
  type HarvestPage {
    "the project's harvests over all pages"
    totalCount: Int!
    "this page's harvests"
    nodes: [Harvest!]!
    "where this page ends; pass endCursor as \`after\` for the next one"
    pageInfo: PageInfo!
  }

  """
  One UTC day of a project (subgraph; a day without any event of the project has no entry). Amounts at the day's
  close are as of the project's last event that day.
  """
  type ProjectDay {
    "the UTC day number: timestamp / 86400"
    dayId: Int!
    "dayId × 86400, unix seconds"
    dayStartTimestamp: BigInt!
    "principal allocated to the project at the day's close, stETH wei"
    allocatedPrincipal: BigInt!
    "accounts whose allocation includes the project at the day's close"
    depositorCount: Int!
    "yield harvested that day, stETH wei"
    dailyYieldStEth: BigInt!
    "yield harvested since launch, stETH wei"
    cumulativeYieldStEth: BigInt!
    "wstETH harvested (into pending) that day"
    dailyWstEthWrapped: BigInt!
    "wstETH harvested since launch"
    cumulativeWstEthWrapped: BigInt!
    "wstETH deployed into the pool (swapped + added) that day"
    dailyWstEthDeployed: BigInt!
    "wstETH deployed into the pool since launch"
    cumulativeWstEthDeployed: BigInt!
    "cumulativeWstEthDeployed ÷ cumulativeWstEthWrapped at the day's close, 1e18 = 100 % (@tcm/domain deploymentRatio)"
    deploymentRatio: BigInt
    "deploymentRatio as a decimal fraction (\\"0.999\\" = 99.9 %)"
    deploymentRatioDecimal: String
    "wstETH added as liquidity that day (part of dailyWstEthDeployed)"
    dailyWstEthAdded: BigInt!
    "tokens the day's steps bought, token wei"
    dailyTokensBought: BigInt!
    "deploy-step bounties paid that day, wstETH wei"
    dailyStepBountyWstEth: BigInt!
    "LP minted to the machine that day"
    dailyLiquidityMinted: BigInt!
    "LP minted to the machine since launch = the LP it holds at the day's close (it can never move)"
    cumulativeLiquidityMinted: BigInt!
    "harvests that day"
    dailyHarvestCount: Int!
    "deploy steps that day"
    dailyDeployStepCount: Int!
    "the project's pending wstETH at the end of the day"
    pendingWstEth: BigInt!
    "wstETH in the pool after the day's last step"
    reserveWstEth: BigInt!
    "tokens in the pool after the day's last step, token wei"
    reserveTokens: BigInt!
    "the pair's LP total supply after the day's last step"
    lpTotalSupply: BigInt!
    """
    The POL share at the day's close: cumulativeLiquidityMinted ÷ lpTotalSupply, 1e18 = 100 % (@tcm/domain polShare);
    null before the pool has liquidity.
    """
    polShare: BigInt
    "polShare as a decimal fraction"
    polShareDecimal: String
    "pool price after the day's last deploy step, wstETH per token (decimal string; null before the pool opens)"
    poolPriceClose: String
    """
    The day's price candle: spot price (wstETH per token, decimal string) before the day's first, highest, lowest
    and before its last deploy step after the opening; null on a day without such a step.
    """
    priceOpen: String
    "the day's highest spot price (see priceOpen)"
    priceHigh: String
    "the day's lowest spot price (see priceOpen)"
    priceLow: String
    "spot before the day's last step (see priceOpen)"
    priceClose: String
    "the price the machine trusts after the day's last deploy step (decimal string)"
    referencePriceClose: String
    """
    Tokens the emission schedule allows up to the day's close (its end, or now while it runs): @tcm/domain
    scheduledEmissionAtClose over the project's schedule, token wei. Emission during time without allocated
    principal is never minted, so emissionMinted stays at or below it.
    """
    emissionScheduled: BigInt!
    "tokens of the emission minted by the day's close: claimed by depositors + by the contributor recipient (@tcm/domain mintedEmission), token wei"
    emissionMinted: BigInt!
    "tokens claimed by depositors since launch, at the day's close"
    cumulativeClaimed: BigInt!
    "tokens minted to the contributor recipient since launch, at the day's close"
    cumulativeContributorClaimed: BigInt!
    "the token's supply at the day's close: emissionMinted + the pool's seed, token wei"
    tokenSupply: BigInt!
  }

  "One line of a position: a project, its share of the yield and the rewards it earned."
  type Allocation {
    "the project"
    project: Project!
    "the line's share of the position's yield, bps"
    bps: Int!
    "the position's principal allocated to this project, stETH wei"
    principal: BigInt!
    "project tokens claimable now (token wei)"
    pendingRewards: BigInt!
    "pendingRewards in tokens (decimal string)"
    pendingRewardsDecimal: String!
  }

  "An account: its live position and, from the subgraph, its history."
  type Account {
    "the account (checksummed)"
    address: Address!
    "the block the position was read at"
    block: Block!
    "principal the position can withdraw (stETH wei); 0 without a position"
    principal: BigInt!
    "principal in stETH (decimal string)"
    principalDecimal: String!
    "true when the account has an open position"
    hasPosition: Boolean!
    "the position's lines (empty without a position)"
    allocations: [Allocation!]!
    "the protocol's deficit status: during a deficit a withdrawal pays withdrawableNow and closes the position"
    deficit: DeficitStatus!
    "what a full withdrawal would pay now (stETH): withdrawalPreview's stEthPaid for the whole principal, normal or in a deficit"
    withdrawableNow: BigInt!
    "History (subgraph): the account's deposits, newest first."
    deposits(
      "deposits per page, 1..100"
      first: Int = 10
      "deposits to skip (newest first), 0..5000"
      skip: Int = 0
    ): [Deposit!]
    "History (subgraph): the account's withdrawals, newest first."
    withdrawals(
      "withdrawals per page, 1..100"
      first: Int = 10
      "withdrawals to skip (newest first), 0..5000"
      skip: Int = 0
    ): [Withdrawal!]
    "History (subgraph): the account's claims, newest first."
    claims("claims per page, 1..100" first: Int = 10, "claims to skip (newest first), 0..5000" skip: Int = 0): [Claim!]
  }

  "A deposit: a position opened."
  type Deposit {
    "the subgraph's id of the event (transaction hash ++ log index)"
    id: ID!
    "stETH that arrived (the principal credited), wei"
    principalAdded: BigInt!
    "stETH shares that arrived"
    sharesAdded: BigInt!
    "the position's principal after the deposit, stETH wei"
    principal: BigInt!
    "the allocation's projects, ascending"
    projectIds: [Int!]!
    "the allocation's bps, in the order of projectIds"
    bps: [Int!]!
    "the block of the deposit"
    blockNumber: BigInt!
    "the block's timestamp, unix seconds"
    timestamp: BigInt!
    "the deposit's transaction"
    transactionHash: Bytes!
  }

  "A withdrawal: principal back as stETH."
  type Withdrawal {
    "the subgraph's id of the event (transaction hash ++ log index)"
    id: ID!
    "who received the stETH"
    receiver: Address!
    "principal taken off the position, stETH wei"
    principalRemoved: BigInt!
    "stETH the receiver got, wei (below principalRemoved by share rounding, or pro rata in a deficit)"
    stEthPaid: BigInt!
    "true when paid pro rata during a deficit (the position closed)"
    deficit: Boolean!
    "the position's principal left (0 = closed), stETH wei"
    principal: BigInt!
    "the block of the withdrawal"
    blockNumber: BigInt!
    "the block's timestamp, unix seconds"
    timestamp: BigInt!
    "the withdrawal's transaction"
    transactionHash: Bytes!
  }

  "A claim: project tokens minted to a depositor's receiver."
  type Claim {
    "the subgraph's id of the event (transaction hash ++ log index)"
    id: ID!
    "the project whose tokens were claimed"
    projectId: Int!
    "who received the tokens"
    receiver: Address!
    "tokens minted, token wei"
    amount: BigInt!
    "the block of the claim"
    blockNumber: BigInt!
    "the block's timestamp, unix seconds"
    timestamp: BigInt!
    "the claim's transaction"
    transactionHash: Bytes!
  }

  "One line of a previewed split: what the project would earn after the action."
  type ProjectedAllocation {
    "the project"
    project: Project!
    "the line's share of the position's yield, bps"
    bps: Int!
    "the part of principal this project gets"
    principal: BigInt!
    "the project's allocated principal after the action"
    projectAllocatedPrincipalAfter: BigInt!
    "expected project tokens per day at the current emission, by the reward index's arithmetic: floor(principal × floor(depositorEmissionPerDay × 2^64 / projectAllocatedPrincipalAfter) / 2^64)"
    tokensPerDay: BigInt!
    "tokensPerDay in tokens (decimal string)"
    tokensPerDayDecimal: String!
    "this line's APR (same formula as Project.apr with this line's numbers)"
    apr: Float
  }

  "What a deposit would do now (domain model over this block)."
  type DepositPreview {
    "the block the preview ran over"
    block: Block!
    "principal the position will hold: the stETH that actually arrives (share rounding can cost 1–2 wei)"
    principal: BigInt!
    "stETH shares that arrive"
    sharesAdded: BigInt!
    "the position's lines"
    allocations: [ProjectedAllocation!]!
    "the position's APR: Σ lines' stETH value per day × 365 / principal"
    apr: Float
  }

  "What a reallocation would do now (domain model over this block)."
  type ReallocationPreview {
    "the block the preview ran over"
    block: Block!
    "the position's principal (unchanged by a reallocation), stETH wei"
    principal: BigInt!
    "the lines before"
    before: [ProjectedAllocation!]!
    "the lines after"
    allocations: [ProjectedAllocation!]!
    "the position's APR before"
    aprBefore: Float
    "the position's APR after"
    apr: Float
  }

  "What a harvest would do."
  enum HarvestStatus {
    "the harvest would run"
    DONE
    "this epoch was already harvested: the next one opens at nextHarvestTime"
    ALREADY_HARVESTED
    "the pending yield is below minHarvestValue (or the machine is in deficit)"
    NOTHING_TO_HARVEST
  }

  "What harvest(projectId) would do (the contract's HarvestReport, from the domain model)."
  type HarvestPreview {
    "the block the preview ran over"
    block: Block!
    "the project"
    projectId: Int!
    "the timestamp the preview ran at"
    at: BigInt!
    "whether the harvest would run"
    status: HarvestStatus!
    "the epoch it would harvest"
    epoch: BigInt!
    "the yield it would take, stETH shares"
    yieldShares: BigInt!
    "the yield it would take, stETH wei"
    yieldStEth: BigInt!
    "the caller's bounty: min(yield × bountyBps / 10000, maxBounty)"
    bountyShares: BigInt!
    "the bounty's stETH value, wei"
    bountyStEth: BigInt!
    "wstETH the yield after the bounty wraps into, added to the pending wstETH"
    wstEthWrapped: BigInt!
    "the project's pending wstETH after the collection"
    pendingWstEth: BigInt!
    "the deploy step the harvest runs after the collection, when one is due (null otherwise); the first opens the pool"
    deployStep: DeployStepPreview
  }

  "What a deploy step would do."
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
    "pending wstETH before the step"
    pendingIn: BigInt!
    "tokens carried from earlier steps, token wei"
    carryTokensIn: BigInt!
    "wstETH swapped for tokens"
    wstEthSwapped: BigInt!
    "tokens the swap buys, token wei"
    tokensBought: BigInt!
    "tokens minted from the seed reserve to open the pool (opening only)"
    tokensSeeded: BigInt!
    "wstETH added as liquidity"
    wstEthAdded: BigInt!
    "tokens added as liquidity, token wei"
    tokensAdded: BigInt!
    "LP minted to the machine"
    liquidityMinted: BigInt!
    "the caller's bounty, wstETH"
    bounty: BigInt!
    "pending wstETH after the step"
    pendingOut: BigInt!
    "tokens bought and not added, carried to the next step"
    carryTokensOut: BigInt!
    "spot before the step (after it for the opening), the reference price it trusted, the buy ceiling (0: no trade)"
    spotPrice: BigInt!
    "the price the step trusts (see Project.referencePrice)"
    referencePrice: BigInt!
    "the most the step's buy may pay (0: no trade)"
    ceilingPrice: BigInt!
    "wstETH in the pool after the step"
    reserveWstEth: BigInt!
    "tokens in the pool after the step"
    reserveTokens: BigInt!
    "LP total supply after the step"
    lpTotalSupply: BigInt!
    "pool price after the step"
    priceAfter: BigInt
    "how far the step moved the spot price (its buy and its add): (priceAfter − spotPrice) × 10000 / spotPrice, bps; null for the opening"
    priceImpactBps: Float
  }

  "What deploy(projectId) would do (domain model)."
  type DeployPreview {
    "the block the preview ran over"
    block: Block!
    "the project"
    projectId: Int!
    "the timestamp the preview ran at"
    at: BigInt!
    "whether a step would run"
    status: DeployStatus!
    "when a step may run (nextDeployTime)"
    readyAt: BigInt!
    "the project's pending wstETH now"
    pendingWstEth: BigInt!
    "the step, when DONE"
    step: DeployStepPreview
  }

  "What withdraw(amount) would pay now (domain model)."
  type WithdrawalPreview {
    "the block the preview ran over"
    block: Block!
    "principal withdrawn, stETH wei"
    amount: BigInt!
    "the position's principal before"
    principalBefore: BigInt!
    "the position's principal after (0 in a deficit: the position closes)"
    principalAfter: BigInt!
    "stETH the receiver gets"
    stEthPaid: BigInt!
    "stEthPaid in stETH (decimal string)"
    stEthPaidDecimal: String!
    "stETH shares the receiver gets"
    sharesPaid: BigInt!
    "true when the machine is in deficit: the withdrawal is pro rata and closes the position"
    deficit: Boolean!
    "amount − stEthPaid when positive (deficit loss plus share rounding)"
    shortfall: BigInt!
  }
`;
