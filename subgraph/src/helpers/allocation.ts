// Applies a position's new allocation, as carried by Deposited / ToppedUp / Reallocated / Withdrawn, to the stored
// PositionAllocation lines and to each project's allocatedPrincipal and depositorCount (in its day snapshot) — by the
// difference between the stored parts and the event's parts, including projects that dropped out. No contract call:
// the events carry everything.
import { BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import { Position, PositionAllocation } from "../../generated/schema";
import { loadProjectDay, saveProjectDay } from "./entities";
import { allocationId, projectKey, projectKeyOfAllocation } from "./ids";

function indexOf(ids: Array<Bytes>, id: Bytes): i32 {
  for (let i = 0; i < ids.length; i++) {
    if (ids[i].equals(id)) return i;
  }
  return -1;
}

/**
 * Moves `position` to the allocation (projectIds[i], bps[i], parts[i]); an empty allocation closes every line.
 * Saves the allocations and the projects' day snapshots; the caller saves the position (activeAllocations,
 * activeBps and activeParts are set on both `position` and `delta`). The position's current lines are known from
 * its activeAllocations / activeBps / activeParts, so kept and dropped lines are written as changes without being
 * loaded; only a line the position did not hold is loaded (it may exist, inactive, from an earlier allocation).
 * `created`: the position was created by this event (it has no lines at all then).
 */
export function applyAllocation(
  position: Position,
  delta: Position,
  projectIds: Array<BigInt>,
  bps: Array<i32>,
  parts: Array<BigInt>,
  event: ethereum.Event,
  created: boolean,
): void {
  let next = new Array<Bytes>(projectIds.length);
  for (let i = 0; i < projectIds.length; i++) next[i] = allocationId(position.id, projectIds[i]);

  // Lines that dropped out: their whole part leaves the project.
  let previous = position.activeAllocations;
  let previousBps = position.activeBps;
  let previousParts = position.activeParts;
  let blockNumber = event.block.number;
  let timestamp = event.block.timestamp;
  for (let i = 0; i < previous.length; i++) {
    if (indexOf(next, previous[i]) >= 0) continue;
    let key = projectKeyOfAllocation(previous[i]);
    let day = loadProjectDay(key, event);
    day.allocatedPrincipal = day.allocatedPrincipal.minus(previousParts[i]);
    day.depositorCount = day.depositorCount - 1;
    saveProjectDay(day);
    let change = new PositionAllocation(previous[i]);
    change.principal = BigInt.zero();
    change.bps = 0;
    change.active = false;
    change.updatedAtBlock = blockNumber;
    change.updatedAtTimestamp = timestamp;
    change.save();
  }

  // Lines kept or added: the project moves by the difference between the new and the previous part.
  for (let i = 0; i < projectIds.length; i++) {
    let kept = indexOf(previous, next[i]);
    let change: PositionAllocation;
    let oldPrincipal = BigInt.zero();
    if (kept >= 0) {
      change = new PositionAllocation(next[i]);
      oldPrincipal = previousParts[kept];
      if (previousBps[kept] != bps[i]) change.bps = bps[i];
    } else {
      // Not active before: principal 0, so the project gains the whole part and a depositor.
      let line: PositionAllocation | null = null;
      if (!created) line = PositionAllocation.load(next[i]);
      if (line == null) change = newAllocation(position, projectIds[i], event);
      else change = new PositionAllocation(next[i]);
      change.bps = bps[i];
      change.active = true;
    }
    let moved = kept < 0 || !parts[i].equals(oldPrincipal);
    // A kept line whose bps and part did not move changes nothing, neither itself nor its project: not written.
    if (!moved && previousBps[kept] == bps[i]) continue;
    if (moved) {
      change.principal = parts[i];
      let day = loadProjectDay(projectKey(projectIds[i]), event);
      if (kept < 0) day.depositorCount = day.depositorCount + 1;
      day.allocatedPrincipal = day.allocatedPrincipal.plus(parts[i]).minus(oldPrincipal);
      saveProjectDay(day);
    }
    change.updatedAtBlock = blockNumber;
    change.updatedAtTimestamp = timestamp;
    change.save();
  }
  position.activeAllocations = next;
  delta.activeAllocations = next;
  position.activeBps = bps;
  delta.activeBps = bps;
  position.activeParts = parts;
  delta.activeParts = parts;
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
