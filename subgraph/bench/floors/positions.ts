// Benchmark floor 2 (not the subgraph): floor 1 (event records) plus each position and its lines kept current —
// written as changes, with no load where the event carries the new values (a top-up: the position and its k lines;
// a reallocation: one load of the position for the lines it drops, one load per line it did not hold). No account,
// project, protocol or day snapshot is touched by these events. Still a strict subset of what the subgraph must index.
import { BigInt, Bytes } from "@graphprotocol/graph-ts";
import { Claimed, Reallocated, ToppedUp } from "../../generated/TechnoCapitalMachine/TechnoCapitalMachine";
import { Position, PositionAllocation } from "../../generated/schema";
import { newAllocation } from "../../src/helpers/allocation";
import { allocationId, projectIdOfAllocation } from "../../src/helpers/ids";
import { saveClaimRecord, saveReallocationRecord, saveTopUpRecord } from "../../src/helpers/records";
export {
  handleProjectLaunched,
  handleDeposited,
  handleWithdrawn,
  handleContributorClaimed,
  handleYieldAssigned,
  handleHarvested,
  handleDeployed,
  handlePauseSet,
  handleMetadataURISet,
  handleContributorShareLowered,
  handleContributorRecipientSet,
  handleProjectOwnershipTransferred,
} from "../../src/mappings/machine";

function indexOf(ids: Array<Bytes>, id: Bytes): i32 {
  for (let i = 0; i < ids.length; i++) {
    if (ids[i].equals(id)) return i;
  }
  return -1;
}

export function handleToppedUp(event: ToppedUp): void {
  let p = event.params;
  let position = new Position(p.account);
  position.principal = p.principal;
  position.activeParts = p.parts;
  position.updatedAtBlock = event.block.number;
  position.updatedAtTimestamp = event.block.timestamp;
  position.save();
  for (let i = 0; i < p.projectIds.length; i++) {
    let line = new PositionAllocation(allocationId(p.account, p.projectIds[i]));
    line.principal = p.parts[i];
    line.updatedAtBlock = event.block.number;
    line.updatedAtTimestamp = event.block.timestamp;
    line.save();
  }
  saveTopUpRecord(event);
}

export function handleReallocated(event: Reallocated): void {
  let p = event.params;
  let position = Position.load(p.account)!;
  let next = new Array<Bytes>(p.projectIds.length);
  for (let i = 0; i < p.projectIds.length; i++) next[i] = allocationId(p.account, p.projectIds[i]);
  let previous = position.activeAllocations;
  for (let i = 0; i < previous.length; i++) {
    if (indexOf(next, previous[i]) >= 0) continue;
    let dropped = new PositionAllocation(previous[i]);
    dropped.principal = BigInt.zero();
    dropped.bps = 0;
    dropped.active = false;
    dropped.updatedAtBlock = event.block.number;
    dropped.updatedAtTimestamp = event.block.timestamp;
    dropped.save();
  }
  for (let i = 0; i < next.length; i++) {
    let line: PositionAllocation;
    if (indexOf(previous, next[i]) >= 0) line = new PositionAllocation(next[i]);
    else {
      let stored = PositionAllocation.load(next[i]);
      line = stored == null ? newAllocation(position, p.projectIds[i], event) : new PositionAllocation(next[i]);
      line.active = true;
    }
    line.bps = p.bps[i];
    line.principal = p.parts[i];
    line.updatedAtBlock = event.block.number;
    line.updatedAtTimestamp = event.block.timestamp;
    line.save();
  }
  let change = new Position(p.account);
  change.activeAllocations = next;
  change.activeBps = p.bps;
  change.activeParts = p.parts;
  change.updatedAtBlock = event.block.number;
  change.updatedAtTimestamp = event.block.timestamp;
  change.save();
  let previousProjectIds = new Array<i32>(previous.length);
  for (let i = 0; i < previous.length; i++) previousProjectIds[i] = projectIdOfAllocation(previous[i]);
  saveReallocationRecord(event, previousProjectIds, position.activeBps);
}

export function handleClaimed(event: Claimed): void {
  saveClaimRecord(event);
}
