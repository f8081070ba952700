// Loading and creating the mutable entities (running totals and daily snapshots).
import { Address, BigInt, Bytes, ethereum, log } from "@graphprotocol/graph-ts";
import { Account, Position, Project, ProjectDaySnapshot, Protocol, ProtocolDaySnapshot } from "../../generated/schema";
import { SECONDS_PER_DAY, dayIdOf, projectDayKey, projectKey } from "./ids";

// Writing changes only. graph-node's store.set merges the fields it is given into the stored entity (the others keep
// their values), and every field crossing the WASM boundary costs a host-side read (see README.md, benchmark). So a
// handler loads an entity in full (it needs the old values), but saves a *delta*: a fresh entity with the same id
// holding only the fields this event changed. A newly created entity is its own delta (it must be saved in full).
// The `…Delta` helpers below return that entity; a handler sets each changed field on both the loaded entity (when
// later code reads it) and the delta.

/** True when the entity named by the last loadProtocol / loadPosition call did not exist before this event. */
let protocolCreated = false;
/** The UTC day of the protocol's previous event (-1 when new): that day's ProtocolDaySnapshot exists. */
let protocolPreviousDay: i32 = -1;

/** The singleton, keyed by the machine's address (the event's emitter). */
export function loadProtocol(event: ethereum.Event): Protocol {
  let protocol = Protocol.load(event.address);
  protocolCreated = protocol == null;
  protocolPreviousDay = protocol == null ? -1 : dayIdOf(protocol.updatedAtTimestamp);
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

/**
 * The delta to save for `protocol` (just loaded by loadProtocol): the protocol itself when it was created by this
 * event, else a fresh entity carrying updatedAtBlock / updatedAtTimestamp; set the other changed fields on it.
 */
export function protocolDelta(protocol: Protocol): Protocol {
  if (protocolCreated) return protocol;
  let delta = new Protocol(protocol.id);
  delta.updatedAtBlock = protocol.updatedAtBlock;
  delta.updatedAtTimestamp = protocol.updatedAtTimestamp;
  return delta;
}

/** True when the protocol's snapshot for the event's day surely exists (the protocol's previous event was that day). */
export function protocolDayExists(event: ethereum.Event): boolean {
  return protocolPreviousDay == dayIdOf(event.block.timestamp);
}

/** A launched project. Every machine event that names a project comes after its ProjectLaunched. */
export function loadProject(projectId: BigInt): Project {
  let project = Project.load(projectKey(projectId));
  if (project == null) log.critical("event for unknown project {}", [projectId.toString()]);
  return project!;
}

let positionCreated = false;

/**
 * The account and its position, created (closed, empty) on first sight; counts new accounts. A position is always
 * saved with its account, so an existing position means an existing account (not loaded then).
 */
export function loadPosition(accountAddress: Address, event: ethereum.Event, protocol: Protocol): Position {
  let position = Position.load(accountAddress);
  positionCreated = position == null;
  if (position != null) {
    position.updatedAtBlock = event.block.number;
    position.updatedAtTimestamp = event.block.timestamp;
    return position;
  }
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
  {
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

/** True when the last loadPosition created the position (and maybe the account, counted in protocol.accountCount). */
export function positionWasCreated(): boolean {
  return positionCreated;
}

/** The delta to save for `position` (just loaded by loadPosition); see protocolDelta. */
export function positionDelta(position: Position): Position {
  if (positionCreated) return position;
  let delta = new Position(position.id);
  delta.updatedAtBlock = position.updatedAtBlock;
  delta.updatedAtTimestamp = position.updatedAtTimestamp;
  return delta;
}

/**
 * The project's snapshot for the event's day, with its end-of-day state refreshed from `project` (call it after
 * updating the project). The caller adds the daily increments and saves.
 */
export function projectDay(project: Project, event: ethereum.Event, load: boolean = true): ProjectDaySnapshot {
  let dayId = dayIdOf(event.block.timestamp);
  let id = projectDayKey(project.projectId, dayId);
  let day = load ? ProjectDaySnapshot.load(id) : null;
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

/** The stored snapshot behind the last projectDayDelta / protocolDayDelta (read old daily sums from it). */
let projectDayStored: ProjectDaySnapshot | null = null;
let protocolDayStored: ProtocolDaySnapshot | null = null;

/**
 * What to save for the project's snapshot of the event's day: when the day has none yet, the new snapshot with its
 * end-of-day state refreshed from `project` (call it after updating the project); else a delta (the id only), on
 * which the caller sets the project fields it changed (the stored snapshot already holds the project's state as of
 * its previous event: every change to a copied project field refreshes the day). Daily sums: projectDayBefore().
 */
export function projectDayDelta(project: Project, event: ethereum.Event): ProjectDaySnapshot {
  let dayId = dayIdOf(event.block.timestamp);
  let id = projectDayKey(project.projectId, dayId);
  let stored = ProjectDaySnapshot.load(id);
  if (stored == null) {
    let day = projectDay(project, event, false);
    projectDayStored = day;
    return day;
  }
  projectDayStored = stored;
  return new ProjectDaySnapshot(id);
}

export function projectDayBefore(): ProjectDaySnapshot {
  return projectDayStored!;
}

/**
 * Like projectDayDelta, for the protocol's snapshot. With `readsDailySums` false and the day's snapshot known to
 * exist (the protocol's previous event was that day), nothing is loaded.
 */
export function protocolDayDelta(protocol: Protocol, event: ethereum.Event, readsDailySums: boolean): ProtocolDaySnapshot {
  let dayId = dayIdOf(event.block.timestamp);
  let id = dayId.toString();
  if (!readsDailySums && protocolDayExists(event)) return new ProtocolDaySnapshot(id);
  let stored = ProtocolDaySnapshot.load(id);
  if (stored == null) {
    let day = protocolDay(protocol, event, false);
    protocolDayStored = day;
    return day;
  }
  protocolDayStored = stored;
  return new ProtocolDaySnapshot(id);
}

export function protocolDayBefore(): ProtocolDaySnapshot {
  return protocolDayStored!;
}

/** The protocol's snapshot for the event's day, refreshed from `protocol` (call it after updating the protocol). */
export function protocolDay(protocol: Protocol, event: ethereum.Event, load: boolean = true): ProtocolDaySnapshot {
  let dayId = dayIdOf(event.block.timestamp);
  let id = dayId.toString();
  let day = load ? ProtocolDaySnapshot.load(id) : null;
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
