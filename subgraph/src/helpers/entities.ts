// Loading and creating the mutable entities (running totals and daily snapshots).
import { Address, BigInt, Bytes, Entity, Value, ethereum, log, store } from "@graphprotocol/graph-ts";
import { Account, Position, Project, ProjectDaySnapshot, Protocol, ProtocolDaySnapshot } from "../../generated/schema";
import { SECONDS_PER_DAY, dayIdOf, projectDayKey, projectKey } from "./ids";

// Writing changes only. graph-node's store.set merges the fields it is given into the stored entity (the others keep
// their values), and every field crossing the WASM boundary costs a host-side read (see README.md, benchmark). So a
// handler loads an entity in full (it needs the old values), but saves a *delta*: a fresh entity with the same id
// holding only the fields this event changed. A newly created entity is its own delta (it must be saved in full).
// The `…Delta` helpers below return that entity; a handler sets each changed field on both the loaded entity (when
// later code reads it) and the delta.

// Changed fields of the day snapshots, found without bookkeeping in the handlers: a generated setter replaces the
// field's Value object, so a field whose Value is no longer the one the load returned has changed. A loaded snapshot is
// saved as those fields only (nothing at all when none changed) instead of all of its fields.

class Loaded {
  entity: Entity;
  values: Array<Value>;
  constructor(entity: Entity) {
    this.entity = entity;
    let entries = entity.entries;
    let values = new Array<Value>(entries.length);
    for (let i = 0; i < entries.length; i++) values[i] = entries[i].value;
    this.values = values;
  }
}

/** Entities loaded by this handler (a WASM instance serves one handler call), with their values as loaded. */
let loaded = new Array<Loaded>();

function track<T extends Entity>(entity: T): T {
  loaded.push(new Loaded(entity));
  return entity;
}

/** Saves the fields of `entity` that changed since it was loaded (all of them when it was not loaded but created). */
function saveChanged(type: string, id: string, entity: Entity): void {
  let values: Array<Value> | null = null;
  for (let i = 0; i < loaded.length; i++) {
    if (changetype<usize>(loaded[i].entity) == changetype<usize>(entity)) {
      values = loaded[i].values;
      break;
    }
  }
  if (values == null) {
    store.set(type, id, entity);
    return;
  }
  let before = values!;
  let entries = entity.entries;
  let delta = new Entity();
  for (let i = 0; i < entries.length; i++) {
    if (i >= before.length || changetype<usize>(entries[i].value) != changetype<usize>(before[i]))
      delta.entries.push(entries[i]);
  }
  if (delta.entries.length > 0) store.set(type, id, delta);
}

/** Saves a project's day snapshot (changed fields only when it was loaded, in full when created). */
export function saveProjectDay(day: ProjectDaySnapshot): void {
  saveChanged("ProjectDaySnapshot", day.id, day);
}

/** Saves the protocol's day snapshot (changed fields only when it was loaded, in full when created). */
export function saveProtocolDay(day: ProtocolDaySnapshot): void {
  saveChanged("ProtocolDaySnapshot", day.id, day);
}

// The day snapshots hold the figures the frequent events change. graph-node stores a new version of an entity for
// every block that changes it, so those figures are not also kept on Protocol / Project (a second version per event):
// their current values are in the latest day snapshot, which Protocol.latestDay / Project.latestDay name (written
// once per day). Invariant: the latest snapshot holds the current value of every state field it has, because every
// handler that changes one writes today's snapshot. A day's first snapshot is made from the previous latest one (its
// state fields carried, its daily fields zero).
//
// The frequent handlers (deposit, top-up, reallocation, claim, yield checkpoint) load today's snapshot only, not the
// Protocol / Project, and save its changed fields; on the day's first event the Protocol / Project is loaded (for its
// latestDay) and saved with the new link, once per day. The rare handlers load the Protocol / Project in full, and
// get today's snapshot from it (protocolDayOf / projectDayOf).

/** True when the last loadProtocol call created the Protocol. */
let protocolCreated = false;

