// Benchmark floor 1 (not the subgraph): each frequent event writes its immutable event record and nothing else —
// no account, position, line, project, protocol or day snapshot. Rare events (launch, deposit, withdrawal, yield
// checkpoint, harvest, admin) run the real handlers. A strict subset of what issue #5 requires, so its ratio to the
// no-op mapping bounds what any mapping with the required records can reach on this graph-node.
import { BigInt } from "@graphprotocol/graph-ts";
import { Claimed, Reallocated, ToppedUp } from "../../generated/TechnoCapitalMachine/TechnoCapitalMachine";
import { Claim, Reallocation, TopUp } from "../../generated/schema";
import { toDecimal } from "../../src/helpers/decimals";
import { eventId, projectKey } from "../../src/helpers/ids";
export {
  handleProjectLaunched,
  handleDeposited,
  handleWithdrawn,
  handleContributorClaimed,
  handleYieldAssigned,
  handleHarvested,
  handlePauseSet,
  handleMetadataURISet,
  handleContributorShareLowered,
  handleContributorRecipientSet,
  handleProjectOwnershipTransferred,
} from "../../src/mappings/machine";

export function toI32s(values: Array<BigInt>): Array<i32> {
  let out = new Array<i32>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i].toI32();
  return out;
}

export function saveTopUpRecord(event: ToppedUp): void {
  let p = event.params;
  let record = new TopUp(eventId(event));
  record.account = p.account;
  record.principalAdded = p.principalAdded;
  record.sharesAdded = p.sharesAdded;
  record.principal = p.principal;
  record.projectIds = toI32s(p.projectIds);
  record.bps = p.bps;
  record.parts = p.parts;
  record.totalPrincipal = p.totalPrincipal;
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.logIndex = event.logIndex;
  record.save();
}

/** previousProjectIds / previousBps: what the caller knows of them (nothing, in this floor). */
export function saveReallocationRecord(event: Reallocated, previousProjectIds: Array<i32>, previousBps: Array<i32>): void {
  let p = event.params;
  let record = new Reallocation(eventId(event));
  record.account = p.account;
  record.principal = p.principal;
  record.previousProjectIds = previousProjectIds;
  record.previousBps = previousBps;
  record.projectIds = toI32s(p.projectIds);
  record.bps = p.bps;
  record.parts = p.parts;
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.logIndex = event.logIndex;
  record.save();
}

export function saveClaimRecord(event: Claimed): void {
  let record = new Claim(eventId(event));
  record.account = event.params.account;
  record.receiver = event.params.receiver;
  record.project = projectKey(event.params.projectId);
  record.amount = event.params.amount;
  record.amountDecimal = toDecimal(event.params.amount);
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.transactionHash = event.transaction.hash;
  record.logIndex = event.logIndex;
  record.save();
}

export function handleToppedUp(event: ToppedUp): void {
  saveTopUpRecord(event);
}

export function handleReallocated(event: Reallocated): void {
  saveReallocationRecord(event, [], []);
}

export function handleClaimed(event: Claimed): void {
  saveClaimRecord(event);
}
