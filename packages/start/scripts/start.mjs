#!/usr/bin/env node
// `npm start`'s entry: one Node process from npm to the orchestrator, so a signal sent to npm (which forwards SIGINT
// and SIGTERM to its child) or to this process reaches the code that stops everything it started. A shell chain
// (`a && b && node main.ts`) would put a shell between them that dies on SIGTERM and leaves the system running.
// Builds what the start runs first: the `tcm` bundle (esbuild), the keeper's and the API's bundles (Nx, cached; the
// API's holds the dashboard's build), then runs the TypeScript orchestrator through tsx's loader in this same process.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const require = createRequire(import.meta.url);

await import("../../cli/scripts/bundle.mjs");
const nx = spawnSync(
  process.execPath,
  [require.resolve("nx/bin/nx.js"), "run-many", "-t", "bundle", "-p", "keeper", "api", "--outputStyle=static"],
  { cwd: root, stdio: "inherit" },
);
if (nx.status !== 0) process.exit(nx.status ?? 1);

register();
await import("../src/main.ts");
