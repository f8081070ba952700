#!/usr/bin/env node
// Bundles the `tcm` CLI (src/main.ts and the workspace packages it imports) into one ES module, dist/tcm.mjs.
// Node then loads one file instead of resolving thousands of modules through tsx: `tcm --help` drops from
// seconds to a fraction of one. bin/tcm.mjs runs the bundle when it is newer than every source it was built
// from, and the TypeScript sources through tsx otherwise, so an edited checkout never runs stale code.
// The esbuild options are the ones the keeper and the API bundle with (tools/bundle.mjs).
import { build } from "esbuild";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeBundleOptions } from "../../../tools/bundle.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

await build(nodeBundleOptions({ entry: join(root, "src", "main.ts"), outfile: join(root, "dist", "tcm.mjs") }));
