// Event handlers of the TechnoCapitalMachine data source. They read event data only (no eth_call): the contract's
// events carry every number, including each position's full new allocation and every field of a harvest and of a deploy step.
import { Address, BigInt, ethereum } from "@graphprotocol/graph-ts";
import {
  Claimed,
  ContributorClaimed,
  ContributorRecipientSet,
  ContributorShareLowered,
  Deployed,
  DeployedReportStruct,
  Deposited,
  Harvested,
  MetadataURISet,
  PauseSet,
  ProjectLaunched,
  ProjectOwnershipTransferred,
  Reallocated,
  ToppedUp,
  Withdrawn,
  YieldAssigned,
} from "../../generated/TechnoCapitalMachine/TechnoCapitalMachine";
import {
  Account,
  ContributorClaim,
  DeployStep,
  Deposit,
  Harvest,
  PauseChange,
  Position,
  PositionAllocation,
  Project,
  ProjectLaunch,
  Withdrawal,
  YieldAssignment,
} from "../../generated/schema";
import { applyAllocation, newAllocation } from "../helpers/allocation";
import { poolPriceOf, priceToDecimal, toDecimal, wad } from "../helpers/decimals";
import {
  accountWasCreated,
  launchProjectDay,
  loadPosition,
  loadProject,
  loadProjectDay,
  loadProtocol,
  loadProtocolDay,
  positionDelta,
  positionWasCreated,
  projectDayOf,
  protocolDayOf,
  saveProjectDay,
  saveProtocolDay,
} from "../helpers/entities";
import { allocationId, eventId, projectIdOfAllocation, projectKey } from "../helpers/ids";
import { saveClaimRecord, saveReallocationRecord, saveTopUpRecord, toI32s } from "../helpers/records";

/** 2^32: the machine's yield index scale (YIELD_SHIFT). */
function yieldIndexScale(): BigInt {
  return BigInt.fromI32(2).pow(32);
}

// ------------------------------------------------------------------ projects

export function handleProjectLaunched(event: ProjectLaunched): void {
  let params = event.params.params;
  let protocol = loadProtocol(event);
  protocol.projectCount = protocol.projectCount + 1;

  let launch = new ProjectLaunch(eventId(event));
  launch.project = projectKey(event.params.projectId);
  launch.token = event.params.token;
  launch.pair = event.params.pair;
  launch.owner = event.params.owner;
  launch.tokenIsToken0 = event.params.tokenIsToken0;
  launch.startTime = event.params.startTime;
  launch.name = params.name;
  launch.symbol = params.symbol;
  launch.metadataURI = params.metadataURI;
  launch.launchPrice = params.launchPrice;
  launch.dailyEmission = params.dailyEmission;
  launch.decayBps = params.decayBps;
  launch.maxSupply = params.maxSupply;
  launch.seedReserve = params.seedReserve;
  launch.contributorBps = params.contributorBps;
  launch.contributorRecipient = params.contributorRecipient;
  launch.blockNumber = event.block.number;
  launch.timestamp = event.block.timestamp;
  launch.transactionHash = event.transaction.hash;
  launch.logIndex = event.logIndex;
  launch.save();

  let project = new Project(projectKey(event.params.projectId));
  project.projectId = event.params.projectId.toI32();
  project.token = event.params.token;
  project.pair = event.params.pair;
  project.owner = event.params.owner;
  project.tokenIsToken0 = event.params.tokenIsToken0;
  project.startTime = event.params.startTime;
  project.name = params.name;
  project.symbol = params.symbol;
  project.metadataURI = params.metadataURI;
  project.launchPrice = params.launchPrice;
  project.launchPriceDecimal = priceToDecimal(params.launchPrice);
  project.dailyEmission = params.dailyEmission;
  project.decayBps = params.decayBps;
  project.maxSupply = params.maxSupply;
  project.seedReserve = params.seedReserve;
  project.contributorBps = params.contributorBps;
  project.contributorRecipient = params.contributorRecipient;
  project.seeded = false;
  project.cumulativeYieldShares = BigInt.zero();
  project.cumulativeYieldStEth = BigInt.zero();
  project.cumulativeBountyShares = BigInt.zero();
  project.cumulativeBountyStEth = BigInt.zero();
  project.cumulativeWstEthWrapped = BigInt.zero();
  project.cumulativeWstEthSwapped = BigInt.zero();
  project.cumulativeWstEthAdded = BigInt.zero();
  project.cumulativeTokensBought = BigInt.zero();
  project.tokensSeeded = BigInt.zero();
  project.cumulativeTokensAdded = BigInt.zero();
  project.cumulativeLiquidityMinted = BigInt.zero();
  project.cumulativeStepBountyWstEth = BigInt.zero();
  project.cumulativeWstEthDeployed = BigInt.zero();
  project.pendingWstEth = BigInt.zero();
  project.carryTokens = BigInt.zero();
  project.cumulativeContributorClaimed = BigInt.zero();
  project.harvestCount = 0;
  project.deployStepCount = 0;
  project.lastSpotPrice = BigInt.zero();
  project.lastSpotPriceDecimal = priceToDecimal(BigInt.zero());
  project.referencePrice = BigInt.zero();
  project.referencePriceDecimal = priceToDecimal(BigInt.zero());
  project.poolPrice = BigInt.zero();
  project.poolPriceDecimal = priceToDecimal(BigInt.zero());
  project.reserveWstEth = BigInt.zero();
  project.reserveTokens = BigInt.zero();
  project.lpTotalSupply = BigInt.zero();
  project.launchedAtBlock = event.block.number;
  project.launchedAtTimestamp = event.block.timestamp;
  project.launch = launch.id;
  saveProjectDay(launchProjectDay(project, event));
  project.save();

  saveProtocolDay(protocolDayOf(protocol, event));
  protocol.save();
}

