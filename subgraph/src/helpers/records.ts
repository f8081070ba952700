// The immutable records of the frequent events (top-up, reallocation, claim), built from event data alone; shared by
// the mapping and the benchmark's floor mappings (bench/floors/), which must write exactly what the mapping writes.
import { BigInt } from "@graphprotocol/graph-ts";
import { Claimed, Reallocated, ToppedUp } from "../../generated/TechnoCapitalMachine/TechnoCapitalMachine";
import { Claim, Reallocation, TopUp } from "../../generated/schema";
import { toDecimal } from "./decimals";
import { eventId, projectKey } from "./ids";

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

/** previousProjectIds / previousBps: the position's allocation before the event (the event does not carry it). */
export function saveReallocationRecord(
  event: Reallocated,
  previousProjectIds: Array<i32>,
  previousBps: Array<i32>,
): void {
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
