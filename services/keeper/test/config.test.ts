/** (e) Configuration: every bad variable is named; the process refuses to start with exit code 2; modes. */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, describe, it } from "@effect/vitest";
import { anvil, deployDevnet } from "@tcm/devnet";
import { ConfigProvider, Duration, Effect, Layer, Redacted, Schedule } from "effect";
import { createServer } from "node:net";
import { getAddress, parseEther, parseGwei } from "viem";
import { type KeeperConfigError, loadKeeperSettings } from "../src/KeeperConfig.js";
import { KeeperCoreLive, type KeeperMode, cli } from "../src/Worker.js";
import { NodeContext } from "@effect/platform-node";
import {
  depositDemo,
  harvestedEvents,
  keeperEnv,
  keeperKeys,
  nonceOf,
  testChain,
  writeDeploymentFile,
} from "./support.js";
import { Devnet } from "@tcm/chain/devnet";

const key = keeperKeys[0].privateKey;
const good = {
  TCM_RPC_URLS: "http://127.0.0.1:8545, http://127.0.0.1:8546",
  TCM_PRIVATE_KEY: key,
  TCM_DEPLOYMENT_FILE: "deployments/d.json",
};
const machine = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const load = (env: Record<string, string>) =>
  loadKeeperSettings().pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))));

/** A port nothing listens on (the OS's pick, released). */
const freePort = Effect.async<number>((resume) => {
  const server = createServer();
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    server.close(() => resume(Effect.succeed(port)));
  });
});

const keeperRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const runKeeper = (env: Record<string, string>, args: ReadonlyArray<string>) =>
  Effect.async<{ code: number | null; stdout: string; stderr: string }>((resume) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", ...args], {
      cwd: keeperRoot,
      // Only what the test sets: no TCM_* leaking in from the outer environment.
      env: { PATH: process.env["PATH"] ?? "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("exit", (code) => resume(Effect.succeed({ code, stdout, stderr })));
  });