export function handleMetadataURISet(event: MetadataURISet): void {
  let project = loadProject(event.params.projectId);
  project.metadataURI = event.params.metadataURI;
  project.save();
}

export function handleContributorShareLowered(event: ContributorShareLowered): void {
  let project = loadProject(event.params.projectId);
  project.contributorBps = event.params.newBps;
  project.save();
}

export function handleContributorRecipientSet(event: ContributorRecipientSet): void {
  let project = loadProject(event.params.projectId);
  project.contributorRecipient = event.params.recipient;
  project.save();
}

export function handleProjectOwnershipTransferred(event: ProjectOwnershipTransferred): void {
  let project = loadProject(event.params.projectId);
  project.owner = event.params.newOwner;
  project.save();
}

// ------------------------------------------------------------------ positions

/** What a deposit and a top-up share: the position's new allocation and principal, the totals, the day. */
function addPrincipal(
  event: ethereum.Event,
  account: Address,
  principalAdded: BigInt,
  principal: BigInt,
  projectIds: Array<BigInt>,
  bps: Array<i32>,
  parts: Array<BigInt>,
  totalPrincipal: BigInt,
  opensPosition: boolean,
): void {
  let day = loadProtocolDay(event);
  let position = loadPosition(account, event);
  let positionChange = positionDelta(position);
  if (accountWasCreated()) day.accountCount = day.accountCount + 1;
  applyAllocation(position, positionChange, projectIds, bps, parts, event, positionWasCreated());
  if (opensPosition && !position.open) {
    positionChange.open = true;
    positionChange.openedAtTimestamp = event.block.timestamp;
    day.depositorCount = day.depositorCount + 1;
  }
  positionChange.principal = principal;
  positionChange.cumulativeDeposited = position.cumulativeDeposited.plus(principalAdded);
  positionChange.save();

  day.totalPrincipal = totalPrincipal;
  day.cumulativeDeposited = day.cumulativeDeposited.plus(principalAdded);
  day.dailyDeposited = day.dailyDeposited.plus(principalAdded);
  day.dailyDepositCount = day.dailyDepositCount + 1;
  if (opensPosition) day.depositCount = day.depositCount + 1;
  else day.topUpCount = day.topUpCount + 1;
  saveProtocolDay(day);
}

