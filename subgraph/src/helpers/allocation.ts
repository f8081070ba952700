// Applies a position's new allocation, as carried by Deposited / ToppedUp / Reallocated / Withdrawn, to the stored
// PositionAllocation lines and to each project's allocatedPrincipal — by the difference between the stored parts
// and the event's parts, including projects that dropped out. No contract call: the events carry everything.
import { BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import { Position, PositionAllocation, Project } from "../../generated/schema";
import { loadProject, projectDay } from "./entities";
import { allocationId, projectKey } from "./ids";

function indexOf(ids: Array<Bytes>, id: Bytes): i32 {
  for (let i = 0; i < ids.length; i++) {
    if (ids[i].equals(id)) return i;
  }
  return -1;
}

function saveProject(project: Project, event: ethereum.Event): void {
  project.save();
  projectDay(project, event).save();
}

/**
 * Moves `position` to the allocation (projectIds[i], bps[i], parts[i]); an empty allocation closes every line.
 * Saves the allocations, the projects and their day snapshots; the caller saves the position.
 */
export function applyAllocation(
  position: Position,
  projectIds: Array<BigInt>,
  bps: Array<i32>,
  parts: Array<BigInt>,
  event: ethereum.Event,
): void {
  let next = new Array<Bytes>(projectIds.length);
  for (let i = 0; i < projectIds.length; i++) next[i] = allocationId(position.id, projectIds[i]);

  // Lines that dropped out: their whole part leaves the project.
  let previous = position.activeAllocations;
  for (let i = 0; i < previous.length; i++) {
    if (indexOf(next, previous[i]) >= 0) continue;
    let line = PositionAllocation.load(previous[i])!;
    let project = loadProject(BigInt.fromString(line.project));
    project.allocatedPrincipal = project.allocatedPrincipal.minus(line.principal);
    project.depositorCount = project.depositorCount - 1;
    saveProject(project, event);
    line.principal = BigInt.zero();
    line.bps = 0;
    line.active = false;
    line.updatedAtBlock = event.block.number;
    line.updatedAtTimestamp = event.block.timestamp;
    line.save();
  }

  // Lines kept or added: the project moves by the difference between the new and the stored part.
  for (let i = 0; i < projectIds.length; i++) {
    let line = PositionAllocation.load(next[i]);
    if (line == null) {
      line = newAllocation(position, projectIds[i], event);
    }
    let project = loadProject(projectIds[i]);
    project.allocatedPrincipal = project.allocatedPrincipal.plus(parts[i]).minus(line.principal);
    if (!line.active) project.depositorCount = project.depositorCount + 1;
    saveProject(project, event);
    line.principal = parts[i];
    line.bps = bps[i];
    line.active = true;
    line.updatedAtBlock = event.block.number;
    line.updatedAtTimestamp = event.block.timestamp;
    line.save();
  }
  position.activeAllocations = next;
}

/** An inactive, empty line (also used when a claim names a line the store has not seen). */
export function newAllocation(position: Position, projectId: BigInt, event: ethereum.Event): PositionAllocation {
  let line = new PositionAllocation(allocationId(position.id, projectId));
  line.account = position.account;
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
