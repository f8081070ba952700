#!/usr/bin/env node
// Bundles the keeper (src/main.ts with effect, viem, @tcm/chain and @tcm/domain) into a runnable artifact:
// dist/bundle/main.mjs (one ES module) and a pruned package.json. Start it with plain node, from any directory:
//   node dist/bundle/main.mjs run
// Nothing is left external, so the artifact needs no node_modules (its package.json lists no dependencies).
// `--out <dir>` writes it elsewhere (the bundle test builds one outside the workspace).
import { build } from "esbuild";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const outArg = process.argv.indexOf("--out");
const out = outArg > 0 ? `${resolve(process.argv[outArg + 1] ?? "")}/` : `${root}dist/bundle/`;
const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8"));
const workspace = JSON.parse(readFileSync(`${root}../../package.json`, "utf8"));

// Only what a previous bundle wrote is replaced: --out may name a folder that holds other files.
for (const entry of ["main.mjs", "package.json"]) rmSync(`${out}${entry}`, { force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [`${root}src/main.ts`],
  outfile: `${out}main.mjs`,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Dependencies written as CommonJS call require(): give the ES module one.
  banner: {
    js: "import { createRequire as __tcmCreateRequire } from 'node:module'; const require = __tcmCreateRequire(import.meta.url);",
  },
  legalComments: "none",
  logLevel: "warning",
});
writeFileSync(
  `${out}package.json`,
  `${JSON.stringify(
    {
      name: pkg.name,
      version: pkg.version,
      private: true,
      description: pkg.description,
      type: "module",
      main: "main.mjs",
      engines: workspace.engines,
      scripts: { start: "node main.mjs run", once: "node main.mjs once" },
      dependencies: {},
    },
    null,
    2,
  )}\n`,
);
const kib = (file) => (statSync(`${out}${file}`).size / 1024).toFixed(0);
console.log(`keeper bundle: ${out}main.mjs (${kib("main.mjs")} KiB), package.json with no dependencies`);