export function handleDeposited(event: Deposited): void {
  let p = event.params;
  addPrincipal(event, p.account, p.principalAdded, p.principal, p.projectIds, p.bps, p.parts, p.totalPrincipal, true);

  let record = new Deposit(eventId(event));
  record.account = event.params.account;
  record.principalAdded = event.params.principalAdded;
  record.sharesAdded = event.params.sharesAdded;
  record.principal = event.params.principal;
  record.projectIds = toI32s(event.params.projectIds);
  record.bps = event.params.bps;
  record.parts = event.params.parts;
  record.totalPrincipal = event.params.totalPrincipal;
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.logIndex = event.logIndex;
  record.save();
}

export function handleToppedUp(event: ToppedUp): void {
  let p = event.params;
  addPrincipal(event, p.account, p.principalAdded, p.principal, p.projectIds, p.bps, p.parts, p.totalPrincipal, false);

  saveTopUpRecord(event);
}

export function handleReallocated(event: Reallocated): void {
  let day = loadProtocolDay(event);
  let position = loadPosition(event.params.account, event);
  let positionChange = positionDelta(position);
  if (accountWasCreated()) day.accountCount = day.accountCount + 1;
  let before = position.activeAllocations;
  let previousProjectIds = new Array<i32>(before.length);
  for (let i = 0; i < before.length; i++) previousProjectIds[i] = projectIdOfAllocation(before[i]);
  let previousBps = position.activeBps;
  applyAllocation(
    position,
    positionChange,
    event.params.projectIds,
    event.params.bps,
    event.params.parts,
    event,
    positionWasCreated(),
  );
  positionChange.principal = event.params.principal;
  positionChange.save();

  day.reallocationCount = day.reallocationCount + 1;
  saveProtocolDay(day);

  saveReallocationRecord(event, previousProjectIds, previousBps);
}

export function handleWithdrawn(event: Withdrawn): void {
  let protocol = loadProtocol(event);
  protocol.cumulativeWithdrawn = protocol.cumulativeWithdrawn.plus(event.params.principalRemoved);
  protocol.cumulativeStEthPaid = protocol.cumulativeStEthPaid.plus(event.params.stEthPaid);
  protocol.withdrawalCount = protocol.withdrawalCount + 1;
  if (event.params.deficit) protocol.deficitWithdrawalCount = protocol.deficitWithdrawalCount + 1;
  let day = protocolDayOf(protocol, event);
  protocol.save();
  let position = loadPosition(event.params.account, event);
  let positionChange = positionDelta(position);
  if (accountWasCreated()) day.accountCount = day.accountCount + 1;
  applyAllocation(
    position,
    positionChange,
    event.params.projectIds,
    event.params.bps,
    event.params.parts,
    event,
    positionWasCreated(),
  );
  positionChange.principal = event.params.principal;
  positionChange.cumulativeWithdrawn = position.cumulativeWithdrawn.plus(event.params.principalRemoved);
  positionChange.cumulativeStEthPaid = position.cumulativeStEthPaid.plus(event.params.stEthPaid);
  if (position.open && event.params.principal.isZero()) {
    positionChange.open = false;
    day.depositorCount = day.depositorCount - 1;
  }
  positionChange.save();

  day.totalPrincipal = event.params.totalPrincipal;
  day.dailyWithdrawn = day.dailyWithdrawn.plus(event.params.principalRemoved);
  day.dailyStEthPaid = day.dailyStEthPaid.plus(event.params.stEthPaid);
  day.dailyWithdrawalCount = day.dailyWithdrawalCount + 1;
  saveProtocolDay(day);

  let record = new Withdrawal(eventId(event));
  record.account = event.params.account;
  record.receiver = event.params.receiver;
  record.principalRemoved = event.params.principalRemoved;
  record.sharesPaid = event.params.sharesPaid;
  record.stEthPaid = event.params.stEthPaid;
  record.deficit = event.params.deficit;
  record.shortfall = event.params.principalRemoved.gt(event.params.stEthPaid)
    ? event.params.principalRemoved.minus(event.params.stEthPaid)
    : BigInt.zero();
  record.principal = event.params.principal;
  record.projectIds = toI32s(event.params.projectIds);
  record.bps = event.params.bps;
  record.parts = event.params.parts;
  record.totalPrincipal = event.params.totalPrincipal;
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.logIndex = event.logIndex;
  record.save();
}

