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

/** True when the entity named by the last loadProtocol / loadPosition call did not exist before this event. */
let protocolCreated = false;

/** The singleton, keyed by the machine's address (the event's emitter). */
export function loadProtocol(event: ethereum.Event): Protocol {
  let protocol = Protocol.load(event.address);
  protocolCreated = protocol == null;
  if (protocol == null) {
    protocol = new Protocol(event.address);
    protocol.totalPrincipal = BigInt.zero();
    protocol.projectCount = 0;
    protocol.depositorCount = 0;
    protocol.accountCount = 0;
    protocol.cumulativeDeposited = BigInt.zero();
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
    protocol.deployStepCount = 0;
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

// The day snapshots double as the handlers' counters (issue 19: no separate counter entities, whose versions cost as
// much as the snapshots'). Invariant: the snapshot of the latest day with an event holds the current value of every
// state field it mirrors (Protocol's totalPrincipal, depositorCount, accountCount, cumulative deposited, yield assigned
// and event counts; Project's allocatedPrincipal, depositorCount, cumulativeClaimed, tokenSupply), because every handler
// that changes one of those fields writes the day snapshot too. So the frequent handlers (deposit, top-up,
// reallocation, claim, yield checkpoint) load today's snapshot only: when it exists it has the current values and the
// day's sums so far; when it does not (the first event of the day) it is made from the stored Protocol / Project,
// loaded then, once a day. They write the Protocol / Project as changed fields, without loading them. The rare
// handlers load the Protocol / Project in full and refresh the snapshot from it (protocolDay / projectDay).

/** The Protocol created by the last loadProtocolDay (the protocol's very first event), else null. */
let createdProtocol: Protocol | null = null;

/**
 * The protocol's snapshot of the event's day, for a handler that does not load the Protocol: the stored one (its
 * changed fields are saved by saveProtocolDay), or, on the day's first event, a new one from the stored Protocol
 * (created with it on the protocol's first event; see protocolChangeOf).
 */
export function loadProtocolDay(event: ethereum.Event): ProtocolDaySnapshot {
  createdProtocol = null;
  let day = ProtocolDaySnapshot.load(dayIdOf(event.block.timestamp).toString());
  if (day != null) return track(day!);
  let protocol = loadProtocol(event);
  if (protocolCreated) createdProtocol = protocol;
  return protocolDay(protocol, event, false);
}

/**
 * The Protocol delta for a handler that loaded the day snapshot only (loadProtocolDay): updatedAtBlock /
 * updatedAtTimestamp, to which the caller adds the fields it changed; on the protocol's first event the new
 * Protocol itself (saved in full).
 */
export function protocolChangeOf(event: ethereum.Event): Protocol {
  if (createdProtocol != null) return createdProtocol!;
  let delta = new Protocol(event.address);
  delta.updatedAtBlock = event.block.number;
  delta.updatedAtTimestamp = event.block.timestamp;
  return delta;
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

/** True when the last loadPosition created the account (the caller counts it in the protocol's accountCount). */
export function accountWasCreated(): boolean {
  return accountCreated;
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
  }
  day.allocatedPrincipal = project.allocatedPrincipal;
  day.depositorCount = project.depositorCount;
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
  day.cumulativeClaimed = project.cumulativeClaimed;
  day.cumulativeContributorClaimed = project.cumulativeContributorClaimed;
  day.tokenSupply = project.tokenSupply;
  day.reserveWstEth = project.reserveWstEth;
  day.reserveTokens = project.reserveTokens;
  day.lpTotalSupply = project.lpTotalSupply;
  return day;
}

/**
 * The project's snapshot of the event's day (`key` = the project's id), for a handler that does not load the Project:
 * the stored one (its changed fields are saved by saveProjectDay), or, on the project's first event of the day, a new
 * one from the stored Project (loaded here, once per project and day). Every machine event naming a project follows
 * its launch.
 */
export function loadProjectDay(key: string, event: ethereum.Event): ProjectDaySnapshot {
  let dayId = dayIdOf(event.block.timestamp);
  let day = ProjectDaySnapshot.load(projectDayKey(I32.parseInt(key), dayId));
  if (day != null) return track(day!);
  let project = Project.load(key);
  if (project == null) log.critical("event for unknown project {}", [key]);
  return projectDay(project!, event, false);
}

/** The protocol's snapshot for the event's day, refreshed from `protocol` (call it after updating the protocol). */
export function protocolDay(protocol: Protocol, event: ethereum.Event, load: boolean = true): ProtocolDaySnapshot {
  let dayId = dayIdOf(event.block.timestamp);
  let id = dayId.toString();
  let day = load ? ProtocolDaySnapshot.load(id) : null;
  if (day == null) {
    day = new ProtocolDaySnapshot(id);
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
  }
  day.totalPrincipal = protocol.totalPrincipal;
  day.depositorCount = protocol.depositorCount;
  day.projectCount = protocol.projectCount;
  day.cumulativeDeposited = protocol.cumulativeDeposited;
  day.cumulativeWithdrawn = protocol.cumulativeWithdrawn;
  day.cumulativeStEthPaid = protocol.cumulativeStEthPaid;
  day.cumulativeYieldShares = protocol.totalYieldShares;
  day.cumulativeYieldStEth = protocol.totalYieldStEth;
  day.cumulativeYieldAssignedShares = protocol.totalYieldAssignedShares;
  day.cumulativeWstEthWrapped = protocol.totalWstEthWrapped;
  day.cumulativeWstEthDeployed = protocol.totalWstEthDeployed;
  day.cumulativeWstEthAdded = protocol.totalWstEthAdded;
  day.cumulativeLiquidityMinted = protocol.totalLiquidityMinted;
  day.accountCount = protocol.accountCount;
  day.depositCount = protocol.depositCount;
  day.topUpCount = protocol.topUpCount;
  day.reallocationCount = protocol.reallocationCount;
  day.claimCount = protocol.claimCount;
  day.yieldAssignmentCount = protocol.yieldAssignmentCount;
  return day;
}
