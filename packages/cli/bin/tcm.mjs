#!/usr/bin/env node
// The `tcm` launcher. It runs dist/tcm.mjs (one bundled ES module, built by `nx run cli:build`) when that bundle is
// newer than every TypeScript source it was built from; otherwise it registers tsx's ESM loader in this process and
// runs src/main.ts directly, so an edited checkout never runs stale code. tsx is resolved from this package, so
// `tcm` works from any directory.
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const bundle = here("../dist/tcm.mjs");
// The sources inside the bundle: this CLI and the workspace packages it imports.
const sourceDirs = [here("../src"), here("../../chain/src"), here("../../domain/src")];

const newestSource = () => {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of sourceDirs) if (existsSync(dir)) walk(dir);
  return newest;
};

if (process.env.TCM_CLI_FROM_SOURCE !== "1" && existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource()) {
  await import(new URL("../dist/tcm.mjs", import.meta.url).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("../src/main.ts", import.meta.url).href);
}