// ------------------------------------------------------------------ rewards

export function handleClaimed(event: Claimed): void {
  let amount = event.params.amount;
  let accountId = event.params.account;
  let blockNumber = event.block.number;
  let timestamp = event.block.timestamp;
  let protocolSnapshot = loadProtocolDay(event);

  // The account and its position; an account the store has not seen gets both (closed, empty). A claim changes
  // nothing of an existing position (its line records the claim): the position is not written.
  let account = Account.load(accountId);
  let position: Position;
  if (account == null) {
    position = loadPosition(accountId, event);
    position.save();
    if (accountWasCreated()) protocolSnapshot.accountCount = protocolSnapshot.accountCount + 1;
  } else {
    position = new Position(accountId);
  }
  let line = PositionAllocation.load(allocationId(accountId, event.params.projectId));
  let lineChange: PositionAllocation;
  if (line == null) {
    lineChange = newAllocation(position, event.params.projectId, event);
    line = lineChange;
  } else {
    lineChange = new PositionAllocation(line.id);
  }
  lineChange.claimed = line.claimed.plus(amount);
  lineChange.claimCount = line.claimCount + 1;
  lineChange.updatedAtBlock = blockNumber;
  lineChange.updatedAtTimestamp = timestamp;
  lineChange.save();

  // The project's day snapshot (its cumulativeClaimed and tokenSupply are the project's), not the Project.
  let day = loadProjectDay(projectKey(event.params.projectId), event);
  day.cumulativeClaimed = day.cumulativeClaimed.plus(amount);
  day.dailyClaimed = day.dailyClaimed.plus(amount);
  day.tokenSupply = day.tokenSupply.plus(amount);
  saveProjectDay(day);

  // Tokens of different projects are never added up: the protocol counts claims, the project and the line sum them.
  protocolSnapshot.claimCount = protocolSnapshot.claimCount + 1;
  protocolSnapshot.dailyClaimCount = protocolSnapshot.dailyClaimCount + 1;
  saveProtocolDay(protocolSnapshot);

  saveClaimRecord(event);
}

export function handleContributorClaimed(event: ContributorClaimed): void {
  let amount = event.params.amount;
  let project = loadProject(event.params.projectId);
  project.cumulativeContributorClaimed = project.cumulativeContributorClaimed.plus(amount);
  let day = projectDayOf(project, event);
  day.dailyContributorClaimed = day.dailyContributorClaimed.plus(amount);
  day.tokenSupply = day.tokenSupply.plus(amount);
  saveProjectDay(day);
  project.save();

  let protocol = loadProtocol(event);
  protocol.contributorClaimCount = protocol.contributorClaimCount + 1;
  saveProtocolDay(protocolDayOf(protocol, event));
  protocol.save();

  let record = new ContributorClaim(eventId(event));
  record.project = project.id;
  record.recipient = event.params.recipient;
  record.amount = amount;
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.logIndex = event.logIndex;
  record.save();
}

// ------------------------------------------------------------------ yield and harvests

