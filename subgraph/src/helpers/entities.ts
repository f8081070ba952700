// Loading and creating the mutable entities (running totals and daily snapshots).
import { Address, BigInt, Bytes, Entity, Value, ethereum, log, store } from "@graphprotocol/graph-ts";
import {
  Account,
  Position,
  Project,
  ProjectCounters,
  ProjectDaySnapshot,
  Protocol,
  ProtocolCounters,
  ProtocolDaySnapshot,
} from "../../generated/schema";
import { SECONDS_PER_DAY, dayIdOf, projectDayKey, projectKey } from "./ids";

// Writing changes only. graph-node's store.set merges the fields it is given into the stored entity (the others keep
// their values), and every field crossing the WASM boundary costs a host-side read (see README.md, benchmark). So a
// handler loads an entity in full (it needs the old values), but saves a *delta*: a fresh entity with the same id
// holding only the fields this event changed. A newly created entity is its own delta (it must be saved in full).
// The `…Delta` helpers below return that entity; a handler sets each changed field on both the loaded entity (when
// later code reads it) and the delta.

// Changed fields of the counters, found without bookkeeping in the handlers: a generated setter replaces the field's
// Value object, so a field whose Value is no longer the one the load returned has changed. The counters are saved
// as those fields only (nothing at all when none changed) instead of all of their fields.

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
    if (i >= before.length || changetype<usize>(entries[i].value) != changetype<usize>(before[i])) delta.entries.push(entries[i]);
  }
  if (delta.entries.length > 0) store.set(type, id, delta);
}

/** Saves a project's counters (changed fields only when they were loaded). */
export function saveProjectCounters(counters: ProjectCounters): void {
  saveChanged("ProjectCounters", counters.id, counters);
}

