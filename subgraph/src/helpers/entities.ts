// Loading and creating the mutable entities (running totals and daily snapshots).
import { Address, BigInt, Bytes, ethereum, log } from "@graphprotocol/graph-ts";
import { Account, Position, Project, ProjectDaySnapshot, Protocol, ProtocolDaySnapshot } from "../../generated/schema";
import { SECONDS_PER_DAY, dayIdOf, projectDayKey, projectKey } from "./ids";

/** The singleton, keyed by the machine's address (the event's emitter). */
export function loadProtocol(event: ethereum.Event): Protocol {
  let protocol = Protocol.load(event.address);
  if (protocol == null) {
    protocol = new Protocol(event.address);
    protocol.totalPrincipal = BigInt.zero();
    protocol.projectCount = 0;
    protocol.depositorCount = 0;
    protocol.accountCount = 0;
    protocol.cumulativeDeposited = BigInt.zero();
    protocol.cumulativeWithdrawn = BigInt.zero();
    protocol.cumulativeStEthPaid = BigInt.zero();
    protocol.cumulativeClaimed = BigInt.zero();
    protocol.cumulativeContributorClaimed = BigInt.zero();
    protocol.totalYieldShares = BigInt.zero();
    protocol.totalYieldStEth = BigInt.zero();
    protocol.totalBountyStEth = BigInt.zero();
    protocol.totalWstEthAdded = BigInt.zero();
    protocol.totalLiquidityMinted = BigInt.zero();
    protocol.totalYieldAssignedShares = BigInt.zero();
    protocol.accYieldIndex = BigInt.zero();
    protocol.depositsPaused = false;
    protocol.harvestsPaused = false;
    protocol.depositCount = 0;
    protocol.topUpCount = 0;
    protocol.reallocationCount = 0;
    protocol.withdrawalCount = 0;
    protocol.deficitWithdrawalCount = 0;
    protocol.claimCount = 0;
    protocol.contributorClaimCount = 0;
    protocol.harvestCount = 0;
    protocol.yieldAssignmentCount = 0;
  }
  protocol.updatedAtBlock = event.block.number;
  protocol.updatedAtTimestamp = event.block.timestamp;
  return protocol;
}

/** A launched project. Every machine event that names a project comes after its ProjectLaunched. */
export function loadProject(projectId: BigInt): Project {
  let project = Project.load(projectKey(projectId));
  if (project == null) log.critical("event for unknown project {}", [projectId.toString()]);
  return project!;
}

/** The account and its position, created (closed, empty) on first sight; counts new accounts. */
export function loadPosition(accountAddress: Address, event: ethereum.Event, protocol: Protocol): Position {
  let account = Account.load(accountAddress);
  if (account == null) {
    account = new Account(accountAddress);
    account.position = accountAddress;
    account.cumulativeClaimed = BigInt.zero();
    account.firstSeenAtBlock = event.block.number;
    account.firstSeenAtTimestamp = event.block.timestamp;
    account.save();
    protocol.accountCount = protocol.accountCount + 1;
  }
  let position = Position.load(accountAddress);
  if (position == null) {
    position = new Position(accountAddress);
    position.account = accountAddress;
    position.principal = BigInt.zero();
    position.open = false;
    position.activeAllocations = new Array<Bytes>();
    position.cumulativeDeposited = BigInt.zero();
    position.cumulativeWithdrawn = BigInt.zero();
    position.cumulativeStEthPaid = BigInt.zero();
  }
  position.updatedAtBlock = event.block.number;
  position.updatedAtTimestamp = event.block.timestamp;
  return position;
}

/**
 * The project's snapshot for the event's day, with its end-of-day state refreshed from `project` (call it after
 * updating the project). The caller adds the daily increments and saves.
 */