export function handleYieldAssigned(event: YieldAssigned): void {
  let assigned = event.params.indexDelta.times(event.params.totalPrincipal).div(yieldIndexScale());
  let day = loadProtocolDay(event);
  day.cumulativeYieldAssignedShares = day.cumulativeYieldAssignedShares.plus(assigned);
  day.dailyYieldAssignedShares = day.dailyYieldAssignedShares.plus(assigned);
  day.accYieldIndex = event.params.accYieldIndex;
  day.yieldAssignmentCount = day.yieldAssignmentCount + 1;
  saveProtocolDay(day);

  let record = new YieldAssignment(eventId(event));
  record.excessShares = event.params.excessShares;
  record.indexDelta = event.params.indexDelta;
  record.accYieldIndex = event.params.accYieldIndex;
  record.totalPrincipal = event.params.totalPrincipal;
  record.assignedShares = assigned;
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.logIndex = event.logIndex;
  record.save();
}

/** 2^112: the scale of the machine's UQ112x112 prices. */
function q112(): BigInt {
  return BigInt.fromI32(2).pow(112);
}

/**
 * The price the machine stores as its reference after a step, at 1e18 scale (= getProject's UQ112x112 referencePrice
 * × 1e18 / 2^112, rounded down): a step that traded (ceiling > 0) leaves the pool's price after it, i.e.
 * (reserveWstEth << 112) / reserveTokens; the opening, or a step that did not trade, leaves the reference it reported.
 */
function referenceAfter(r: DeployedReportStruct): BigInt {
  if (r.ceilingPrice.isZero() || r.reserveTokens.isZero()) return r.referencePrice;
  let uq = r.reserveWstEth.times(q112()).div(r.reserveTokens);
  return uq.times(wad()).div(q112());
}

/**
 * wstETH a step put into its pool: swapped for tokens plus added as liquidity (the bounty is not deployed). The
 * AssemblyScript twin of @tcm/domain's deployedWstEthOf (the mapping cannot import TypeScript); the e2e test checks
 * the sums against the chain.
 */
function deployedWstEthOf(r: DeployedReportStruct): BigInt {
  return r.wstEthSwapped.plus(r.wstEthAdded);
}

export function handleHarvested(event: Harvested): void {
  let r = event.params.report;
  let project = loadProject(event.params.projectId);

  project.cumulativeYieldShares = project.cumulativeYieldShares.plus(r.yieldShares);
  project.cumulativeYieldStEth = project.cumulativeYieldStEth.plus(r.yieldStEth);
  project.cumulativeBountyShares = project.cumulativeBountyShares.plus(r.bountyShares);
  project.cumulativeBountyStEth = project.cumulativeBountyStEth.plus(r.bountyStEth);
  project.cumulativeWstEthWrapped = project.cumulativeWstEthWrapped.plus(r.wstEthWrapped);
  project.pendingWstEth = r.pendingWstEth;
  project.harvestCount = project.harvestCount + 1;
  project.lastHarvestEpoch = r.epoch;
  project.lastHarvestTimestamp = event.block.timestamp;
  let day = projectDayOf(project, event);
  day.dailyYieldShares = day.dailyYieldShares.plus(r.yieldShares);
  day.dailyYieldStEth = day.dailyYieldStEth.plus(r.yieldStEth);
  day.dailyBountyStEth = day.dailyBountyStEth.plus(r.bountyStEth);
  day.dailyWstEthWrapped = day.dailyWstEthWrapped.plus(r.wstEthWrapped);
  day.dailyHarvestCount = day.dailyHarvestCount + 1;
  saveProjectDay(day);
  project.save();

  let protocol = loadProtocol(event);
  protocol.totalYieldShares = protocol.totalYieldShares.plus(r.yieldShares);
  protocol.totalYieldStEth = protocol.totalYieldStEth.plus(r.yieldStEth);
  protocol.totalBountyStEth = protocol.totalBountyStEth.plus(r.bountyStEth);
  protocol.totalWstEthWrapped = protocol.totalWstEthWrapped.plus(r.wstEthWrapped);
  protocol.harvestCount = protocol.harvestCount + 1;
  let protocolSnapshot = protocolDayOf(protocol, event);
  protocolSnapshot.dailyYieldShares = protocolSnapshot.dailyYieldShares.plus(r.yieldShares);
  protocolSnapshot.dailyYieldStEth = protocolSnapshot.dailyYieldStEth.plus(r.yieldStEth);
  protocolSnapshot.dailyWstEthWrapped = protocolSnapshot.dailyWstEthWrapped.plus(r.wstEthWrapped);
  protocolSnapshot.dailyHarvestCount = protocolSnapshot.dailyHarvestCount + 1;
  saveProtocolDay(protocolSnapshot);
  protocol.save();

  let record = new Harvest(eventId(event));
  record.project = project.id;
  record.caller = event.params.caller;
  record.epoch = r.epoch;
  record.yieldShares = r.yieldShares;
  record.yieldStEth = r.yieldStEth;
  record.bountyShares = r.bountyShares;
  record.bountyStEth = r.bountyStEth;
  record.wstEthWrapped = r.wstEthWrapped;
  record.pendingWstEth = r.pendingWstEth;
  record.yieldStEthDecimal = toDecimal(r.yieldStEth);
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.logIndex = event.logIndex;
  record.save();
}

