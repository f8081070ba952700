/**
 * DayClose against a real anvil (free port, stopped by PID) with the forge deploy script: blocks are placed in UTC
 * days with evm_setNextBlockTimestamp, the machine is put into deficit with the mock stETH's rebase. A day's block is
 * its last one (the next block starts the next day), a deficit that a later rebase of the same day repaired still
 * counts for the day, and a running day ends at the head.
 */
import { assert, layer } from "@effect/vitest";
import { dayEnd } from "@tcm/domain";
import { Effect, Layer } from "effect";
import { maxUint256, parseEther } from "viem";
import { ANVIL_ACCOUNTS, anvil, deployDevnet } from "@tcm/devnet";
import { Devnet } from "../src/devnet/index.js";
import { ChainClient, DayClose, Deployment, TcmReader, TxBuilder } from "../src/index.js";

const Base = Layer.unwrapScoped(
  Effect.gen(function* () {
    const node = yield* anvil();
    const deployment = yield* deployDevnet({ rpcUrl: node.url });
    return Layer.mergeAll(
      ChainClient.layer({ rpcUrls: [node.url], pollingIntervalMs: 20 }),
      Deployment.fromValue(deployment),
    );
  }),
);

const Live = Layer.mergeAll(
  DayClose.Default.pipe(Layer.provideMerge(TcmReader.Default)),
  TxBuilder.Default,
  Devnet.Default,
).pipe(Layer.provideMerge(Base));

const depositor = ANVIL_ACCOUNTS[1]!.address;

const blockAt = (blockNumber: bigint) =>
  Effect.flatMap(ChainClient, (chain) =>
    chain.read("getBlock", (c) => c.getBlock({ blockNumber, includeTransactions: false })),
  );

const latest = Effect.flatMap(ChainClient, (chain) =>
  chain.read("getBlock", (c) => c.getBlock({ blockTag: "latest", includeTransactions: false })),
);

const deficitAt = (blockNumber: bigint) =>
  Effect.flatMap(TcmReader, (r) => r.protocolState({ blockNumber })).pipe(Effect.map((s) => s.deficit.inDeficit));

/** Mines one block at `timestamp` (or sends `f`'s transaction in it); returns that block's number. */
const at = <E>(timestamp: bigint, f?: Effect.Effect<unknown, E>) =>
  Effect.gen(function* () {
    const devnet = yield* Devnet;
    yield* devnet.setNextBlockTimestamp(timestamp);
    if (f === undefined) yield* devnet.mine();
    else yield* f;
    const block = yield* latest;
    assert.strictEqual(block.timestamp, timestamp, "the block sits where it was placed");
    return block.number;
  });

layer(Live, { timeout: 120_000, excludeTestServices: true })("DayClose (anvil + forge deploy script)", (it) => {
  it.effect("a day's last block, a deficit repaired the same day, a running day", () =>
    Effect.gen(function* () {
      const devnet = yield* Devnet;
      const builder = yield* TxBuilder;
      const days = yield* DayClose;

      // A depositor's principal: a negative rebase puts the machine in deficit.
      yield* devnet.fundStEth(depositor, parseEther("10"));
      yield* devnet.approveStEth(depositor, maxUint256);
      const deposit = yield* builder.deposit(
        { amount: parseEther("5"), allocation: [{ projectId: 1, bps: 10_000 }] },
        { from: depositor },
      );
      yield* devnet.sendAs(depositor, deposit);

      const dayA = Number((yield* latest).timestamp / 86_400n) + 2;
      const startA = dayEnd(BigInt(dayA - 1));
      const endA = dayEnd(BigInt(dayA));
      const endB = dayEnd(BigInt(dayA + 1));

      // Day A: -5 % (deficit), then +10 % (repaired), then its last block one second before its end.
      const down = yield* at(startA + 100n, devnet.rebase(-500));
      const up = yield* at(startA + 200n, devnet.rebase(1_000));
      const lastA = yield* at(endA - 1n);
      // Day B starts exactly at A's end; a positive rebase and a later block, never a deficit.
      const firstB = yield* at(endA);
      yield* at(endA + 300n, devnet.rebase(10));
      const lastB = yield* at(endB - 7_200n);
      assert.isTrue(yield* deficitAt(down), "in deficit after the negative rebase");
      assert.isFalse(yield* deficitAt(up), "repaired by the positive rebase");
      assert.isFalse(yield* deficitAt(lastA), "day A's close alone says no deficit");

      // Day C is running: the head is in it.
      yield* at(endB + 60n);
      const head = yield* latest;
      const a = yield* days.closeOf(dayA, head);
      assert.strictEqual(a.block, lastA);
      assert.isBelow(Number((yield* blockAt(a.block)).timestamp), Number(endA));
      assert.strictEqual((yield* blockAt(a.block + 1n)).timestamp, endA, "the next block starts day B");
      assert.strictEqual(a.block + 1n, firstB);
      assert.isTrue(a.inDeficit, "in deficit at some time of day A");

      const b = yield* days.closeOf(dayA + 1, head);
      assert.strictEqual(b.block, lastB);
      assert.isBelow(Number((yield* blockAt(b.block)).timestamp), Number(endB));
      assert.isAtLeast(Number((yield* blockAt(b.block + 1n)).timestamp), Number(endB));
      assert.isFalse(b.inDeficit, "no deficit in day B");

      const c = yield* days.closeOf(dayA + 2, head);
      assert.isBelow(Number(head.timestamp), Number(dayEnd(BigInt(dayA + 2))));
      assert.deepStrictEqual(c, { block: head.number, inDeficit: false }, "a running day ends at the head");

      // A closed day is kept: asked again from a later head, the same answer.
      const later = yield* at(dayEnd(BigInt(dayA + 2)) + 10n).pipe(Effect.zipRight(latest));
      assert.strictEqual(yield* days.closeOf(dayA, later), a);
      const cClosed = yield* days.closeOf(dayA + 2, later);
      assert.strictEqual(cClosed.block, head.number, "the head was day C's last block");
    }),
  );
});
