#!/usr/bin/env node
// Summarises a V8 .cpuprofile (node --cpu-prof; `npx nx run api:bench -- --cpu-prof <dir>` writes one for the API):
// self time by package / source file, the top functions by self time, and the inclusive time of the functions whose
// names match --focus (a regular expression), so "where does an uncached request go" reads off one screen.
// Usage: node services/api/bench/cpu-profile.mjs <file.cpuprofile> [--top 30] [--focus <regexp>]
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (!file) throw new Error("usage: node cpu-profile.mjs <file.cpuprofile> [--top n] [--focus regexp]");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const TOP = Number(arg("--top", "30"));
const FOCUS = arg("--focus", "");
const profile = JSON.parse(readFileSync(file, "utf8"));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
// Self time per node from the sample stream (timeDeltas in µs; each delta belongs to the sample that follows it).
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  self.set(id, (self.get(id) ?? 0) + dt);
  total += dt;
});

const where = (frame) => {
  const url = frame.url ?? "";
  if (url === "") return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  const local = url.match(/\/(packages|services)\/([^/]+)\/(.*)$/);
  if (local) return `${local[1]}/${local[2]}/${local[3]}`;
  return url.startsWith("node:") ? url : url.replace(/^file:\/\//, "");
};
const name = (frame) => `${frame.functionName || "(anonymous)"} ${where(frame)}:${frame.lineNumber + 1}`;

const sum = (key) => {
  const out = new Map();
  for (const [id, t] of self) {
    const k = key(byId.get(id).callFrame);
    out.set(k, (out.get(k) ?? 0) + t);
  }
  return [...out].sort((a, b) => b[1] - a[1]);
};
const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)} %`;
const ms = (t) => `${(t / 1000).toFixed(0).padStart(7)} ms`;

process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n\nself time by package / file\n`);
for (const [k, t] of sum(where).slice(0, TOP)) process.stdout.write(`${ms(t)} ${pct(t)}  ${k}\n`);
process.stdout.write(`\nself time by function\n`);
for (const [k, t] of sum(name).slice(0, TOP)) process.stdout.write(`${ms(t)} ${pct(t)}  ${k}\n`);

if (FOCUS) {
  // Inclusive time: every sample counts once for each distinct matching function on its stack.
  const re = new RegExp(FOCUS);
  const inclusive = new Map();
  for (const [id, t] of self) {
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const frame = byId.get(n).callFrame;
      if (!re.test(frame.functionName) && !re.test(frame.url)) continue;
      const k = name(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + t);
    }
  }
  process.stdout.write(`\ninclusive time of functions matching /${FOCUS}/\n`);
  for (const [k, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, TOP))
    process.stdout.write(`${ms(t)} ${pct(t)}  ${k}\n`);
}
