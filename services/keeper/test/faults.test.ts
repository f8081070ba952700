/**
 * (c) Faults between the keeper and anvil, injected by a JSON-RPC proxy: dropped connections (before and after the
 * node saw the request), 500s, hung requests past the client timeout; a keeper process killed between send and
 * receipt and restarted; a transaction not mined in time replaced with bumped fees. No missed epoch, no double
 * send, nonce consistent.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, describe, it } from "@effect/vitest";
import { ChainClient, type DeploymentInfo } from "@tcm/chain";
import { Devnet } from "@tcm/chain/devnet";
import { type AnvilInstance, anvil, deployDevnet } from "@tcm/devnet";
import { Duration, Effect, Fiber, Layer, Option, TestClock, TestServices } from "effect";
import { type Hex, parseEther, parseTransaction } from "viem";
import { proxy } from "./proxy.js";
import {
  TxSender,
  depositDemo,
  harvestCounts,
  harvestedEvents,
  keeperEnv,
  keeperKeys,
  keeperLayer,
  nonceOf,
  pass,
  rpc,
  testChain,
  writeDeploymentFile,
} from "./support.js";

const keeperRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

const withDevnet = <A, E, R>(
  body: (node: AnvilInstance, deployment: DeploymentInfo, file: string) => Effect.Effect<A, E, R>,
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const node = yield* anvil();
      const deployment = yield* deployDevnet({ rpcUrl: node.url });
      yield* depositDemo(parseEther("300")).pipe(Effect.provide(testChain(node, deployment)));
      return yield* body(node, deployment, writeDeploymentFile(deployment));
    }),
  );

const waitUntil = <R>(what: string, check: Effect.Effect<boolean, unknown, R>, timeoutMs = 20_000) =>
  Effect.gen(function* () {
    const deadline = Date.now() + timeoutMs;
    while (!(yield* check)) {
      if (Date.now() > deadline) return yield* Effect.die(new Error(`timed out waiting for ${what}`));
      yield* Effect.sleep(Duration.millis(25));
    }
  });

const allHarvestedOnce = (days: number) =>
  Effect.gen(function* () {
    const counts = harvestCounts(yield* harvestedEvents);
    assert.strictEqual(counts.size, 3 * days, JSON.stringify([...counts]));
    assert.isTrue(
      [...counts.values()].every((n) => n === 1),
      JSON.stringify([...counts]),
    );
  });

const spawnKeeper = (env: Record<string, string>, args: ReadonlyArray<string>) => {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", ...args], {
    cwd: keeperRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  return { child, output: () => output };
};

const exitOf = (child: ChildProcess) =>
  Effect.async<number | null>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.succeed(child.exitCode));
    child.once("exit", (code) => resume(Effect.succeed(code)));
  });

describe("keeper under faults", () => {
  it.live("dropped connections, 500s and timeouts: every epoch harvested once, no double send", () =>
    withDevnet((node, deployment, file) =>
      Effect.gen(function* () {
        const faulty = yield* proxy(node.url);
        let sendRawSeen = 0;
        faulty.fault = (n, methods) => {
          // The first broadcast of each day reaches anvil but its response is lost: the keeper must re-broadcast
          // the same bytes and recognise its own mined transaction.
          if (methods.includes("eth_sendRawTransaction") && sendRawSeen++ % 2 === 0) return "drop-after";
          if (n % 6 === 0) return "500";
          if (n % 7 === 0) return "drop-before";
          if (n % 11 === 0) return "drop-after";
          if (n % 13 === 0) return "hang";
          return "pass";
        };
        const keeper = yield* Layer.build(
          keeperLayer(
            keeperEnv(faulty.url, file, keeperKeys[0].privateKey, {
              TCM_SPONSORED_PROJECTS: "all",
              TCM_RPC_TIMEOUT_MS: "1000",
            }),
          ),
        );
        const devnet = yield* Devnet;
        const days = 3;
        // A re-broadcast the node already has ("already imported") is the keeper's own transaction, never a rejection.
        let rejected = 0;
        for (let day = 1; day <= days; day++) {
          yield* devnet.rebase(20);
          yield* devnet.increaseTime(86_400);
          // As in `run`: polls until nothing is due (a poll may fail outright; the next one re-reads the chain).
          for (let attempt = 0; attempt < 10; attempt++) {
            const report = yield* Effect.either(pass().pipe(Effect.provide(keeper)));
            if (report._tag === "Right")
              rejected += report.right.outcomes.filter(
                (o) => o.result === "failed" && o.errorClass === "tx-rejected",
              ).length;
            if (report._tag === "Right" && report.right.due.length === 0) break;
          }
        }
        yield* allHarvestedOnce(days);
        assert.strictEqual(rejected, 0, "no transaction reported rejected");
        const t = yield* Effect.provide(TxSender, keeper);
        const mined = yield* nonceOf(t.address);
        assert.strictEqual(yield* t.nextNonce, mined, "local nonce = chain nonce");
        // Every transaction the keeper signed was mined once: no second transaction for work already sent.
        assert.strictEqual(faulty.stats.rawTxs.size, mined);
        assert.isAtLeast(faulty.stats.requests, 50);
      }).pipe(Effect.provide(testChain(node, deployment))),
    ),
  );

  it.live("a keeper killed between send and receipt, then restarted: nothing lost, nothing sent twice", () =>
    withDevnet((node, deployment, file) =>
      Effect.gen(function* () {
        const relay = yield* proxy(node.url);
        const sent: Hex[] = [];
        relay.onSendRaw = (hash) => void sent.push(hash);
        const env = keeperEnv(relay.url, file, keeperKeys[1].privateKey, {
          TCM_SPONSORED_PROJECTS: "all",
          TCM_TX_TIMEOUT_MS: "20000",
        });
        const devnet = yield* Devnet;
        const chain = yield* ChainClient;
        const address = (yield* Effect.provide(TxSender, keeperLayer(env))).address;
        // Day 1: blocks are mined only on request, so the keeper's harvest sits in the mempool when it is killed.
        yield* devnet.rebase(20);
        yield* devnet.increaseTime(86_400);
        yield* rpc(node.url, "evm_setAutomine", [false]);
        const first = spawnKeeper(env, ["run"]);
        yield* waitUntil(
          "the first broadcast",
          Effect.sync(() => sent.length === 1),
        );
        first.child.kill("SIGKILL");
        yield* exitOf(first.child);
        const pending = yield* chain.read("nonce", (c) => c.getTransactionCount({ address, blockTag: "pending" }));
        assert.strictEqual(pending, 1, "the killed keeper's transaction is pending");

        const before = relay.stats.requests;
        const second = spawnKeeper(env, ["run"]);
        // The restarted keeper is up and polling the nonces (settlePrevious), not sending.
        yield* waitUntil(
          "the restarted keeper to poll",
          Effect.sync(() => relay.stats.requests > before + 20),
          30_000,
        );
        assert.strictEqual(
          sent.length,
          1,
          `the restarted keeper waits for the pending transaction\n${second.output()}`,
        );
        yield* rpc(node.url, "evm_mine");
        yield* rpc(node.url, "evm_setAutomine", [true]);
        yield* waitUntil(
          "day 1 harvested",
          Effect.map(harvestedEvents, (e) => e.length === 3),
        );
        yield* Effect.sleep(Duration.millis(1_000));
        assert.strictEqual(sent.length, 1, "no second transaction for day 1");

        // Day 2: the restarted keeper harvests on its own; then a graceful stop.
        yield* devnet.rebase(20);
        yield* devnet.increaseTime(86_400);
        yield* waitUntil(
          "day 2 harvested",
          Effect.map(harvestedEvents, (e) => e.length === 6),
        );
        second.child.kill("SIGTERM");
        assert.strictEqual(yield* exitOf(second.child), 0, second.output());
        yield* allHarvestedOnce(2);
        assert.strictEqual(yield* nonceOf(address), 2);
        assert.deepStrictEqual(new Set(sent).size, 2);
        assert.include(second.output(), "waiting for transactions from a previous run");
      }).pipe(Effect.provide(testChain(node, deployment))),
    ),
  );

  it.effect(
    "a transaction not mined in time is replaced (same nonce, fees ≥ +12.5 %), mined once; time driven by TestClock",
    () =>
      // The devnet comes up on the live clock; the keeper's receipt polling and replacement run on the TestClock: a
      // 60-second replacement timeout passes in the test's own steps, not in wall time.
      Effect.scoped(
        Effect.gen(function* () {
          const live = <A, E, R>(effect: Effect.Effect<A, E, R>) => TestServices.provideLive(effect);
          const liveWait = live(Effect.sleep(Duration.millis(20)));
          const node = yield* live(anvil());
          const deployment = yield* live(deployDevnet({ rpcUrl: node.url }));
          const chainLayer = testChain(node, deployment);
          const relay = yield* proxy(node.url);
          const sent: Hex[] = [];
          relay.onSendRaw = (hash) => void sent.push(hash);
          yield* live(
            Effect.gen(function* () {
              yield* depositDemo(parseEther("300"));
              const devnet = yield* Devnet;
              yield* devnet.rebase(20);
              yield* devnet.increaseTime(86_400);
            }).pipe(Effect.provide(chainLayer)),
          );
          const env = keeperEnv(relay.url, writeDeploymentFile(deployment), keeperKeys[2].privateKey, {
            TCM_SPONSORED_PROJECTS: "all",
            TCM_TX_TIMEOUT_MS: "60000",
            TCM_RECEIPT_POLL_MS: "1000",
          });
          const keeper = yield* Layer.build(keeperLayer(env));
          yield* live(rpc(node.url, "evm_setAutomine", [false]));
          const running = yield* Effect.fork(pass().pipe(Effect.provide(keeper)));
          // The first broadcast, then receipt polls every (virtual) second: no replacement before 60 virtual seconds.
          for (let i = 0; i < 500 && sent.length === 0; i++) yield* liveWait;
          assert.strictEqual(sent.length, 1, "the first broadcast");
          for (let second = 1; second < 59; second++) {
            yield* TestClock.adjust(Duration.seconds(1));
            yield* liveWait;
          }
          assert.strictEqual(new Set(sent).size, 1, "no replacement before the timeout");
          for (let i = 0; i < 200 && new Set(sent).size < 2; i++) {
            yield* TestClock.adjust(Duration.seconds(1));
            yield* liveWait;
          }
          assert.strictEqual(new Set(sent).size, 2, "replaced once the timeout passed");
          yield* live(Effect.zipRight(rpc(node.url, "evm_mine"), rpc(node.url, "evm_setAutomine", [true])));
          for (let i = 0; i < 200 && Option.isNone(yield* Fiber.poll(running)); i++) {
            yield* TestClock.adjust(Duration.seconds(1));
            yield* liveWait;
          }
          const report = yield* Fiber.join(running);
          assert.deepStrictEqual(
            report.outcomes.map((o) => o.result),
            ["harvested", "harvested", "harvested"],
          );
          const [original, replacement] = [...relay.stats.rawTxs].map((raw) => parseTransaction(raw));
          assert.isDefined(original);
          assert.isDefined(replacement);
          assert.strictEqual(replacement?.nonce, original?.nonce, "same nonce");
          assert.isTrue(
            (replacement?.maxFeePerGas ?? 0n) * 1000n >= (original?.maxFeePerGas ?? 1n) * 1125n,
            "maxFeePerGas +12.5 % or more",
          );
          assert.isTrue(
            (replacement?.maxPriorityFeePerGas ?? 0n) * 1000n >= (original?.maxPriorityFeePerGas ?? 1n) * 1125n,
            "tip +12.5 % or more",
          );
          yield* live(
            Effect.gen(function* () {
              const chain = yield* ChainClient;
              const t = yield* Effect.provide(TxSender, keeper);
              assert.strictEqual(yield* nonceOf(t.address), 1, "one nonce used");
              const [firstHash, secondHash] = sent as [Hex, Hex];
              const dropped = yield* chain.read("tx0", (c) =>
                c.getTransaction({ hash: firstHash }).catch(() => undefined),
              );
              assert.strictEqual(dropped, undefined, "the original was replaced, never mined");
              const mined = yield* chain.read("tx1", (c) => c.getTransactionReceipt({ hash: secondHash }));
              assert.strictEqual(mined.status, "success");
              assert.strictEqual((yield* harvestedEvents).length, 3);
            }).pipe(Effect.provide(chainLayer)),
          );
        }),
      ),
  );
});
