#!/usr/bin/env node
// Bundles the API (src/main.ts with effect, graphql, viem, @tcm/chain and @tcm/domain) into a runnable artifact,
// dist/bundle/: main.mjs (one ES module), a pruned package.json, and the files it serves:
//   dashboard/  the dashboard's build (packages/dashboard/dist: `nx run dashboard:build`), served at /
//   graphiql/   GraphiQL's page assets (React, ReactDOM, GraphiQL's UMD bundle and stylesheet), served offline
// Start it with plain node from any directory: node dist/bundle/main.mjs. Nothing is left external, so the artifact
// needs no node_modules (its package.json lists no dependencies). TCM_API_BUNDLE tells src/http/dashboard.ts and
// src/http/graphiql.ts to read their files beside main.mjs instead of from the workspace. `--out <dir>` writes the
// artifact elsewhere (the bundle test builds one outside the workspace).
import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const outArg = process.argv.indexOf("--out");
const out = outArg > 0 ? resolve(process.argv[outArg + 1] ?? "") : join(root, "dist", "bundle");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const workspace = JSON.parse(readFileSync(join(root, "..", "..", "package.json"), "utf8"));
const dashboard = join(root, "..", "..", "packages", "dashboard", "dist");
const require = createRequire(join(root, "package.json"));

if (!existsSync(join(dashboard, "index.html"))) {
  console.error(`api bundle: the dashboard is not built (${dashboard}): run npx nx run dashboard:build`);
  process.exit(1);
}

// Only what a previous bundle wrote is replaced: --out may name a folder that holds other files.
for (const entry of ["main.mjs", "package.json", "dashboard", "graphiql"])
  rmSync(join(out, entry), { recursive: true, force: true });
mkdirSync(join(out, "graphiql"), { recursive: true });
await build({
  entryPoints: [join(root, "src", "main.ts")],
  outfile: join(out, "main.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  define: { TCM_API_BUNDLE: "true" },
  // Dependencies written as CommonJS call require(): give the ES module one.
  banner: {
    js: "import { createRequire as __tcmCreateRequire } from 'node:module'; const require = __tcmCreateRequire(import.meta.url);",
  },
  legalComments: "none",
  logLevel: "warning",
});

cpSync(dashboard, join(out, "dashboard"), { recursive: true });
// The names src/http/graphiql.ts serves, from the packages the workspace installed (the versions it was tested with).
const beside = (name, file) => join(dirname(require.resolve(name)), file);
const graphiql = {
  "react.js": beside("react", "umd/react.production.min.js"),
  "react-dom.js": beside("react-dom", "umd/react-dom.production.min.js"),
  "graphiql.js": beside("graphiql", "index.umd.js"),
  "graphiql.css": beside("graphiql", "style.css"),
};
for (const [name, file] of Object.entries(graphiql)) cpSync(file, join(out, "graphiql", name));

writeFileSync(
  join(out, "package.json"),
  `${JSON.stringify(
    {
      name: pkg.name,
      version: pkg.version,
      private: true,
      description: pkg.description,
      type: "module",
      main: "main.mjs",
      engines: workspace.engines,
      scripts: { start: "node main.mjs" },
      dependencies: {},
    },
    null,
    2,
  )}\n`,
);

const size = (path) =>
  statSync(path).isDirectory()
    ? readdirSync(path).reduce((sum, entry) => sum + size(join(path, entry)), 0)
    : statSync(path).size;
const kib = (path) => `${(size(path) / 1024).toFixed(0)} KiB`;
console.log(
  `api bundle: ${out} (${kib(out)}): main.mjs ${kib(join(out, "main.mjs"))}, dashboard/ ${kib(join(out, "dashboard"))}, ` +
    `graphiql/ ${kib(join(out, "graphiql"))}; package.json with no dependencies`,
);
