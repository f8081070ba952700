#!/usr/bin/env node
// Checks that snapshots/GasTest.json holds exactly the entries the gas tests record (test/gas/*.sol,
// `record("<name>", …)`): forge's snapshot check (the gas profile's gas_snapshot_check) compares the values a run
// records with the file, but a key the file lacks passes unnoticed.
// Usage (from contracts/): node scripts/check-gas-snapshot.mjs
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SNAPSHOT = join(ROOT, "snapshots/GasTest.json");
const GAS_TESTS = join(ROOT, "test/gas");

const recorded = new Set();
for (const file of readdirSync(GAS_TESTS).filter((f) => f.endsWith(".sol"))) {
  for (const [, name] of readFileSync(join(GAS_TESTS, file), "utf8").matchAll(/\brecord\(\s*"([^"]+)"/g)) recorded.add(name);
}
const snapshot = JSON.parse(readFileSync(SNAPSHOT, "utf8"));
const stored = new Set(Object.keys(snapshot));
const missing = [...recorded].filter((name) => !stored.has(name)).sort();
const extra = [...stored].filter((name) => !recorded.has(name)).sort();
const notNumbers = [...stored].filter((name) => !/^[0-9]+$/.test(String(snapshot[name]))).sort();
const problems = [];
if (recorded.size === 0) problems.push(`no record("<name>", …) call found in ${GAS_TESTS}`);
if (missing.length) problems.push(`missing from snapshots/GasTest.json: ${missing.join(", ")} (rewrite the file with the isolated gas suite: npx nx run contracts:snapshot)`);
if (extra.length) problems.push(`in snapshots/GasTest.json but recorded by no gas test: ${extra.join(", ")}`);
if (notNumbers.length) problems.push(`not a gas figure: ${notNumbers.map((n) => `${n}=${JSON.stringify(snapshot[n])}`).join(", ")}`);
if (problems.length) {
  for (const problem of problems) process.stderr.write(`check-gas-snapshot: ${problem}\n`);
  process.exit(1);
}
process.stdout.write(`check-gas-snapshot: ${stored.size} entries, one for each gas test record\n`);
