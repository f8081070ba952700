/**
 * The API as operators run it: `nx run api:bundle`'s artifact (scripts/bundle.mjs, here built into a folder outside
 * the workspace, so no node_modules or packages/dashboard can fill in for it) started with plain node against a
 * devnet. It answers /graphql from the chain, serves the dashboard's build at / with its assets, and GraphiQL with
 * its four assets offline (the same bytes as the packages installed in the workspace).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest";
import { devnet, freePort } from "@tcm/devnet";
import { Duration, Effect, Schedule } from "effect";

const apiRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(apiRoot, "package.json"));

/** The artifact, built once for this file into a temporary folder (removed after it). */
let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tcm-api-bundle-"));
  const built = spawnSync(process.execPath, ["scripts/bundle.mjs", "--out", dir], { cwd: apiRoot, encoding: "utf8" });
  assert.strictEqual(built.status, 0, built.stdout + built.stderr);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Effect.Effect<number | null>;
}

/** `node main.mjs` in the bundle's folder with only `env` (and PATH); killed with the scope if still running. */
const startBundle = (env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync((): Running => {
      const child = spawn(process.execPath, ["main.mjs"], {
        cwd: dir,
        env: { PATH: process.env["PATH"] ?? "", ...env },
      });
      let output = "";
      child.stdout.on("data", (c: Buffer) => (output += c.toString()));
      child.stderr.on("data", (c: Buffer) => (output += c.toString()));
      const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      return { child, output: () => output, exited: Effect.promise(() => exit) };
    }),
    ({ child }) =>
      Effect.sync(() => void (child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"))),
  );

const get = (url: string, headers: Record<string, string> = {}) =>
  Effect.promise(() =>
    fetch(url, { headers }).then(async (r) => ({
      status: r.status,
      type: r.headers.get("content-type") ?? "",
      body: new Uint8Array(await r.arrayBuffer()),
    })),
  );
const text = (body: Uint8Array) => new TextDecoder().decode(body);

describe("the API bundle (plain node)", () => {
  it("the artifact is main.mjs, a package.json without dependencies, the dashboard and GraphiQL's assets", () => {
    assert.deepStrictEqual(readdirSync(dir).sort(), ["dashboard", "graphiql", "main.mjs", "package.json"]);
    assert.deepStrictEqual(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).dependencies, {});
    // The dashboard's build as it was when bundled (packages/dashboard/dist may be rebuilt since).
    const index = readFileSync(join(dir, "dashboard", "index.html"), "utf8");
    const named = [...index.matchAll(/\/assets\/([\w.-]+)/g)].map((m) => m[1]!);
    assert.isAbove(named.length, 0);
    for (const name of named) assert.include(readdirSync(join(dir, "dashboard", "assets")), name);
  });

  it.live(
    "answers /graphql from the chain, serves the dashboard at / and GraphiQL offline, and stops on SIGTERM",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const chain = yield* devnet();
          const port = yield* freePort;
          const base = `http://127.0.0.1:${port}`;
          const started = Date.now();
          const api = yield* startBundle({
            TCM_RPC_URLS: chain.node.url,
            TCM_DEPLOYMENT_FILE: chain.deploymentFile,
            TCM_API_PORT: String(port),
          });
          const query = (q: string) =>
            Effect.promise(() =>
              fetch(`${base}/graphql`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ query: q }),
              }).then(
                (r) => r.json() as Promise<{ data?: Record<string, any>; errors?: unknown }>,
                () => undefined,
              ),
            );
          const first = yield* query("{ apiVersion { chainId } protocol { projectCount } }").pipe(
            Effect.flatMap((r) => (r === undefined ? Effect.fail("not listening yet") : Effect.succeed(r))),
            Effect.retry(Schedule.spaced(Duration.millis(100)).pipe(Schedule.upTo(Duration.seconds(30)))),
            Effect.orDie,
          );
          const readyMs = Date.now() - started;
          assert.deepStrictEqual(first, { data: { apiVersion: { chainId: 31337 }, protocol: { projectCount: 3 } } });

          // The dashboard at /, and every asset its page names, byte for byte the bundle's copy of its build.
          const index = yield* get(`${base}/`);
          assert.strictEqual(index.status, 200);
          assert.include(index.type, "text/html");
          assert.strictEqual(text(index.body), readFileSync(join(dir, "dashboard", "index.html"), "utf8"));
          const assets = [...text(index.body).matchAll(/\/assets\/([\w.-]+)/g)].map((m) => m[1]!);
          assert.isAbove(assets.length, 0);
          for (const name of assets) {
            const asset = yield* get(`${base}/assets/${name}`);
            assert.strictEqual(asset.status, 200, name);
            assert.deepStrictEqual(
              asset.body,
              new Uint8Array(readFileSync(join(dir, "dashboard", "assets", name))),
              name,
            );
          }

          // GraphiQL: the page a browser gets at /graphql, and its four assets as installed in the workspace.
          const page = yield* get(`${base}/graphql`, { accept: "text/html" });
          assert.strictEqual(page.status, 200);
          assert.include(text(page.body), "GraphiQL");
          const installed: Record<string, string> = {
            "react.js": join(dirname(require.resolve("react")), "umd/react.production.min.js"),
            "react-dom.js": join(dirname(require.resolve("react-dom")), "umd/react-dom.production.min.js"),
            "graphiql.js": join(dirname(require.resolve("graphiql")), "index.umd.js"),
            "graphiql.css": join(dirname(require.resolve("graphiql")), "style.css"),
          };
          for (const [name, file] of Object.entries(installed)) {
            assert.include(text(page.body), `/graphql/assets/${name}`);
            const asset = yield* get(`${base}/graphql/assets/${name}`);
            assert.strictEqual(asset.status, 200, name);
            assert.deepStrictEqual(asset.body, new Uint8Array(readFileSync(file)), name);
          }

          api.child.kill("SIGTERM");
          const code = yield* api.exited.pipe(Effect.timeout(Duration.seconds(20)));
          assert.strictEqual(code, 0, api.output());
          console.log(`api bundle: /graphql answered ${readyMs} ms after node started`);
        }),
      ),
    120_000,
  );

  it.live(
    "runs as a cluster with TCM_API_WORKERS=2 (the primary forks main.mjs): /metrics shows both workers, SIGTERM stops all",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const chain = yield* devnet();
          const port = yield* freePort;
          const api = yield* startBundle({
            TCM_RPC_URLS: chain.node.url,
            TCM_DEPLOYMENT_FILE: chain.deploymentFile,
            TCM_API_PORT: String(port),
            TCM_API_WORKERS: "2",
          });
          // Each request on a new connection: the cluster hands them to its workers in turn.
          const once = (path: string, body?: string) =>
            Effect.promise(() =>
              fetch(`http://127.0.0.1:${port}${path}`, {
                method: body === undefined ? "GET" : "POST",
                headers: { connection: "close", ...(body === undefined ? {} : { "content-type": "application/json" }) },
                ...(body === undefined ? {} : { body }),
              }).then(
                async (r) => ({ status: r.status, text: await r.text() }),
                () => undefined,
              ),
            );
          yield* once("/health").pipe(
            Effect.flatMap((r) =>
              r?.status === 200 && api.output().includes("the API runs 2 workers")
                ? Effect.void
                : Effect.fail("not ready yet"),
            ),
            Effect.retry(Schedule.spaced(Duration.millis(100)).pipe(Schedule.upTo(Duration.seconds(30)))),
            Effect.orDie,
          );
          const workers = [...api.output().matchAll(/worker (\d+) started \(pid (\d+)\)/g)].map((m) => Number(m[2]));
          assert.strictEqual(workers.length, 2, api.output());
          for (let i = 0; i < 10; i++) {
            const answer = yield* once("/graphql", JSON.stringify({ query: "{ protocol { projectCount } }" }));
            assert.strictEqual(answer?.status, 200);
          }
          const metrics = (yield* once("/metrics"))?.text ?? "";
          const counted = [
            ...metrics.matchAll(/^tcm_api_graphql_operations_total\{worker="(\d)",outcome="ok"\} (\d+)$/gm),
          ];
          assert.deepStrictEqual(counted.map((m) => m[1]).sort(), ["1", "2"], metrics);
          assert.strictEqual(
            counted.reduce((sum, m) => sum + Number(m[2]), 0),
            10,
          );

          api.child.kill("SIGTERM");
          const code = yield* api.exited.pipe(Effect.timeout(Duration.seconds(20)));
          assert.strictEqual(code, 0, api.output());
          for (const pid of workers) assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker pid ${pid}`);
        }),
      ),
    120_000,
  );
});