export function projectDay(project: Project, event: ethereum.Event): ProjectDaySnapshot {
  let dayId = dayIdOf(event.block.timestamp);
  let id = projectDayKey(project.projectId, dayId);
  let day = ProjectDaySnapshot.load(id);
  if (day == null) {
    day = new ProjectDaySnapshot(id);
    day.project = project.id;
    day.dayId = dayId;
    day.dayStartTimestamp = BigInt.fromI32(dayId).times(BigInt.fromI32(SECONDS_PER_DAY));
    day.dailyYieldShares = BigInt.zero();
    day.dailyYieldStEth = BigInt.zero();
    day.dailyBountyStEth = BigInt.zero();
    day.dailyWstEthAdded = BigInt.zero();
    day.dailyTokensBought = BigInt.zero();
    day.dailyTokensAdded = BigInt.zero();
    day.dailyLiquidityMinted = BigInt.zero();
    day.dailyClaimed = BigInt.zero();
    day.dailyContributorClaimed = BigInt.zero();
    day.dailyHarvestCount = 0;
  }
  day.allocatedPrincipal = project.allocatedPrincipal;
  day.depositorCount = project.depositorCount;
  day.cumulativeYieldShares = project.cumulativeYieldShares;
  day.cumulativeYieldStEth = project.cumulativeYieldStEth;
  day.cumulativeBountyStEth = project.cumulativeBountyStEth;
  day.cumulativeWstEthAdded = project.cumulativeWstEthAdded;
  day.cumulativeTokensBought = project.cumulativeTokensBought;
  day.cumulativeTokensAdded = project.cumulativeTokensAdded;
  day.cumulativeLiquidityMinted = project.cumulativeLiquidityMinted;
  day.cumulativeClaimed = project.cumulativeClaimed;
  day.cumulativeContributorClaimed = project.cumulativeContributorClaimed;
  day.reserveWstEth = project.reserveWstEth;
  day.reserveTokens = project.reserveTokens;
  day.lpTotalSupply = project.lpTotalSupply;
  return day;
}

/** The protocol's snapshot for the event's day, refreshed from `protocol` (call it after updating the protocol). */
export function protocolDay(protocol: Protocol, event: ethereum.Event): ProtocolDaySnapshot {
  let dayId = dayIdOf(event.block.timestamp);
  let id = dayId.toString();
  let day = ProtocolDaySnapshot.load(id);
  if (day == null) {
    day = new ProtocolDaySnapshot(id);
    day.dayId = dayId;
    day.dayStartTimestamp = BigInt.fromI32(dayId).times(BigInt.fromI32(SECONDS_PER_DAY));
    day.dailyDeposited = BigInt.zero();
    day.dailyWithdrawn = BigInt.zero();
    day.dailyStEthPaid = BigInt.zero();
    day.dailyClaimed = BigInt.zero();
    day.dailyYieldShares = BigInt.zero();
    day.dailyYieldStEth = BigInt.zero();
    day.dailyYieldAssignedShares = BigInt.zero();
    day.dailyWstEthAdded = BigInt.zero();
    day.dailyLiquidityMinted = BigInt.zero();
    day.dailyDepositCount = 0;
    day.dailyWithdrawalCount = 0;
    day.dailyHarvestCount = 0;
    day.dailyClaimCount = 0;
  }
  day.totalPrincipal = protocol.totalPrincipal;
  day.depositorCount = protocol.depositorCount;
  day.projectCount = protocol.projectCount;
  day.cumulativeDeposited = protocol.cumulativeDeposited;
  day.cumulativeWithdrawn = protocol.cumulativeWithdrawn;
  day.cumulativeStEthPaid = protocol.cumulativeStEthPaid;
  day.cumulativeClaimed = protocol.cumulativeClaimed;
  day.cumulativeYieldShares = protocol.totalYieldShares;
  day.cumulativeYieldStEth = protocol.totalYieldStEth;
  day.cumulativeYieldAssignedShares = protocol.totalYieldAssignedShares;
  day.cumulativeWstEthAdded = protocol.totalWstEthAdded;
  day.cumulativeLiquidityMinted = protocol.totalLiquidityMinted;
  return day;
}