/** The singleton, keyed by the machine's address (the event's emitter); created with its first event. */
export function loadProtocol(event: ethereum.Event): Protocol {
  let protocol = Protocol.load(event.address);
  protocolCreated = protocol == null;
  if (protocol == null) {
    protocol = new Protocol(event.address);
    protocol.latestDay = "";
    protocol.projectCount = 0;
    protocol.cumulativeWithdrawn = BigInt.zero();
    protocol.cumulativeStEthPaid = BigInt.zero();
    protocol.totalYieldShares = BigInt.zero();
    protocol.totalYieldStEth = BigInt.zero();
    protocol.totalBountyStEth = BigInt.zero();
    protocol.totalWstEthWrapped = BigInt.zero();
    protocol.totalWstEthAdded = BigInt.zero();
    protocol.totalWstEthSwapped = BigInt.zero();
    protocol.totalWstEthDeployed = BigInt.zero();
    protocol.totalStepBountyWstEth = BigInt.zero();
    protocol.totalLiquidityMinted = BigInt.zero();
    protocol.depositsPaused = false;
    protocol.harvestsPaused = false;
    protocol.withdrawalCount = 0;
    protocol.deficitWithdrawalCount = 0;
    protocol.contributorClaimCount = 0;
    protocol.harvestCount = 0;
    protocol.deployStepCount = 0;
  }
  return protocol;
}

/** A new protocol snapshot for `dayId`: the state of `previous` (the latest one; none before the first), daily sums 0. */
function newProtocolDay(dayId: i32, previous: ProtocolDaySnapshot | null): ProtocolDaySnapshot {
  let day = new ProtocolDaySnapshot(dayId.toString());
  day.dayId = dayId;
  day.dayStartTimestamp = BigInt.fromI64(i64(dayId) * SECONDS_PER_DAY);
  day.dailyDeposited = BigInt.zero();
  day.dailyWithdrawn = BigInt.zero();
  day.dailyStEthPaid = BigInt.zero();
  day.dailyYieldShares = BigInt.zero();
  day.dailyYieldStEth = BigInt.zero();
  day.dailyYieldAssignedShares = BigInt.zero();
  day.dailyWstEthWrapped = BigInt.zero();
  day.dailyWstEthDeployed = BigInt.zero();
  day.dailyWstEthAdded = BigInt.zero();
  day.dailyLiquidityMinted = BigInt.zero();
  day.dailyDepositCount = 0;
  day.dailyWithdrawalCount = 0;
  day.dailyHarvestCount = 0;
  day.dailyDeployStepCount = 0;
  day.dailyClaimCount = 0;
  if (previous == null) {
    day.totalPrincipal = BigInt.zero();
    day.depositorCount = 0;
    day.projectCount = 0;
    day.cumulativeDeposited = BigInt.zero();
    day.cumulativeWithdrawn = BigInt.zero();
    day.cumulativeStEthPaid = BigInt.zero();
    day.cumulativeYieldShares = BigInt.zero();
    day.cumulativeYieldStEth = BigInt.zero();
    day.cumulativeYieldAssignedShares = BigInt.zero();
    day.accYieldIndex = BigInt.zero();
    day.cumulativeWstEthWrapped = BigInt.zero();
    day.cumulativeWstEthDeployed = BigInt.zero();
    day.cumulativeWstEthAdded = BigInt.zero();
    day.cumulativeLiquidityMinted = BigInt.zero();
    day.accountCount = 0;
    day.depositCount = 0;
    day.topUpCount = 0;
    day.reallocationCount = 0;
    day.claimCount = 0;
    day.yieldAssignmentCount = 0;
  } else {
    let p = previous as ProtocolDaySnapshot;
    day.totalPrincipal = p.totalPrincipal;
    day.depositorCount = p.depositorCount;
    day.projectCount = p.projectCount;
    day.cumulativeDeposited = p.cumulativeDeposited;
    day.cumulativeWithdrawn = p.cumulativeWithdrawn;
    day.cumulativeStEthPaid = p.cumulativeStEthPaid;
    day.cumulativeYieldShares = p.cumulativeYieldShares;
    day.cumulativeYieldStEth = p.cumulativeYieldStEth;
    day.cumulativeYieldAssignedShares = p.cumulativeYieldAssignedShares;
    day.accYieldIndex = p.accYieldIndex;
    day.cumulativeWstEthWrapped = p.cumulativeWstEthWrapped;
    day.cumulativeWstEthDeployed = p.cumulativeWstEthDeployed;
    day.cumulativeWstEthAdded = p.cumulativeWstEthAdded;
    day.cumulativeLiquidityMinted = p.cumulativeLiquidityMinted;
    day.accountCount = p.accountCount;
    day.depositCount = p.depositCount;
    day.topUpCount = p.topUpCount;
    day.reallocationCount = p.reallocationCount;
    day.claimCount = p.claimCount;
    day.yieldAssignmentCount = p.yieldAssignmentCount;
  }
  return day;
}

