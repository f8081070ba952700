#!/usr/bin/env node
// Profiling harness for the indexing benchmark (not a test). Two commands:
//
//   node --import tsx bench/profile.mjs chain
//     starts anvil, deploys, generates the benchmark's history (bench/index-bench.mjs generate()), writes
//     bench/.out/chain.json ({ rpcUrl, deploymentFile, head, events }) and keeps anvil running until Ctrl-C / SIGTERM.
//
//   node --import tsx bench/profile.mjs index [--mapping <file>] [--label <name>] [--dump <file.json>] [--metrics <file.txt>]
//     indexes that chain once with gnd dev (fresh database; the mapping of the manifest, default the real one),
//     prints the time to fully synced and a breakdown from graph-node's Prometheus metrics (handler time per
//     handler, deployment_sync_secs sections, host export timings), optionally dumps every entity through GraphQL
//     (sorted, for diffing two mappings over the same history) and saves the raw metrics.
//
// Several `index` runs against one `chain` compare mappings on exactly the same blocks.

import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deploy, gql, startAnvil, startGraphNode, stop, teardown } from "../test/e2e.mjs";
import { generate } from "./index-bench.mjs";

const SUBGRAPH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(SUBGRAPH_DIR, "bench/.out");
const CHAIN = join(OUT, "chain.json");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const log = (message) => process.stdout.write(`profile: ${message}\n`);

async function chain() {
  mkdirSync(OUT, { recursive: true });
  const rpcUrl = await startAnvil(["--accounts", "50"]);
  const deployment = await deploy(rpcUrl);
  const { events, head } = await generate(rpcUrl, deployment);
  writeFileSync(
    CHAIN,
    JSON.stringify({ rpcUrl, deploymentFile: deployment.file, head, events, pid: process.pid }, null, 2),
  );
  log(`chain ready: ${events} events, head ${head}, ${rpcUrl} (${CHAIN}); Ctrl-C to stop`);
  await new Promise((r) => {
    process.once("SIGINT", r);
    process.once("SIGTERM", r);
  });
}

const parseMetrics = (text) => {
  const rows = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = line.match(/^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/);
    if (!m) continue;
    const labels = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)) labels[k] = v;
    rows.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return rows;
};

// graph-node's collection field for an entity type (inflected plural: ProjectLaunch → projectLaunches).
let queryFields;
async function pluralOf(url, type) {
  queryFields ??= (
    await gql(
      url,
      "{ __schema { queryType { fields { name type { kind ofType { kind ofType { kind ofType { name } } } } } } } }",
    )
  ).__schema.queryType.fields;
  const field = queryFields.find(
    (f) => f.type.kind === "NON_NULL" && f.type.ofType?.kind === "LIST" && f.type.ofType.ofType?.ofType?.name === type,
  );
  if (!field) throw new Error(`no collection field for ${type}`);
  return field.name;
}

