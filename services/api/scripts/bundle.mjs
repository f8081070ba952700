#!/usr/bin/env node
// Bundles the API (src/main.ts with effect, graphql, viem, @tcm/chain and @tcm/domain) into a runnable artifact,
// dist/bundle/: main.mjs (one ES module), a pruned package.json, and the files it serves:
//   dashboard/  the dashboard's build (packages/dashboard/dist: `nx run dashboard:build`), served at /
//   graphiql/   GraphiQL's page assets (React, ReactDOM, GraphiQL's UMD bundle and stylesheet), served offline
// Start it with plain node from any directory: node dist/bundle/main.mjs. Nothing is left external, so the artifact
// needs no node_modules (its package.json lists no dependencies). TCM_API_BUNDLE tells src/http/dashboard.ts and
// src/http/graphiql.ts to read their files beside main.mjs instead of from the workspace. `--out <dir>` writes the
// artifact elsewhere (the bundle test builds one outside the workspace). What the CLI's and the keeper's bundles share
// with this one (esbuild options, --out, the package.json) is in tools/bundle.mjs.
import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { clearArtifact, kib, nodeBundleOptions, outDir, writeArtifactPackage } from "../../../tools/bundle.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = outDir(join(root, "dist", "bundle"));
const dashboard = join(root, "..", "..", "packages", "dashboard", "dist");
const require = createRequire(join(root, "package.json"));

if (!existsSync(join(dashboard, "index.html"))) {
  console.error(`api bundle: the dashboard is not built (${dashboard}): run npx nx run dashboard:build`);
  process.exit(1);
}

clearArtifact(out, ["main.mjs", "package.json", "dashboard", "graphiql"]);
mkdirSync(join(out, "graphiql"));
await build(
  nodeBundleOptions({
    entry: join(root, "src", "main.ts"),
    outfile: join(out, "main.mjs"),
    define: { TCM_API_BUNDLE: "true" },
  }),
);

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

writeArtifactPackage(root, out, { start: "node main.mjs" });
console.log(
  `api bundle: ${out} (${kib(out)}): main.mjs ${kib(join(out, "main.mjs"))}, dashboard/ ${kib(join(out, "dashboard"))}, ` +
    `graphiql/ ${kib(join(out, "graphiql"))}; package.json with no dependencies`,
);
