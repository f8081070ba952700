// Entity ids, in one place so that handlers and tests agree on them.
import { BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";

export const SECONDS_PER_DAY = 86400;

/** Event records: txHash ++ logIndex (4 bytes). */
export function eventId(event: ethereum.Event): Bytes {
  return event.transaction.hash.concatI32(event.logIndex.toI32());
}

/** A project's id: its on-chain projectId in decimal ("1", "2", …). */
export function projectKey(projectId: BigInt): string {
  return projectId.toString();
}

/** projectId as 4 big-endian bytes (so that allocation ids read as account ++ 0x00000001). */
export function projectIdBytes(projectId: BigInt): Bytes {
  let hex = projectId.toHexString().slice(2);
  while (hex.length < 8) hex = "0" + hex;
  return Bytes.fromHexString("0x" + hex);
}

/** PositionAllocation id: account ++ projectId (4 bytes, big-endian). */
export function allocationId(account: Bytes, projectId: BigInt): Bytes {
  return account.concat(projectIdBytes(projectId));
}

/** UTC day number: timestamp / 86400 (floor). */
export function dayIdOf(timestamp: BigInt): i32 {
  return timestamp.div(BigInt.fromI32(SECONDS_PER_DAY)).toI32();
}

export function projectDayKey(projectId: i32, dayId: i32): string {
  return projectId.toString() + "-" + dayId.toString();
}
