import { dayEnd } from "@tcm/domain";
import { Effect } from "effect";
import { getAbiItem, parseAbiItem } from "viem";
import { ChainClient } from "./ChainClient.js";
import { Deployment } from "./Deployment.js";
import { mockStETHAbi } from "./generated/artifacts.js";
import { TcmReader } from "./TcmReader.js";

/** What the chain says about a UTC day: its last block and whether the machine was in deficit at any time of it. */
export interface DayCloseState {
  readonly block: bigint;
  readonly inDeficit: boolean | null;
}

/**
 * The stETH events that move its balances (the only way into a deficit): Lido's oracle report and the devnet mock's
 * rebase.
 */
const REBASE_EVENTS = [
  parseAbiItem(
    "event TokenRebased(uint256 indexed reportTimestamp, uint256 timeElapsed, uint256 preTotalShares, uint256 preTotalEther, uint256 postTotalShares, uint256 postTotalEther, uint256 sharesMintedAsFees)",
  ),
  getAbiItem({ abi: mockStETHAbi, name: "Rebased" }),
] as const;

/** Closed days kept (a day's last block and its deficit status never change once the day is over). */
const MAX_KEPT = 20_000;

/**
 * A UTC day on the chain: its last block (found by bisecting block timestamps from the deployment's block, every
 * timestamp read once) and whether the machine was in deficit at any time of the day. The machine's deficitStatus
 * (TcmReader) changes only when stETH's balances move, so it is read where the day starts (the previous
 * day's last block), after each stETH rebase of the day (Lido's TokenRebased, the devnet mock's Rebased) and at the
 * day's last block. A day still running ends at the block the request reads. A node that no longer serves an old
 * block's state (not an archive node) leaves inDeficit null.
 */
const make = Effect.gen(function* () {
  const chain = yield* ChainClient;
  const reader = yield* TcmReader;
  const deployment = yield* Deployment;

  const timestamps = new Map<bigint, bigint>();
  const timestampOf = (blockNumber: bigint) => {
    const known = timestamps.get(blockNumber);
    if (known !== undefined) return Effect.succeed(known);
    return chain
      .read("getBlock", (c) => c.getBlock({ blockNumber, includeTransactions: false }))
      .pipe(
        Effect.map((block) => block.timestamp),
        Effect.tap((timestamp) =>
          Effect.sync(() => {
            if (timestamps.size >= MAX_KEPT * 20) timestamps.clear();
            timestamps.set(blockNumber, timestamp);
          }),
        ),
      );
  };

  /** The last block in [from, head] whose timestamp is before `end` (`from` itself when none is). */
  const lastBlockBefore = (end: bigint, from: bigint, head: bigint) =>
    Effect.gen(function* () {
      let low = from;
      let high = head;
      while (low < high) {
        const middle = (low + high + 1n) / 2n;
        if ((yield* timestampOf(middle)) < end) low = middle;
        else high = middle - 1n;
      }
      return low;
    });

  const closed = new Map<number, DayCloseState>();

  const deficitAt = (blockNumber: bigint) =>
    reader.protocolState({ blockNumber }).pipe(
      Effect.map((state): boolean | null => state.deficit.inDeficit),
      // A pruned node answers "missing trie node" / "header not found" for old state: unknown, not an error.
      Effect.orElseSucceed(() => null),
    );

  /** The blocks in (from, to] where stETH rebased. */
  const rebaseBlocks = (from: bigint, to: bigint) =>
    from >= to
      ? Effect.succeed([] as bigint[])
      : chain
          .read("getLogs", (c) =>
            c.getLogs({ address: deployment.stETH, events: REBASE_EVENTS, fromBlock: from + 1n, toBlock: to }),
          )
          .pipe(
            Effect.map((logs) => [...new Set(logs.flatMap((l) => (l.blockNumber === null ? [] : [l.blockNumber])))]),
          );

  /** UTC day `dayId` as seen from `head` (the block the request reads, with its timestamp). */
  const closeOf = (dayId: number, head: { readonly number: bigint; readonly timestamp: bigint }) =>
    Effect.gen(function* () {
      const start = dayEnd(BigInt(dayId - 1));
      const end = dayEnd(BigInt(dayId));
      const running = head.timestamp < end;
      if (!running) {
        const kept = closed.get(dayId);
        if (kept !== undefined) return kept;
      }
      const from = deployment.deployBlock < head.number ? deployment.deployBlock : head.number;
      const block = running ? head.number : yield* lastBlockBefore(end, from, head.number);
      const before = yield* lastBlockBefore(start, from, block);
      const rebases = yield* rebaseBlocks(before, block).pipe(Effect.orElseSucceed(() => null));
      const points = rebases === null ? null : [...new Set([before, ...rebases, block])];
      const flags = points === null ? [null] : yield* Effect.forEach(points, deficitAt, { concurrency: 4 });
      // Unknown only when the day's own close cannot be read (a pruned node); an earlier point that cannot be read is
      // one before the machine was fully deployed (no deficit there).
      const inDeficit = flags.includes(true) ? true : flags.at(-1) === null ? null : false;
      const state: DayCloseState = { block, inDeficit };
      if (!running && inDeficit !== null) {
        if (closed.size >= MAX_KEPT) closed.clear();
        closed.set(dayId, state);
      }
      return state;
    }).pipe(Effect.withSpan("DayClose.closeOf", { attributes: { dayId } }));

  return { closeOf } as const;
});

export class DayClose extends Effect.Service<DayClose>()("@tcm/chain/DayClose", { effect: make }) {}
