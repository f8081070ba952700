#!/usr/bin/env node
// Bundles the keeper (src/main.ts with effect, viem, @tcm/chain and @tcm/domain) into a runnable artifact:
// dist/bundle/main.mjs (one ES module) and a pruned package.json. Start it with plain node, from any directory:
//   node dist/bundle/main.mjs run
// Nothing is left external, so the artifact needs no node_modules (its package.json lists no dependencies).
// `--out <dir>` writes it elsewhere (the bundle test builds one outside the workspace). What the CLI's and the API's
// bundles share with this one (esbuild options, --out, the package.json) is in tools/bundle.mjs.
import { build } from "esbuild";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { clearArtifact, kib, nodeBundleOptions, outDir, writeArtifactPackage } from "../../../tools/bundle.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = outDir(join(root, "dist", "bundle"));

clearArtifact(out, ["main.mjs", "package.json"]);
await build(nodeBundleOptions({ entry: join(root, "src", "main.ts"), outfile: join(out, "main.mjs") }));
writeArtifactPackage(root, out, { start: "node main.mjs run", once: "node main.mjs once" });
console.log(
  `keeper bundle: ${join(out, "main.mjs")} (${kib(join(out, "main.mjs"))}), package.json with no dependencies`,
);
