// What the bundle scripts of the `tcm` CLI, the keeper and the API share (packages/cli/scripts/bundle.mjs,
// services/keeper/scripts/bundle.mjs, services/api/scripts/bundle.mjs import it by relative path): the esbuild options
// that make one runnable ES module for Node, the `--out <dir>` flag, and the pruned package.json a service's
// artifact carries. Each script keeps what is its own: its entry, output and extra files. esbuild itself is imported by
// each script, from the package that declares it (this folder belongs to no package).
// The bundle targets list this file in their Nx inputs, so a change here rebuilds all three.
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const workspaceRoot = fileURLToPath(new URL("..", import.meta.url));

/**
 * esbuild options for `entry` (a TypeScript entry point) bundled with everything it imports into one ES module for
 * Node 20, `outfile`. `define` replaces identifiers at build time (the API's TCM_API_BUNDLE).
 */
export const nodeBundleOptions = ({ entry, outfile, define = {} }) => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  define,
  // Dependencies written as CommonJS call require(): give the ES module one.
  banner: {
    js: "import { createRequire as __tcmCreateRequire } from 'node:module'; const require = __tcmCreateRequire(import.meta.url);",
  },
  legalComments: "none",
  logLevel: "warning",
});

/** The folder `--out <dir>` names (resolved against the working directory), else `fallback`. */
export const outDir = (fallback) => {
  const at = process.argv.indexOf("--out");
  if (at < 0) return fallback;
  const dir = process.argv[at + 1];
  if (dir === undefined || dir === "" || dir.startsWith("--")) {
    console.error("bundle: --out needs a folder (--out <dir>)");
    process.exit(2);
  }
  return resolve(dir);
};

/**
 * Makes `out` and removes from it only `entries`, what a previous bundle wrote: `--out` may name a folder that holds
 * other files.
 */
export const clearArtifact = (out, entries) => {
  for (const entry of entries) rmSync(join(out, entry), { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
};

/**
 * Writes `out`/package.json for a service's artifact: the name, version and description of the package at
 * `packageRoot`, the workspace's Node engines, `scripts`, and no dependencies (nothing is left external).
 */
export const writeArtifactPackage = (packageRoot, out, scripts) => {
  const pkg = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8"));
  const workspace = JSON.parse(readFileSync(join(workspaceRoot, "package.json"), "utf8"));
  const artifact = {
    name: pkg.name,
    version: pkg.version,
    private: true,
    description: pkg.description,
    type: "module",
    main: "main.mjs",
    engines: workspace.engines,
    scripts,
    dependencies: {},
  };
  writeFileSync(join(out, "package.json"), `${JSON.stringify(artifact, null, 2)}\n`);
};

const size = (path) =>
  statSync(path).isDirectory()
    ? readdirSync(path).reduce((sum, entry) => sum + size(join(path, entry)), 0)
    : statSync(path).size;

/** The size of a file or a folder (everything under it), as "<n> KiB". */
export const kib = (path) => `${(size(path) / 1024).toFixed(0)} KiB`;
