#!/usr/bin/env node
// Offline solc for forge: wraps the npm `solc` package (solc-js), so forge never downloads a compiler.
// forge calls `solc --version` to identify the compiler and `solc --standard-json` to compile.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const solc = require("solc");

const args = process.argv.slice(2);
if (args.includes("--version")) {
  const version = solc.version().replace("Emscripten.clang", "Linux.g++");
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${version}\n`);
  process.exit(0);
}
if (!args.includes("--standard-json")) {
  process.stderr.write("tools/solc: only --version and --standard-json are supported\n");
  process.exit(2);
}
const allowed = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--allow-paths" || args[i] === "--base-path" || args[i] === "--include-path") {
    for (const p of String(args[i + 1] ?? "").split(",")) if (p) allowed.push(path.resolve(p));
  }
}
const input = fs.readFileSync(0, "utf8");
const findImports = (importPath) => {
  const candidates = [path.resolve(importPath), ...allowed.map((base) => path.resolve(base, importPath))];
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, "utf8") };
  }
  return { error: `File not found: ${importPath}` };
};
process.stdout.write(solc.compile(input, { import: findImports }));
