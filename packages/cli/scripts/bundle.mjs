#!/usr/bin/env node
// Bundles the `tcm` CLI (src/main.ts and the workspace packages it imports) into one ES module, dist/tcm.mjs.
// Node then loads one file instead of resolving thousands of modules through tsx: `tcm --help` drops from
// seconds to a fraction of one. bin/tcm.mjs runs the bundle when it is newer than every source it was built
// from, and the TypeScript sources through tsx otherwise, so an edited checkout never runs stale code.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

await build({
  entryPoints: [`${root}src/main.ts`],
  outfile: `${root}dist/tcm.mjs`,
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
