/**
 * The keeper as operators run it: `nx run keeper:bundle`'s artifact (scripts/bundle.mjs, here built into a folder
 * outside the workspace, so no node_modules can fill in for it) started with plain node. Against a devnet with a
 * harvest due it harvests every project and stops with 0 on SIGTERM; its metrics listen on 127.0.0.1; a taken port
 * stops it before it touches the chain, with exit 2 and a message naming the port and TCM_KEEPER_PORT; its --help
 * through a pipe is plain text.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest";
import { Devnet } from "@tcm/chain/devnet";
import { devnet, freePort } from "@tcm/devnet";
import { Duration, Effect, Schedule } from "effect";
import { parseEther } from "viem";
import { depositDemo, harvestedEvents, keeperEnv, keeperKeys, nonceOf, testChain } from "./support.js";

const keeperRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The artifact, built once for this file into a temporary folder (removed after it). */
let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tcm-keeper-bundle-"));
  const built = spawnSync(process.execPath, ["scripts/bundle.mjs", "--out", dir], {
    cwd: keeperRoot,
    encoding: "utf8",
  });
  assert.strictEqual(built.status, 0, built.stdout + built.stderr);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  readonly child: ChildProcess;
  readonly output: () => { readonly stdout: string; readonly stderr: string };
  readonly exited: Effect.Effect<number | null>;
}

