#!/usr/bin/env node
// Runs the subgraph's JSON tests with `gnd test` (the real graph-node runtime and store) against a fresh
// PostgreSQL database of its own, and drops that database afterwards, whatever happens.
//
// Usage (from subgraph/): node scripts/gnd-test.mjs [gnd test args, e.g. tests/03-deposit.json]
// Writes the test manifest tests/.gnd/subgraph.yaml (network "test" of networks.json: fixed machine address 0x…c0ffee,
// startBlock 100, plus the test-only shim data source of tests/shim/) and builds it with graph-cli into
// tests/.gnd/build/, where `gnd test --skip-build` looks for it (gnd's own build cannot resolve mapping paths outside
// the manifest's folder, and would write over the default build/). Expects `graph codegen` to have run (the Nx target `subgraph:test` does that) and PostgreSQL on PGHOST:PGPORT
// (default 127.0.0.1:5432, user postgres, trust auth).

import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const SUBGRAPH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const GND = join(SUBGRAPH_DIR, "../node_modules/.bin/gnd");
const PG_HOST = process.env.PGHOST ?? "127.0.0.1";
const PG_PORT = process.env.PGPORT ?? "5432";
const PG_USER = process.env.PGUSER ?? "postgres";
const DATABASE = `tcm_gnd_test_${process.pid}_${randomBytes(4).toString("hex")}`;
// gnd insists on a password in the URL even under trust auth; any value will do.
const POSTGRES_URL = `postgresql://${PG_USER}:unused@${PG_HOST}:${PG_PORT}/${DATABASE}`;

const psql = (sql) =>
  spawnSync(
    "psql",
    ["-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
    {
      encoding: "utf8",
    },
  );

const die = (message) => {
  process.stderr.write(`gnd-test: ${message}\n`);
  process.exit(1);
};

if (!existsSync(GND)) die(`${GND} not found: @graphprotocol/gnd-linux-x64 is an optional dependency (Linux x64 only)`);
if (!existsSync(join(SUBGRAPH_DIR, "generated/schema.ts"))) die("generated/ missing: run `graph codegen` first");
// In a folder of its own: gnd builds it into tests/.gnd/build/, leaving the default build/ alone.
const TEST_MANIFEST = "tests/.gnd/subgraph.yaml";
const prepared = spawnSync(
  process.execPath,
  [join(SUBGRAPH_DIR, "scripts/prepare.mjs"), "test", "--test-shim", "--out", TEST_MANIFEST],
  {
    stdio: "inherit",
  },
);
if (prepared.status !== 0) die("could not write the test manifest");
const built = spawnSync(
  join(SUBGRAPH_DIR, "../node_modules/.bin/graph"),
  ["build", TEST_MANIFEST, "--output-dir", "tests/.gnd/build"],
  {
    cwd: SUBGRAPH_DIR,
    encoding: "utf8",
  },
);
if (built.status !== 0) die(`graph build of the test manifest failed:\n${built.stdout}${built.stderr}`);

// graph-node needs a C-locale database.
const created = psql(`CREATE DATABASE ${DATABASE} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
if (created.error || created.status !== 0) {
  die(
    `could not create database ${DATABASE} on ${PG_HOST}:${PG_PORT}: ${created.error?.message ?? created.stderr.trim()}`,
  );
}

const dropDatabase = () => {
  const dropped = psql(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  if (dropped.status !== 0)
    process.stderr.write(`gnd-test: warning: could not drop ${DATABASE}: ${dropped.stderr.trim()}\n`);
};

// One gnd process per test file: within one `gnd test` run the store carries over from one file to the next (seen:
// projects of the previous file still present), so files would not be independent. Across runs, gnd deploys afresh.
const args = process.argv.slice(2);
const options = args.filter((arg) => arg.startsWith("-"));
const targets = args.filter((arg) => !arg.startsWith("-"));
const testFiles = (targets.length > 0 ? targets : ["tests"]).flatMap((target) =>
  statSync(join(SUBGRAPH_DIR, target)).isDirectory()
    ? readdirSync(join(SUBGRAPH_DIR, target))
        .filter((name) => name.endsWith(".json"))
        .sort()
        .map((name) => join(target, name))
    : [target],
);

let current;
const forward = (signal) => current?.kill(signal);
process.on("SIGINT", forward);
process.on("SIGTERM", forward);

const runGnd = (file) =>
  new Promise((resolvePromise) => {
    const child = spawn(
      GND,
      ["test", "--skip-build", "--manifest", TEST_MANIFEST, "--postgres-url", POSTGRES_URL, ...options, file],
      {
        cwd: SUBGRAPH_DIR,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    current = child;
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on("error", (error) => {
      process.stderr.write(`gnd-test: could not start gnd: ${error.message}\n`);
      resolvePromise({ code: 1, passed: 0, failed: 1 });
    });
    child.on("exit", (code, signal) => {
      const counts = /Tests: (\d+) passed, (\d+) failed/.exec(output);
      const status = code ?? (signal ? 128 : 1);
      resolvePromise({
        code: status,
        passed: counts ? Number(counts[1]) : 0,
        failed: counts ? Number(counts[2]) : status === 0 ? 0 : 1,
      });
    });
  });

let passed = 0;
let failed = 0;
try {
  for (const file of testFiles) {
    const result = await runGnd(file);
    passed += result.passed;
    failed += result.failed;
    if (result.code !== 0 && result.failed === 0) failed += 1;
  }
} finally {
  dropDatabase();
}
process.stdout.write(`\ngnd-test: ${testFiles.length} files — Tests: ${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 && testFiles.length > 0 ? 0 : 1);