describe("configuration", () => {
  it.effect("reads every variable with defaults; the key stays redacted", () =>
    Effect.gen(function* () {
      const s = yield* load({
        ...good,
        TCM_SPONSORED_PROJECTS: "3, 1",
        TCM_HARVEST_CHUNK_SIZE: "50",
        TCM_MAX_FEE_GWEI: "1.5",
        TCM_LOG_LEVEL: "debug",
      });
      assert.deepStrictEqual(s.rpcUrls, ["http://127.0.0.1:8545", "http://127.0.0.1:8546"]);
      assert.strictEqual(Redacted.value(s.privateKey), key);
      assert.notInclude(String(s.privateKey), key.slice(2, 12));
      assert.deepStrictEqual(s.deployment, { _tag: "File", file: "deployments/d.json" });
      assert.deepStrictEqual([...(s.sponsored as Set<number>)].sort(), [1, 3]);
      assert.strictEqual(s.chunkSize, 50);
      assert.strictEqual(s.maxFeePerGas, parseGwei("1.5"));
      assert.strictEqual(s.maxPriorityFeePerGas, parseGwei("1.5"));
      assert.isTrue(Duration.equals(s.pollInterval, Duration.minutes(1)));
      assert.strictEqual(s.port, 9464);
      assert.strictEqual(s.host, "127.0.0.1", "metrics listen on loopback unless TCM_KEEPER_HOST says otherwise");
      assert.strictEqual((yield* load({ ...good, TCM_KEEPER_HOST: "[::1]" })).host, "::1");
      assert.strictEqual(s.logLevel._tag, "Debug");
      const all = yield* load({
        ...good,
        TCM_DEPLOYMENT_FILE: "",
        TCM_MACHINE_ADDRESS: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
        TCM_SPONSORED_PROJECTS: "all",
      });
      assert.strictEqual(all.sponsored, "all");
      assert.deepStrictEqual(all.deployment, {
        _tag: "Machine",
        machine: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      });
    }),
  );

  const cases: ReadonlyArray<[string, Record<string, string | undefined>]> = [
    ["TCM_RPC_URLS", { TCM_RPC_URLS: undefined, TCM_DEPLOYMENT_FILE: undefined, TCM_MACHINE_ADDRESS: machine }],
    ["TCM_RPC_URLS", { TCM_RPC_URLS: "ftp://x" }],
    ["TCM_PRIVATE_KEY", { TCM_PRIVATE_KEY: undefined }],
    ["TCM_PRIVATE_KEY", { TCM_PRIVATE_KEY: "0x1234" }],
    ["TCM_DEPLOYMENT_FILE", { TCM_DEPLOYMENT_FILE: undefined }],
    ["TCM_MACHINE_ADDRESS", { TCM_DEPLOYMENT_FILE: undefined, TCM_MACHINE_ADDRESS: "0x12" }],
    ["TCM_SPONSORED_PROJECTS", { TCM_SPONSORED_PROJECTS: "1,x" }],
    ["TCM_HARVEST_CHUNK_SIZE", { TCM_HARVEST_CHUNK_SIZE: "501" }],
    ["TCM_HARVEST_CHUNK_SIZE", { TCM_HARVEST_CHUNK_SIZE: "abc" }],
    ["TCM_MAX_FEE_GWEI", { TCM_MAX_FEE_GWEI: "-1" }],
    ["TCM_MAX_PRIORITY_FEE_GWEI", { TCM_MAX_FEE_GWEI: "1", TCM_MAX_PRIORITY_FEE_GWEI: "2" }],
    ["TCM_POLL_INTERVAL_MS", { TCM_POLL_INTERVAL_MS: "0" }],
    ["TCM_KEEPER_PORT", { TCM_KEEPER_PORT: "70000" }],
    ["TCM_KEEPER_HOST", { TCM_KEEPER_HOST: "my host/metrics" }],
    ["TCM_LOG_LEVEL", { TCM_LOG_LEVEL: "loud" }],
  ];
  for (const [variable, patch] of cases) {
    it.effect(`names ${variable} when ${JSON.stringify(patch)}`, () =>
      Effect.gen(function* () {
        const env: Record<string, string> = { ...good };
        for (const [k, v] of Object.entries(patch)) {
          if (v === undefined) delete env[k];
          else env[k] = v;
        }
        const error = yield* Effect.flip(load(env));
        assert.strictEqual(error._tag, "KeeperConfigError");
        assert.strictEqual(error.variable, variable);
        assert.include(error.message, variable);
        assert.notInclude(error.message, key.slice(2));
      }),
    );
  }

  // That the keeper then uses the file's rpcUrl is bundle.test.ts's harvest on a devnet (run without TCM_RPC_URLS).
  it.live(
    "TCM_RPC_URLS may be unset with a deployment file: a file without an rpcUrl is then an error naming TCM_RPC_URLS",
    () =>
      Effect.gen(function* () {
        const { TCM_RPC_URLS: _, ...noRpc } = good;
        assert.deepStrictEqual((yield* load(noRpc)).rpcUrls, []);
        const dir = mkdtempSync(join(tmpdir(), "tcm-keeper-config-"));
        const file = join(dir, "deployment.json");
        const address = getAddress(machine);
        const info = {
          chainId: 31337,
          ...Object.fromEntries(
            [
              "machine",
              "stETH",
              "wstETH",
              "uniswapV2Factory",
              "uniswapV2Router",
              "weth",
              "tokenDeployer",
              "guardian",
            ].map((field) => [field, address]),
          ),
          genesis: 1,
          deployBlock: 1,
        };
        const build = (contents: object) =>
          Effect.sync(() => writeFileSync(file, JSON.stringify(contents))).pipe(
            Effect.zipRight(
              Effect.scoped(Layer.build(KeeperCoreLive)).pipe(
                Effect.withConfigProvider(
                  ConfigProvider.fromMap(new Map(Object.entries({ ...noRpc, TCM_DEPLOYMENT_FILE: file }))),
                ),
                Effect.flip,
              ),
            ),
          );
        const missing = yield* build(info);
        assert.strictEqual(missing._tag, "KeeperConfigError");
        assert.strictEqual((missing as KeeperConfigError).variable, "TCM_RPC_URLS");
        assert.include(missing.message, file);
        rmSync(dir, { recursive: true, force: true });
      }),
  );

  it.effect(
    "the command line (@effect/cli): run/once with --dry-run reach the handler, whose number is the exit code; bad usage is 2",
    () =>
      Effect.gen(function* () {
        const seen: KeeperMode[] = [];
        const run = (args: ReadonlyArray<string>) =>
          cli(["node", "keeper", ...args], (mode) =>
            Effect.sync(() => (seen.push(mode), seen.length === 1 ? 0 : 1)),
          ).pipe(Effect.provide(NodeContext.layer));
        assert.strictEqual(yield* run(["run"]), 0);
        assert.strictEqual(yield* run(["once", "--dry-run"]), 1);
        assert.deepStrictEqual(seen, [
          { command: "run", dryRun: false },
          { command: "once", dryRun: true },
        ]);
        assert.strictEqual(yield* run(["sometimes"]), 2);
        assert.strictEqual(yield* run(["once", "--loud"]), 2);
        assert.strictEqual(seen.length, 2, "the handler never ran for bad usage");
      }),
  );

  it.live("the process: exit 2 on bad config or usage, naming the variable or the file", () =>
    Effect.gen(function* () {
      const [bad, usage, missingFile] = yield* Effect.all(
        [
          runKeeper({ ...good, TCM_HARVEST_CHUNK_SIZE: "lots" }, ["once"]),
          runKeeper(good, ["sometimes"]),
          runKeeper({ ...good, TCM_DEPLOYMENT_FILE: "/nonexistent/deployment.json" }, ["once"]),
        ],
        { concurrency: 3 },
      );
      assert.strictEqual(bad.code, 2);
      assert.include(bad.stderr, "TCM_HARVEST_CHUNK_SIZE");
      assert.strictEqual(usage.code, 2);
      assert.strictEqual(missingFile.code, 2);
      assert.include(missingFile.stderr, "/nonexistent/deployment.json");
    }),
  );

  it.live(
    "the process: dry run sends nothing, once harvests, a down RPC is exit 1; run serves /metrics and /health and stops on SIGTERM",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const node = yield* anvil();
          const deployment = yield* deployDevnet({ rpcUrl: node.url });
          const file = writeDeploymentFile(deployment);
          yield* Effect.gen(function* () {
            yield* depositDemo(parseEther("300"));
            const devnet = yield* Devnet;
            yield* devnet.rebase(100);
            yield* devnet.increaseTime(86_400);
            const env = keeperEnv(node.url, file, key, { TCM_LOG_LEVEL: "info" });
            const dry = yield* runKeeper(env, ["once", "--dry-run"]);
            assert.strictEqual(dry.code, 0, dry.stdout + dry.stderr);
            assert.include(dry.stdout, "dry run: would send");
            assert.strictEqual(yield* nonceOf(keeperKeys[0].address), 0);
            // JSON logs, one object per line.
            const line = dry.stdout.split("\n").find((l) => l.includes("poll done"));
            assert.strictEqual(JSON.parse(line ?? "{}").message, "poll done");
            const once = yield* runKeeper(env, ["once"]);
            assert.strictEqual(once.code, 0, once.stdout + once.stderr);
            assert.strictEqual((yield* harvestedEvents).length, 3);
            // An RPC that is down: failures, exit 1.
            const down = yield* runKeeper({ ...env, TCM_RPC_URLS: "http://127.0.0.1:1" }, ["once"]);
            assert.strictEqual(down.code, 1, down.stdout + down.stderr);
            // `run`: /metrics (the shared Prometheus renderer) and /health while it polls; SIGTERM ends it with 0.
            const port = yield* freePort;
            const running = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "run"], {
              cwd: keeperRoot,
              env: { PATH: process.env["PATH"] ?? "", ...env, TCM_KEEPER_PORT: String(port) },
            });
            const exited = Effect.async<number | null>(
              (resume) => void running.once("exit", (code) => resume(Effect.succeed(code))),
            );
            const get = (path: string) =>
              Effect.tryPromise(() =>
                fetch(`http://127.0.0.1:${port}${path}`).then(async (r) => ({
                  status: r.status,
                  body: await r.text(),
                })),
              );
            const scraped = yield* get("/metrics").pipe(
              Effect.filterOrFail((r) => r.body.includes("tcm_keeper_polls_total")),
              // Polls until the process serves its first poll's metrics (startup), at most 30 s.
              Effect.retry(Schedule.spaced(Duration.millis(100)).pipe(Schedule.upTo(Duration.seconds(30)))),
            );
            assert.include(scraped.body, "# TYPE tcm_keeper_polls_total counter");
            assert.match(scraped.body, /tcm_keeper_pending_wsteth_wei\{project="1"\} \d+/);
            assert.match(scraped.body, /tcm_keeper_rpc_requests_total\{method="[a-z_]+"\} \d+/);
            const health = yield* get("/health");
            assert.strictEqual(health.status, 200, health.body);
            assert.strictEqual(JSON.parse(health.body).status, "ok");
            running.kill("SIGTERM");
            assert.strictEqual(yield* exited, 0);
          }).pipe(Effect.provide(testChain(node, deployment)));
        }),
      ),
  );
});