// Every entity type of the schema, every scalar field, paged by id: a canonical dump of the store.
async function dumpAll(url) {
  const schema = readFileSync(join(SUBGRAPH_DIR, "schema.graphql"), "utf8");
  const types = [...schema.matchAll(/type (\w+) @entity[^{]*\{([^}]*)\}/g)];
  const out = {};
  for (const [, type, body] of types) {
    const fields = [];
    for (const line of body.split("\n")) {
      const f = line.trim().match(/^(\w+):\s*(\[?)(\w+)/);
      if (!f || line.includes("@derivedFrom")) continue;
      const scalar = ["ID", "Bytes", "BigInt", "BigDecimal", "Int", "String", "Boolean", "Int8", "Timestamp"].includes(
        f[3],
      );
      fields.push(scalar ? f[1] : `${f[1]} { id }`);
    }
    const plural = await pluralOf(url, type);
    const rows = [];
    let last = "";
    for (;;) {
      const where = last ? `, where: { id_gt: ${JSON.stringify(last)} }` : "";
      const data = await gql(url, `{ r: ${plural}(first: 1000, orderBy: id${where}) { ${fields.join(" ")} } }`);
      rows.push(...data.r);
      if (data.r.length < 1000) break;
      last = data.r[data.r.length - 1].id;
    }
    out[type] = rows;
  }
  return out;
}

async function index() {
  const { rpcUrl, deploymentFile, head, events } = JSON.parse(readFileSync(CHAIN, "utf8"));
  const label = arg("--label") ?? (arg("--mapping") ? "mapping" : "real");
  const node = await startGraphNode(rpcUrl, deploymentFile, {
    workDir: `bench/.out/profile-${label}`,
    mapping: arg("--mapping"),
  });
  const metricsPort = new URL(node.metrics).port;
  // --perf <file>: samples gnd (call graphs) until synced; read with `perf report -i <file> --no-children`.
  const perf = arg("--perf")
    ? spawn(
        "perf",
        [
          "record",
          "-F",
          process.env.PERF_FREQ ?? "499",
          ...(process.env.PERF_CG ? ["--call-graph", process.env.PERF_CG] : ["-g"]),
          "-p",
          String(node.pid),
          "-o",
          arg("--perf"),
        ],
        { stdio: "ignore" },
      )
    : null;
  try {
    for (;;) {
      try {
        const { indexingStatuses } = await gql(
          node.status,
          "{ indexingStatuses { health fatalError { message } chains { latestBlock { number } } } }",
        );
        const s = indexingStatuses[0];
        if (s?.health === "failed") throw new Error(`subgraph failed: ${s.fatalError?.message}`);
        if (Number(s?.chains[0]?.latestBlock?.number ?? -1) >= head) {
          const { _meta } = await gql(node.graphql, "{ _meta { block { number } } }");
          if (_meta.block.number >= head) break;
        }
      } catch (error) {
        if (String(error.message).includes("subgraph failed")) throw error;
      }
      if (Date.now() - node.startedAt > 600_000) throw new Error("not synced after 10 minutes");
      await sleep(100);
    }
    const total = (Date.now() - node.startedAt) / 1000;
    if (perf) {
      perf.kill("SIGINT");
      await new Promise((r) => perf.once("exit", r));
    }
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    if (arg("--metrics")) writeFileSync(arg("--metrics"), text);
    const rows = parseMetrics(text);
    log(`${label}: ${events} events, synced in ${total.toFixed(1)} s, ${(events / total).toFixed(0)} events/s`);
    const sum = (name, key) => {
      const acc = {};
      for (const r of rows.filter((r) => r.name === name)) {
        const k = key(r.labels);
        acc[k] = (acc[k] ?? 0) + r.value;
      }
      return acc;
    };
    const handlerSum = sum("deployment_handler_execution_time_sum", (l) => l.handler);
    const handlerCount = sum("deployment_handler_execution_time_count", (l) => l.handler);
    let handlersTotal = 0;
    for (const [h, s] of Object.entries(handlerSum).sort((a, b) => b[1] - a[1])) {
      handlersTotal += s;
      log(
        `  handler ${h.padEnd(30)} ${s.toFixed(3).padStart(8)} s  n=${handlerCount[h]}  ${((1000 * s) / handlerCount[h]).toFixed(3)} ms/call`,
      );
    }
    log(`  handlers total ${handlersTotal.toFixed(3)} s`);
    const sections = sum("deployment_sync_secs", (l) => l.section);
    for (const [s, v] of Object.entries(sections)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 40))
      log(`  section ${s.padEnd(40)} ${v.toFixed(3).padStart(8)} s`);
    const hostSum = sum("deployment_host_fn_execution_time_sum", (l) => l.host_fn_name);
    const hostCount = sum("deployment_host_fn_execution_time_count", (l) => l.host_fn_name);
    for (const [h, s] of Object.entries(hostSum)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 30))
      log(`  host ${h.padEnd(36)} ${s.toFixed(3).padStart(8)} s  n=${hostCount[h]}`);
    if (arg("--dump")) {
      const dump = await dumpAll(node.graphql);
      writeFileSync(arg("--dump"), JSON.stringify(dump, null, 1));
      log(
        `  dump: ${Object.entries(dump)
          .map(([t, r]) => `${t} ${r.length}`)
          .join(", ")}`,
      );
    }
  } finally {
    if (perf && perf.exitCode === null) perf.kill("SIGINT");
    await stop(node);
  }
}

try {
  if (process.argv[2] === "chain") await chain();
  else if (process.argv[2] === "index") await index();
  else
    throw new Error(
      "usage: node --import tsx bench/profile.mjs chain | index [--mapping f] [--label l] [--dump f] [--metrics f]",
    );
} catch (error) {
  process.stderr.write(`profile: ERROR ${error.stack ?? error}\n`);
  process.exitCode = 1;
} finally {
  await teardown();
}
process.exit();
