#!/usr/bin/env node
// The `tcm` launcher: registers tsx's ESM loader in this process and runs the TypeScript entry point directly
// (the workspace emits nothing; the same sources run under vitest). Equivalent to `node --import tsx src/main.ts`,
// but tsx is resolved from this package, so `tcm` works from any directory.
import { register } from "tsx/esm/api";

register();
await import(new URL("../src/main.ts", import.meta.url).href);