function stampProtocolDay(day: ProtocolDaySnapshot, event: ethereum.Event): ProtocolDaySnapshot {
  day.updatedAtBlock = event.block.number;
  day.updatedAtTimestamp = event.block.timestamp;
  return day;
}

/**
 * The protocol's snapshot of the event's day, for a handler that does not load the Protocol: the stored one (save it
 * with saveProtocolDay: its changed fields only), or, on the day's first event, a new one carried from the latest
 * (the Protocol is loaded for its latestDay and saved with the new link here; created on the protocol's first event).
 */
export function loadProtocolDay(event: ethereum.Event): ProtocolDaySnapshot {
  let dayId = dayIdOf(event.block.timestamp);
  let id = dayId.toString();
  let stored = ProtocolDaySnapshot.load(id);
  if (stored != null) return stampProtocolDay(track(stored!), event);
  let protocol = loadProtocol(event);
  let day = newProtocolDay(dayId, protocolCreated ? null : ProtocolDaySnapshot.load(protocol.latestDay));
  if (protocolCreated) {
    protocol.latestDay = id;
    protocol.save();
  } else {
    let change = new Protocol(protocol.id);
    change.latestDay = id;
    change.save();
  }
  return stampProtocolDay(day, event);
}

/**
 * The protocol's snapshot of the event's day, for a handler that loaded the Protocol (loadProtocol): the stored one,
 * or a new one carried from the latest; then `protocol.latestDay` names it (the caller saves the protocol). The
 * fields the Protocol also holds are refreshed from it (call this after updating the protocol).
 */
export function protocolDayOf(protocol: Protocol, event: ethereum.Event): ProtocolDaySnapshot {
  let dayId = dayIdOf(event.block.timestamp);
  let id = dayId.toString();
  let day: ProtocolDaySnapshot;
  if (protocol.latestDay == id) day = track(ProtocolDaySnapshot.load(id)!);
  else {
    day = newProtocolDay(dayId, protocol.latestDay == "" ? null : ProtocolDaySnapshot.load(protocol.latestDay));
    protocol.latestDay = id;
  }
  day.projectCount = protocol.projectCount;
  day.cumulativeWithdrawn = protocol.cumulativeWithdrawn;
  day.cumulativeStEthPaid = protocol.cumulativeStEthPaid;
  day.cumulativeYieldShares = protocol.totalYieldShares;
  day.cumulativeYieldStEth = protocol.totalYieldStEth;
  day.cumulativeWstEthWrapped = protocol.totalWstEthWrapped;
  day.cumulativeWstEthDeployed = protocol.totalWstEthDeployed;
  day.cumulativeWstEthAdded = protocol.totalWstEthAdded;
  day.cumulativeLiquidityMinted = protocol.totalLiquidityMinted;
  return stampProtocolDay(day, event);
}

/** A launched project. Every machine event that names a project comes after its ProjectLaunched. */
export function loadProject(projectId: BigInt): Project {
  let project = Project.load(projectKey(projectId));
  if (project == null) log.critical("event for unknown project {}", [projectId.toString()]);
  return project!;
}

let positionCreated = false;
let accountCreated = false;

/**
 * The account and its position, created (closed, empty) on first sight (see accountWasCreated). A position is always
 * saved with its account, so an existing position means an existing account (not loaded then).
 */