export function handleDeployed(event: Deployed): void {
  let r = event.params.report;
  let project = loadProject(event.params.projectId);
  let opening = !r.tokensSeeded.isZero();
  let traded = !r.ceilingPrice.isZero();
  // A step in a block where someone already touched the pair does nothing (spot 0 in its report) and stays due:
  // the machine's step time and reference are unchanged.
  let idle = project.seeded && r.spotPrice.isZero();
  let poolPrice = poolPriceOf(r.reserveWstEth, r.reserveTokens);
  let deployed = deployedWstEthOf(r);
  let reference = idle ? project.referencePrice : referenceAfter(r);

  if (opening) project.seeded = true;
  project.cumulativeWstEthSwapped = project.cumulativeWstEthSwapped.plus(r.wstEthSwapped);
  project.cumulativeWstEthAdded = project.cumulativeWstEthAdded.plus(r.wstEthAdded);
  project.cumulativeTokensBought = project.cumulativeTokensBought.plus(r.tokensBought);
  project.tokensSeeded = project.tokensSeeded.plus(r.tokensSeeded);
  project.cumulativeTokensAdded = project.cumulativeTokensAdded.plus(r.tokensAdded);
  project.cumulativeLiquidityMinted = project.cumulativeLiquidityMinted.plus(r.liquidityMinted);
  project.cumulativeStepBountyWstEth = project.cumulativeStepBountyWstEth.plus(r.bounty);
  project.cumulativeWstEthDeployed = project.cumulativeWstEthDeployed.plus(deployed);
  project.pendingWstEth = r.pendingOut;
  project.carryTokens = r.carryTokensOut;
  project.deployStepCount = project.deployStepCount + 1;
  if (!idle) project.lastStepTimestamp = event.block.timestamp;
  if (!opening && !idle && project.seeded) {
    project.lastSpotPrice = r.spotPrice;
    project.lastSpotPriceDecimal = priceToDecimal(r.spotPrice);
  }
  project.referencePrice = reference;
  project.referencePriceDecimal = priceToDecimal(reference);
  project.poolPrice = poolPrice;
  project.poolPriceDecimal = priceToDecimal(poolPrice);
  project.reserveWstEth = r.reserveWstEth;
  project.reserveTokens = r.reserveTokens;
  project.lpTotalSupply = r.lpTotalSupply;

  let day = projectDayOf(project, event);
  day.tokenSupply = day.tokenSupply.plus(r.tokensSeeded);
  day.dailyWstEthAdded = day.dailyWstEthAdded.plus(r.wstEthAdded);
  day.dailyWstEthDeployed = day.dailyWstEthDeployed.plus(deployed);
  day.dailyTokensBought = day.dailyTokensBought.plus(r.tokensBought);
  day.dailyTokensAdded = day.dailyTokensAdded.plus(r.tokensAdded);
  day.dailyLiquidityMinted = day.dailyLiquidityMinted.plus(r.liquidityMinted);
  day.dailyDeployStepCount = day.dailyDeployStepCount + 1;
  day.dailyStepBountyWstEth = day.dailyStepBountyWstEth.plus(r.bounty);
  if (!opening && !idle && project.seeded) {
    let spot = priceToDecimal(r.spotPrice);
    if (day.spotPriceOpen === null) day.spotPriceOpen = spot;
    let high = day.spotPriceHigh;
    if (high === null || spot.gt(high)) day.spotPriceHigh = spot;
    let low = day.spotPriceLow;
    if (low === null || spot.lt(low)) day.spotPriceLow = spot;
    day.spotPriceClose = spot;
  }
  day.referencePriceClose = priceToDecimal(reference);
  day.poolPriceClose = priceToDecimal(poolPrice);
  saveProjectDay(day);
  project.save();

  let protocol = loadProtocol(event);
  protocol.totalWstEthAdded = protocol.totalWstEthAdded.plus(r.wstEthAdded);
  protocol.totalWstEthSwapped = protocol.totalWstEthSwapped.plus(r.wstEthSwapped);
  protocol.totalWstEthDeployed = protocol.totalWstEthDeployed.plus(deployed);
  protocol.totalLiquidityMinted = protocol.totalLiquidityMinted.plus(r.liquidityMinted);
  protocol.totalStepBountyWstEth = protocol.totalStepBountyWstEth.plus(r.bounty);
  protocol.deployStepCount = protocol.deployStepCount + 1;
  let protocolSnapshot = protocolDayOf(protocol, event);
  protocolSnapshot.dailyWstEthAdded = protocolSnapshot.dailyWstEthAdded.plus(r.wstEthAdded);
  protocolSnapshot.dailyWstEthDeployed = protocolSnapshot.dailyWstEthDeployed.plus(deployed);
  protocolSnapshot.dailyLiquidityMinted = protocolSnapshot.dailyLiquidityMinted.plus(r.liquidityMinted);
  protocolSnapshot.dailyDeployStepCount = protocolSnapshot.dailyDeployStepCount + 1;
  saveProtocolDay(protocolSnapshot);
  protocol.save();

  let record = new DeployStep(eventId(event));
  record.project = project.id;
  record.caller = event.params.caller;
  record.opening = opening;
  record.traded = traded;
  record.pendingIn = r.pendingIn;
  record.carryTokensIn = r.carryTokensIn;
  record.wstEthSwapped = r.wstEthSwapped;
  record.tokensBought = r.tokensBought;
  record.tokensSeeded = r.tokensSeeded;
  record.wstEthAdded = r.wstEthAdded;
  record.tokensAdded = r.tokensAdded;
  record.liquidityMinted = r.liquidityMinted;
  record.bounty = r.bounty;
  record.pendingOut = r.pendingOut;
  record.carryTokensOut = r.carryTokensOut;
  record.spotPrice = r.spotPrice;
  record.referencePrice = r.referencePrice;
  record.ceilingPrice = r.ceilingPrice;
  record.reserveWstEth = r.reserveWstEth;
  record.reserveTokens = r.reserveTokens;
  record.lpTotalSupply = r.lpTotalSupply;
  record.spotPriceDecimal = priceToDecimal(r.spotPrice);
  record.referencePriceDecimal = priceToDecimal(r.referencePrice);
  record.poolPrice = poolPrice;
  record.poolPriceDecimal = priceToDecimal(poolPrice);
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.logIndex = event.logIndex;
  record.save();
}

// ------------------------------------------------------------------ guardian

export function handlePauseSet(event: PauseSet): void {
  let protocol = loadProtocol(event);
  protocol.depositsPaused = event.params.depositsPaused;
  protocol.harvestsPaused = event.params.harvestsPaused;
  saveProtocolDay(protocolDayOf(protocol, event));
  protocol.save();

  let record = new PauseChange(eventId(event));
  record.depositsPaused = event.params.depositsPaused;
  record.harvestsPaused = event.params.harvestsPaused;
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.logIndex = event.logIndex;
  record.save();
}