/** `node main.mjs <args>` in the bundle's folder with only `env` (and PATH); killed with the scope if still running. */
const startBundle = (env: Record<string, string>, args: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.sync((): Running => {
      const child = spawn(process.execPath, ["main.mjs", ...args], {
        cwd: dir,
        env: { PATH: process.env["PATH"] ?? "", ...env },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      return { child, output: () => ({ stdout, stderr }), exited: Effect.promise(() => exit) };
    }),
    ({ child }) =>
      Effect.sync(() => void (child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"))),
  );

/** Polls `check` every 100 ms until it holds, at most `seconds`. */
const eventually = <A, E, R>(what: string, seconds: number, check: Effect.Effect<A | undefined, E, R>) =>
  check.pipe(
    Effect.flatMap((value) => (value === undefined ? Effect.fail(`not yet: ${what}`) : Effect.succeed(value))),
    Effect.retry(Schedule.spaced(Duration.millis(100)).pipe(Schedule.upTo(Duration.seconds(seconds)))),
    Effect.orDie,
  );

/** Holds a port on 127.0.0.1 (as `npm start`'s keeper holds 9464) until the scope closes. */
const holdPort = (port: number) =>
  Effect.acquireRelease(
    Effect.async<Server>((resume) => {
      const server = createServer();
      server.listen(port, "127.0.0.1", () => resume(Effect.succeed(server)));
    }),
    (server) => Effect.async<void>((resume) => void server.close(() => resume(Effect.void))),
  );

describe("the keeper bundle (plain node)", () => {
  it("the artifact is main.mjs and a package.json without dependencies", () => {
    assert.deepStrictEqual(readdirSync(dir).sort(), ["main.mjs", "package.json"]);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    assert.deepStrictEqual(pkg.dependencies, {});
    assert.strictEqual(pkg.main, "main.mjs");
    assert.strictEqual(pkg.type, "module");
  });

  it("--help through a pipe is plain text naming the commands and options", () => {
    const help = spawnSync(process.execPath, ["main.mjs", "--help"], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env["PATH"] ?? "" },
    });
    assert.strictEqual(help.status, 0, help.stderr);
    assert.notInclude(help.stdout + help.stderr, "\u001b[");
    for (const named of ["run [--dry-run]", "once [--dry-run]", "--help", "--version"])
      assert.include(help.stdout, named);
  });

  it.live(
    "harvests every due project on a devnet (its RPC from the deployment file), serves /metrics on 127.0.0.1 and exits 0 on SIGTERM",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const chain = yield* devnet();
          yield* Effect.gen(function* () {
            yield* depositDemo(parseEther("300"));
            const devnetTools = yield* Devnet;
            yield* devnetTools.rebase(100);
            yield* devnetTools.increaseTime(86_400);
            assert.strictEqual((yield* harvestedEvents).length, 0);

            const port = yield* freePort;
            const key = keeperKeys[0];
            // No TCM_RPC_URLS: the keeper reads the devnet's node from the deployment file's rpcUrl.
            const { TCM_RPC_URLS: _, ...env } = keeperEnv(chain.node.url, chain.deploymentFile, key.privateKey, {
              TCM_LOG_LEVEL: "info",
              TCM_KEEPER_PORT: String(port),
            });
            const started = Date.now();
            const keeper = yield* startBundle(env, ["run"]);
            const metrics = (path: string) =>
              Effect.promise(() =>
                fetch(`http://127.0.0.1:${port}${path}`).then(
                  async (r) => (r.ok ? await r.text() : undefined),
                  () => undefined,
                ),
              );
            yield* eventually("/health answers", 30, metrics("/health"));
            const readyMs = Date.now() - started;
            // The address the server itself reports: loopback, as TCM_KEEPER_HOST defaults to.
            assert.include(keeper.output().stdout, `Listening on http://127.0.0.1:${port}`);

            const harvests = yield* eventually(
              "three Harvested events",
              60,
              Effect.map(harvestedEvents, (events) => (events.length >= 3 ? events : undefined)),
            );
            assert.deepStrictEqual(harvests.map((e) => e.projectId).sort(), [1, 2, 3]);
            const startedLog = keeper
              .output()
              .stdout.split("\n")
              .find((line) => line.includes('"keeper started"'));
            assert.strictEqual(JSON.parse(startedLog ?? "{}").annotations?.rpc, chain.node.url, "the RPC it names");
            for (const e of harvests) assert.strictEqual(e.caller.toLowerCase(), key.address.toLowerCase());
            assert.isAbove(yield* nonceOf(key.address), 0);
            const scraped = yield* eventually(
              "metrics count the harvests",
              30,
              Effect.map(metrics("/metrics"), (body) =>
                body !== undefined && /tcm_keeper_harvests_total\{project="3"[^}]*\} 1/.test(body) ? body : undefined,
              ),
            );
            assert.match(scraped, /tcm_keeper_pending_wsteth_wei\{project="1"\} \d+/);

            keeper.child.kill("SIGTERM");
            const code = yield* keeper.exited.pipe(Effect.timeout(Duration.seconds(20)));
            assert.strictEqual(code, 0, keeper.output().stdout + keeper.output().stderr);
            assert.include(keeper.output().stdout, "shutting down");
            console.log(`keeper bundle: /health answered ${readyMs} ms after node started`);
          }).pipe(Effect.provide(testChain(chain.node, chain.deployment)));
        }),
      ),
    120_000,
  );

  it.live(
    "a taken metrics port stops it before it connects to the chain: exit 2, naming the port and TCM_KEEPER_PORT",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const port = yield* freePort;
          yield* holdPort(port);
          // The RPC is down: a keeper that reached the chain would fail differently (exit 1, an RPC error).
          const env = keeperEnv("http://127.0.0.1:1", join(dir, "deployment.json"), keeperKeys[0].privateKey, {
            TCM_KEEPER_PORT: String(port),
          });
          const keeper = yield* startBundle(env, ["run"]);
          const code = yield* keeper.exited.pipe(Effect.timeout(Duration.seconds(30)));
          const { stderr } = keeper.output();
          assert.strictEqual(code, 2, stderr);
          assert.include(stderr, `127.0.0.1:${port}`);
          assert.include(stderr, `port ${port} is already in use`);
          assert.include(stderr, "TCM_KEEPER_PORT");
          assert.notInclude(stderr, "RPC");
        }),
      ),
    60_000,
  );
});
