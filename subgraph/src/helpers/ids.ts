// Entity ids, in one place so that handlers and tests agree on them. Built in WASM (no host calls: every
// BigInt → string/hex conversion would cross the WASM boundary; see README.md, benchmark).
import { BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";

export const SECONDS_PER_DAY = 86400;

/** Event records: txHash ++ logIndex (4 bytes). */
export function eventId(event: ethereum.Event): Bytes {
  return event.transaction.hash.concatI32(event.logIndex.toI32());
}

/** A project's id: its on-chain projectId in decimal ("1", "2", …). */
export function projectKey(projectId: BigInt): string {
  return projectId.toU32().toString();
}

/** projectId as 4 big-endian bytes (so that allocation ids read as account ++ 0x00000001). */
export function projectIdBytes(projectId: BigInt): Bytes {
  let id = projectId.toU32();
  let out = new Bytes(4);
  out[0] = u8(id >> 24);
  out[1] = u8(id >> 16);
  out[2] = u8(id >> 8);
  out[3] = u8(id);
  return out;
}

/** PositionAllocation id: account ++ projectId (4 bytes, big-endian). */
export function allocationId(account: Bytes, projectId: BigInt): Bytes {
  let id = projectId.toU32();
  let n = account.length;
  let out = new Bytes(n + 4);
  out.set(account, 0);
  out[n] = u8(id >> 24);
  out[n + 1] = u8(id >> 16);
  out[n + 2] = u8(id >> 8);
  out[n + 3] = u8(id);
  return out;
}

/** UTC day number: timestamp / 86400 (floor; block timestamps are positive). */
export function dayIdOf(timestamp: BigInt): i32 {
  return i32(timestamp.toU64() / SECONDS_PER_DAY);
}

export function projectDayKey(projectId: i32, dayId: i32): string {
  return projectId.toString() + "-" + dayId.toString();
}

/** The project id ("1", …) of a PositionAllocation id (its last 4 bytes, big-endian). */
export function projectKeyOfAllocation(id: Bytes): string {
  let n = id.length;
  let projectId = (u32(id[n - 4]) << 24) | (u32(id[n - 3]) << 16) | (u32(id[n - 2]) << 8) | u32(id[n - 1]);
  return projectId.toString();
}

/** The projectId (as an Int) of a PositionAllocation id. */
export function projectIdOfAllocation(id: Bytes): i32 {
  let n = id.length;
  return i32((u32(id[n - 4]) << 24) | (u32(id[n - 3]) << 16) | (u32(id[n - 2]) << 8) | u32(id[n - 1]));
}