export function loadPosition(accountAddress: Address, event: ethereum.Event): Position {
  let position = Position.load(accountAddress);
  positionCreated = position == null;
  accountCreated = false;
  if (position != null) {
    position.updatedAtBlock = event.block.number;
    position.updatedAtTimestamp = event.block.timestamp;
    return position;
  }
  let account = Account.load(accountAddress);
  if (account == null) {
    account = new Account(accountAddress);
    account.position = accountAddress;
    account.firstSeenAtBlock = event.block.number;
    account.firstSeenAtTimestamp = event.block.timestamp;
    account.save();
    accountCreated = true;
  }
  {
    position = new Position(accountAddress);
    position.account = accountAddress;
    position.principal = BigInt.zero();
    position.open = false;
    position.activeAllocations = new Array<Bytes>();
    position.activeBps = new Array<i32>();
    position.activeParts = new Array<BigInt>();
    position.cumulativeDeposited = BigInt.zero();
    position.cumulativeWithdrawn = BigInt.zero();
    position.cumulativeStEthPaid = BigInt.zero();
  }
  position.updatedAtBlock = event.block.number;
  position.updatedAtTimestamp = event.block.timestamp;
  return position;
}

/** True when the last loadPosition created the position (and so it has no allocation lines yet). */
export function positionWasCreated(): boolean {
  return positionCreated;
}

/** True when the last loadPosition created the account (the caller counts it in the day's accountCount). */
export function accountWasCreated(): boolean {
  return accountCreated;
}

/**
 * The delta to save for `position` (just loaded by loadPosition): the position itself when this event created it,
 * else a fresh entity carrying updatedAtBlock / updatedAtTimestamp; set the other changed fields on it.
 */
export function positionDelta(position: Position): Position {
  if (positionCreated) return position;
  let delta = new Position(position.id);
  delta.updatedAtBlock = position.updatedAtBlock;
  delta.updatedAtTimestamp = position.updatedAtTimestamp;
  return delta;
}

/** A new snapshot of project `key` for `dayId`: the state of `previous` (its latest; none at launch), daily sums 0. */
function newProjectDay(
  key: string,
  projectId: i32,
  dayId: i32,
  previous: ProjectDaySnapshot | null,
): ProjectDaySnapshot {
  let day = new ProjectDaySnapshot(projectDayKey(projectId, dayId));
  day.project = key;
  day.dayId = dayId;
  day.dayStartTimestamp = BigInt.fromI64(i64(dayId) * SECONDS_PER_DAY);
  day.dailyYieldShares = BigInt.zero();
  day.dailyYieldStEth = BigInt.zero();
  day.dailyBountyStEth = BigInt.zero();
  day.dailyWstEthWrapped = BigInt.zero();
  day.dailyWstEthDeployed = BigInt.zero();
  day.dailyWstEthAdded = BigInt.zero();
  day.dailyTokensBought = BigInt.zero();
  day.dailyTokensAdded = BigInt.zero();
  day.dailyLiquidityMinted = BigInt.zero();
  day.dailyClaimed = BigInt.zero();
  day.dailyContributorClaimed = BigInt.zero();
  day.dailyHarvestCount = 0;
  day.dailyDeployStepCount = 0;
  day.dailyStepBountyWstEth = BigInt.zero();
  if (previous == null) {
    day.allocatedPrincipal = BigInt.zero();
    day.depositorCount = 0;
    day.cumulativeYieldShares = BigInt.zero();
    day.cumulativeYieldStEth = BigInt.zero();
    day.cumulativeBountyStEth = BigInt.zero();
    day.pendingWstEth = BigInt.zero();
    day.cumulativeWstEthWrapped = BigInt.zero();
    day.cumulativeWstEthDeployed = BigInt.zero();
    day.cumulativeStepBountyWstEth = BigInt.zero();
    day.cumulativeWstEthAdded = BigInt.zero();
    day.cumulativeTokensBought = BigInt.zero();
    day.cumulativeTokensAdded = BigInt.zero();
    day.cumulativeLiquidityMinted = BigInt.zero();
    day.cumulativeClaimed = BigInt.zero();
    day.cumulativeContributorClaimed = BigInt.zero();
    day.tokenSupply = BigInt.zero();
    day.reserveWstEth = BigInt.zero();
    day.reserveTokens = BigInt.zero();
    day.lpTotalSupply = BigInt.zero();
  } else {
    let p = previous as ProjectDaySnapshot;
    day.allocatedPrincipal = p.allocatedPrincipal;
    day.depositorCount = p.depositorCount;
    day.cumulativeYieldShares = p.cumulativeYieldShares;
    day.cumulativeYieldStEth = p.cumulativeYieldStEth;
    day.cumulativeBountyStEth = p.cumulativeBountyStEth;
    day.pendingWstEth = p.pendingWstEth;
    day.cumulativeWstEthWrapped = p.cumulativeWstEthWrapped;
    day.cumulativeWstEthDeployed = p.cumulativeWstEthDeployed;
    day.cumulativeStepBountyWstEth = p.cumulativeStepBountyWstEth;
    day.cumulativeWstEthAdded = p.cumulativeWstEthAdded;
    day.cumulativeTokensBought = p.cumulativeTokensBought;
    day.cumulativeTokensAdded = p.cumulativeTokensAdded;
    day.cumulativeLiquidityMinted = p.cumulativeLiquidityMinted;
    day.cumulativeClaimed = p.cumulativeClaimed;
    day.cumulativeContributorClaimed = p.cumulativeContributorClaimed;
    day.tokenSupply = p.tokenSupply;
    day.reserveWstEth = p.reserveWstEth;
    day.reserveTokens = p.reserveTokens;
    day.lpTotalSupply = p.lpTotalSupply;
  }
  return day;
}

