// Restart benchmark: runs `npm start` (the orchestrator, same flags) N times on an unchanged checkout, each until it
// prints TCM_READY, then stops it with SIGINT and waits for it to exit. Prints per run the time to ready and the time
// of each step the start reports, then min / median / max of the total and of the deploy step with its share.
//
//   node packages/start/bench/restarts.mjs [--runs 10] [-- <npm start flags, e.g. --days 3>]
//   npx nx run start:bench-restarts
//
// The first run may include a compile or a subgraph build; it is reported apart ("cold") and not in the statistics.
// With the default state folder each run writes contracts/deployments/devnet.json, and refuses (exit code 2) while
// another `npm start` holds that folder: beside one, pass `-- --state-dir <folder>` (the deployment then goes there).
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const argv = process.argv.slice(2);
const split = argv.indexOf("--");
const own = split === -1 ? argv : argv.slice(0, split);
const startFlags = split === -1 ? [] : argv.slice(split + 1);
const runsAt = own.indexOf("--runs");
const runs = runsAt === -1 ? 10 : Number(own[runsAt + 1]);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got ${own[runsAt + 1]}`);
  process.exit(2);
}

/** One start: resolves with the seconds to TCM_READY and each step's seconds (by title). */
const once = () =>
  new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(process.execPath, [join(root, "packages/start/scripts/start.mjs"), ...startFlags], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    const steps = [];
    let ready;
    let buffered = "";
    let log = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => (log += chunk));
    child.stdout.on("data", (chunk) => {
      log += chunk;
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf("\n")) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        const done = /^\s+✓ (.*) \((\d+(?:\.\d+)?) s\)$/.exec(line);
        if (done) steps.push({ title: done[1], seconds: Number(done[2]) });
        if (line.startsWith("TCM_READY ") && ready === undefined) {
          ready = (performance.now() - began) / 1000;
          child.kill("SIGINT");
        }
      }
    });
    child.on("exit", (code, signal) => {
      if (ready === undefined) {
        reject(new Error(`npm start exited (${signal ?? code}) before TCM_READY; its output:\n${log.slice(-4000)}`));
      } else if (code !== 0) {
        reject(
          new Error(`npm start did not exit 0 after SIGINT (${signal ?? code}); its output:\n${log.slice(-4000)}`),
        );
      } else resolve({ ready, steps });
    });
  });

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
};
const f = (s) => `${s.toFixed(1)} s`;
const isDeploy = (title) => /^deploy/.test(title);

console.log(
  `restarts: ${runs} warm runs of npm start ${startFlags.join(" ")} (+1 cold), load ${loadavg()[0].toFixed(2)}`,
);
const results = [];
for (let i = 0; i <= runs; i++) {
  const result = await once();
  const deploy = result.steps.filter((s) => isDeploy(s.title)).reduce((sum, s) => sum + s.seconds, 0);
  const slowest = [...result.steps].sort((a, b) => b.seconds - a.seconds).slice(0, 3);
  console.log(
    `${i === 0 ? "cold" : `run ${i}`}: ready in ${f(result.ready)}, deploy ${f(deploy)}; slowest: ${slowest
      .map((s) => `${s.title.replace(/ \(.*$/, "")} ${f(s.seconds)}`)
      .join(", ")}`,
  );
  if (i > 0) results.push({ ready: result.ready, deploy });
}
const ready = stats(results.map((r) => r.ready));
const deploy = stats(results.map((r) => r.deploy));
const share = stats(results.map((r) => r.deploy / r.ready));
console.log(
  `\nready:  min ${f(ready.min)}  median ${f(ready.median)}  max ${f(ready.max)}\n` +
    `deploy: min ${f(deploy.min)}  median ${f(deploy.median)}  max ${f(deploy.max)}  ` +
    `(share of ready: median ${(share.median * 100).toFixed(0)} %)\nload average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
);
