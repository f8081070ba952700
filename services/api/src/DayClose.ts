import { ChainClient, Deployment, TcmReader } from "@tcm/chain";
import { dayEnd } from "@tcm/domain";
import { Effect } from "effect";

/** What the chain says at the close of a UTC day: the day's last block and whether the machine was in deficit. */
export interface DayCloseState {
  readonly block: bigint;
  readonly inDeficit: boolean | null;
}

/** Closed days kept (a day's last block and its deficit status never change once the day is over). */
const MAX_KEPT = 20_000;

/**
 * A UTC day's close on the chain: its last block (found by bisecting block timestamps from the deployment's block,
 * every timestamp read once) and the machine's deficitStatus there (@tcm/chain TcmReader, read at that block). A day
 * still running closes at the block the request reads. A node that no longer serves an old block's state (not an
 * archive node) leaves inDeficit null.
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

  /** The close of UTC day `dayId` as seen from `head` (the block the request reads, with its timestamp). */
  const closeOf = (dayId: number, head: { readonly number: bigint; readonly timestamp: bigint }) =>
    Effect.gen(function* () {
      const end = dayEnd(BigInt(dayId));
      if (head.timestamp < end) {
        return { block: head.number, inDeficit: yield* deficitAt(head.number) } satisfies DayCloseState;
      }
      const kept = closed.get(dayId);
      if (kept !== undefined) return kept;
      const from = deployment.deployBlock < head.number ? deployment.deployBlock : head.number;
      const block = yield* lastBlockBefore(end, from, head.number);
      const state: DayCloseState = { block, inDeficit: yield* deficitAt(block) };
      if (state.inDeficit !== null) {
        if (closed.size >= MAX_KEPT) closed.clear();
        closed.set(dayId, state);
      }
      return state;
    }).pipe(Effect.withSpan("DayClose.closeOf", { attributes: { dayId } }));

  return { closeOf } as const;
});

export class DayClose extends Effect.Service<DayClose>()("@tcm/api/DayClose", { effect: make }) {}