/** Saves the protocol's counters (changed fields only when they were loaded). */
export function saveProtocolCounters(counters: ProtocolCounters): void {
  saveChanged("ProtocolCounters", counters.id.toHexString(), counters);
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

// ProtocolCounters: the hot part of the protocol (see schema.graphql). Invariant: its mirrored fields equal the
// Protocol's. The frequent handlers (deposit, top-up, reallocation, claim, yield checkpoint) load the counters only,
// and save the Protocol and the day snapshot as changed fields; the others load the Protocol in full and copy it to
// the counters (syncProtocolCounters). Every handler that writes a ProtocolDaySnapshot calls openProtocolDay first.

/** The Protocol created by the last loadProtocolCounters (the protocol's very first event), else null. */
let createdProtocol: Protocol | null = null;

/** The counters for a handler that does not load the Protocol; on the protocol's first event, creates both. */
export function loadProtocolCounters(event: ethereum.Event): ProtocolCounters {
  createdProtocol = null;
  let counters = ProtocolCounters.load(event.address);
  if (counters != null) return track(counters!);
  let protocol = loadProtocol(event);
  if (protocolCreated) createdProtocol = protocol;
  return protocolCountersOf(protocol);
}

/** The counters for a handler that loaded the Protocol in full (created with it when new: no day yet). */
export function protocolCountersOf(protocol: Protocol): ProtocolCounters {
  let counters = ProtocolCounters.load(protocol.id);
  if (counters != null) return track(counters!);
  counters = new ProtocolCounters(protocol.id);
  counters.dayId = -1;
  syncProtocolCounters(protocol, counters);
  counters.dayOpenDeposited = BigInt.zero();
  counters.dayOpenDepositCount = 0;
  counters.dayOpenClaimCount = 0;
  counters.dayOpenYieldAssignedShares = BigInt.zero();
  return counters;
}

/** Copies the mirrored fields of a fully loaded (and updated) Protocol to its counters. */
export function syncProtocolCounters(protocol: Protocol, counters: ProtocolCounters): void {
  counters.accountCount = protocol.accountCount;
  counters.depositorCount = protocol.depositorCount;
  counters.cumulativeDeposited = protocol.cumulativeDeposited;
  counters.depositCount = protocol.depositCount;
  counters.topUpCount = protocol.topUpCount;
  counters.reallocationCount = protocol.reallocationCount;
  counters.claimCount = protocol.claimCount;
  counters.totalYieldAssignedShares = protocol.totalYieldAssignedShares;
  counters.yieldAssignmentCount = protocol.yieldAssignmentCount;
}

/**
 * Call before changing `counters`: when the event's day has no protocol snapshot yet, moves the counters to that day
 * (day-open values = the counters before this event) and returns true.
 */
export function openProtocolDay(counters: ProtocolCounters, event: ethereum.Event): boolean {
  let dayId = dayIdOf(event.block.timestamp);
  if (counters.dayId == dayId) return false;
  counters.dayId = dayId;
  counters.dayOpenDeposited = counters.cumulativeDeposited;
  counters.dayOpenDepositCount = counters.depositCount + counters.topUpCount;
  counters.dayOpenClaimCount = counters.claimCount;
  counters.dayOpenYieldAssignedShares = counters.totalYieldAssignedShares;
  return true;
}

/**
 * The Protocol delta for a handler that loaded the counters only (loadProtocolCounters): updatedAtBlock /
 * updatedAtTimestamp, to which the caller adds the fields it changed; on the protocol's first event the new
 * Protocol itself (saved in full).
 */
export function protocolChangeOf(counters: ProtocolCounters, event: ethereum.Event): Protocol {
  if (createdProtocol != null) return createdProtocol!;
  let delta = new Protocol(counters.id);
  delta.updatedAtBlock = event.block.number;
  delta.updatedAtTimestamp = event.block.timestamp;
  return delta;
}

/**
 * What to save for the protocol's snapshot of the event's day, for a handler that loaded the counters only (after
 * updating them and saving the Protocol delta; `fresh` from openProtocolDay). A fresh day: the new snapshot in full,
 * its state from the stored Protocol (loaded here, once a day) with the counters' values, daily sums 0; else a
 * delta (the id only), on which the caller sets the fields it changed and the daily sums (counters − day-open).
 */
export function protocolDaySnapshotOf(counters: ProtocolCounters, fresh: boolean, event: ethereum.Event): ProtocolDaySnapshot {
  if (!fresh) return new ProtocolDaySnapshot(counters.dayId.toString());
  let protocol = createdProtocol != null ? createdProtocol! : Protocol.load(counters.id)!;
  protocol.depositorCount = counters.depositorCount;
  protocol.cumulativeDeposited = counters.cumulativeDeposited;
  protocol.totalYieldAssignedShares = counters.totalYieldAssignedShares;
  return protocolDay(protocol, event, false);
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
  day.reserveWstEth = project.reserveWstEth;
  day.reserveTokens = project.reserveTokens;
  day.lpTotalSupply = project.lpTotalSupply;
  return day;
}

// ProjectCounters: the hot part of a project (see schema.graphql). Invariant: its allocatedPrincipal, depositorCount,
// cumulativeClaimed and tokenSupply equal the Project's; every handler that changes one of them saves both (the
// Project as changed fields only), and every handler that writes a ProjectDaySnapshot goes through
// openProjectDay, so that dayId / dayOpenClaimed describe the project's latest snapshot.

/** The counters created with the project (ProjectLaunched), all zero, day = the launch day. */
export function newProjectCounters(id: string, event: ethereum.Event): ProjectCounters {
  let counters = new ProjectCounters(id);
  counters.dayId = dayIdOf(event.block.timestamp);
  counters.allocatedPrincipal = BigInt.zero();
  counters.depositorCount = 0;
  counters.cumulativeClaimed = BigInt.zero();
  counters.tokenSupply = BigInt.zero();
  counters.dayOpenClaimed = BigInt.zero();
  return counters;
}

/** A launched project's counters (id = the project's id). Every machine event naming a project follows its launch. */
export function loadCounters(id: string): ProjectCounters {
  let counters = ProjectCounters.load(id);
  if (counters == null) log.critical("event for unknown project {}", [id]);
  return track(counters!);
}

/**
 * Call before changing `counters`: when the event's day has no snapshot of the project yet, moves the counters to
 * that day (dayOpenClaimed = cumulativeClaimed before this event) and returns true.
 */
export function openProjectDay(counters: ProjectCounters, event: ethereum.Event): boolean {
  let dayId = dayIdOf(event.block.timestamp);
  if (counters.dayId == dayId) return false;
  counters.dayId = dayId;
  counters.dayOpenClaimed = counters.cumulativeClaimed;
  return true;
}

/**
 * What to save for the project's snapshot of the event's day, after the counters were updated; `fresh` is what
 * openProjectDay returned. A fresh day: the new snapshot in full, its end-of-day state from the stored Project (loaded
 * here, once per project and day) with the counters' values; else a delta (the id only; the stored snapshot holds the
 * project's state as of its previous event), on which the caller sets the fields it changed.
 */
export function projectDaySnapshot(counters: ProjectCounters, fresh: boolean, event: ethereum.Event): ProjectDaySnapshot {
  if (!fresh) return new ProjectDaySnapshot(projectDayKey(I32.parseInt(counters.id), counters.dayId));
  let project = Project.load(counters.id)!;
  project.allocatedPrincipal = counters.allocatedPrincipal;
  project.depositorCount = counters.depositorCount;
  project.cumulativeClaimed = counters.cumulativeClaimed;
  project.tokenSupply = counters.tokenSupply;
  return projectDay(project, event, false);
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
  return day;
}
