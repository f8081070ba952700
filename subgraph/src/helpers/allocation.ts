// Applies a position's new allocation, as carried by Deposited / ToppedUp / Reallocated / Withdrawn, to the stored
// PositionAllocation lines and to each project's allocatedPrincipal — by the difference between the stored parts
// and the event's parts, including projects that dropped out. No contract call: the events carry everything.
import { BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import { Position, PositionAllocation, Project, ProjectCounters } from "../../generated/schema";
import { loadCounters, openProjectDay, projectDaySnapshot } from "./entities";
import { allocationId, projectKey } from "./ids";

function indexOf(ids: Array<Bytes>, id: Bytes): i32 {
  for (let i = 0; i < ids.length; i++) {
    if (ids[i].equals(id)) return i;
  }
  return -1;
}

/**
 * The project moved by an allocation change (its counters already updated, `fresh` from openProjectDay): saves the
 * counters, and the changed fields only (allocatedPrincipal, depositorCount) on the project and its day snapshot
 * (whose daily sums an allocation change does not touch). The Project itself is not loaded.
 */
function saveProjectAllocation(counters: ProjectCounters, fresh: boolean, event: ethereum.Event): void {
  counters.save();
  let delta = new Project(counters.id);
  delta.allocatedPrincipal = counters.allocatedPrincipal;
  delta.depositorCount = counters.depositorCount;
  delta.save();
  let day = projectDaySnapshot(counters, fresh, event);
  day.allocatedPrincipal = counters.allocatedPrincipal;
  day.depositorCount = counters.depositorCount;
  day.save();
}

/**
 * Moves `position` to the allocation (projectIds[i], bps[i], parts[i]); an empty allocation closes every line.
 * Saves the allocations, the projects and their day snapshots; the caller saves the position (activeAllocations is
 * set on both `position` and `delta`). `before` are the position's current lines when the caller loaded them
 * already (currentLines), else null.
 */
export function applyAllocation(
  position: Position,
  delta: Position,
  projectIds: Array<BigInt>,
  bps: Array<i32>,
  parts: Array<BigInt>,
  event: ethereum.Event,
  before: Array<PositionAllocation> | null,
): void {
  let next = new Array<Bytes>(projectIds.length);
  for (let i = 0; i < projectIds.length; i++) next[i] = allocationId(position.id, projectIds[i]);

  // Lines that dropped out: their whole part leaves the project.
  let previous = position.activeAllocations;
  let blockNumber = event.block.number;
  let timestamp = event.block.timestamp;
  for (let i = 0; i < previous.length; i++) {
    if (indexOf(next, previous[i]) >= 0) continue;
    let line = before != null ? before[i] : PositionAllocation.load(previous[i])!;
    let counters = loadCounters(line.project);
    let fresh = openProjectDay(counters, event);
    counters.allocatedPrincipal = counters.allocatedPrincipal.minus(line.principal);
    counters.depositorCount = counters.depositorCount - 1;
    saveProjectAllocation(counters, fresh, event);
    let change = new PositionAllocation(line.id);
    change.principal = BigInt.zero();
    change.bps = 0;
    change.active = false;
    change.updatedAtBlock = blockNumber;
    change.updatedAtTimestamp = timestamp;
    change.save();
  }

  // Lines kept or added: the project moves by the difference between the new and the stored part.
  for (let i = 0; i < projectIds.length; i++) {
    let kept = before != null ? indexOf(previous, next[i]) : -1;
    let line = kept >= 0 ? before![kept] : PositionAllocation.load(next[i]);
    let change: PositionAllocation;
    let oldPrincipal: BigInt;
    let wasActive: boolean;
    if (line == null) {
      change = newAllocation(position, projectIds[i], event);
      oldPrincipal = change.principal;
      wasActive = false;
    } else {
      change = new PositionAllocation(line.id);
      oldPrincipal = line.principal;
      wasActive = line.active;
    }
    let counters = loadCounters(projectKey(projectIds[i]));
    let fresh = openProjectDay(counters, event);
    counters.allocatedPrincipal = counters.allocatedPrincipal.plus(parts[i]).minus(oldPrincipal);
    if (!wasActive) counters.depositorCount = counters.depositorCount + 1;
    saveProjectAllocation(counters, fresh, event);
    change.principal = parts[i];
    change.bps = bps[i];
    change.active = true;
    change.updatedAtBlock = blockNumber;
    change.updatedAtTimestamp = timestamp;
    change.save();
  }
  position.activeAllocations = next;
  delta.activeAllocations = next;
}

/** An inactive, empty line (also used when a claim names a line the store has not seen). */
export function newAllocation(position: Position, projectId: BigInt, event: ethereum.Event): PositionAllocation {
  let line = new PositionAllocation(allocationId(position.id, projectId));
  line.account = position.id; // = position.account (both are the account's address)
  line.position = position.id;
  line.project = projectKey(projectId);
  line.bps = 0;
  line.principal = BigInt.zero();
  line.active = false;
  line.claimed = BigInt.zero();
  line.claimCount = 0;
  line.createdAtTimestamp = event.block.timestamp;
  line.updatedAtBlock = event.block.number;
  line.updatedAtTimestamp = event.block.timestamp;
  return line;
}

/** Project ids and bps of the position's current lines, in order (for the Reallocation record). */
export function currentLines(position: Position): Array<PositionAllocation> {
  let ids = position.activeAllocations;
  let lines = new Array<PositionAllocation>(ids.length);
  for (let i = 0; i < ids.length; i++) lines[i] = PositionAllocation.load(ids[i])!;
  return lines;
}