/** The first snapshot of a project, on its launch (its state all 0); sets `project.latestDay`. */
export function launchProjectDay(project: Project, event: ethereum.Event): ProjectDaySnapshot {
  let day = newProjectDay(project.id, project.projectId, dayIdOf(event.block.timestamp), null);
  project.latestDay = day.id;
  return day;
}

/**
 * The project's snapshot of the event's day, for a handler that loaded the Project (loadProject): the stored one,
 * or a new one carried from the latest; then `project.latestDay` names it (the caller saves the project). The fields
 * the Project also holds are refreshed from it (call this after updating the project); the caller adds the daily
 * increments and saves the snapshot with saveProjectDay.
 */
export function projectDayOf(project: Project, event: ethereum.Event): ProjectDaySnapshot {
  let dayId = dayIdOf(event.block.timestamp);
  let id = projectDayKey(project.projectId, dayId);
  let day: ProjectDaySnapshot;
  if (project.latestDay == id) day = track(ProjectDaySnapshot.load(id)!);
  else {
    day = newProjectDay(project.id, project.projectId, dayId, ProjectDaySnapshot.load(project.latestDay));
    project.latestDay = id;
  }
  day.cumulativeYieldShares = project.cumulativeYieldShares;
  day.cumulativeYieldStEth = project.cumulativeYieldStEth;
  day.cumulativeBountyStEth = project.cumulativeBountyStEth;
  day.pendingWstEth = project.pendingWstEth;
  day.cumulativeWstEthWrapped = project.cumulativeWstEthWrapped;
  day.cumulativeWstEthDeployed = project.cumulativeWstEthDeployed;
  day.cumulativeStepBountyWstEth = project.cumulativeStepBountyWstEth;
  day.cumulativeWstEthAdded = project.cumulativeWstEthAdded;
  day.cumulativeTokensBought = project.cumulativeTokensBought;
  day.cumulativeTokensAdded = project.cumulativeTokensAdded;
  day.cumulativeLiquidityMinted = project.cumulativeLiquidityMinted;
  day.cumulativeContributorClaimed = project.cumulativeContributorClaimed;
  day.reserveWstEth = project.reserveWstEth;
  day.reserveTokens = project.reserveTokens;
  day.lpTotalSupply = project.lpTotalSupply;
  return day;
}

/**
 * The snapshot of project `key` ("1", …) for the event's day, for a handler that does not load the Project: the stored
 * one (save it with saveProjectDay: its changed fields only), or, on the project's first event of the day, a new one
 * carried from the latest (the Project is loaded for its latestDay and saved with the new link here, once per project
 * and day). Every machine event naming a project follows its launch.
 */
export function loadProjectDay(key: string, event: ethereum.Event): ProjectDaySnapshot {
  let dayId = dayIdOf(event.block.timestamp);
  let projectId = I32.parseInt(key);
  let stored = ProjectDaySnapshot.load(projectDayKey(projectId, dayId));
  if (stored != null) return track(stored!);
  let project = Project.load(key);
  if (project == null) log.critical("event for unknown project {}", [key]);
  let day = newProjectDay(key, projectId, dayId, ProjectDaySnapshot.load(project!.latestDay));
  let change = new Project(key);
  change.latestDay = day.id;
  change.save();
  return day;
}
