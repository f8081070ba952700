import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Abi, Hex } from "viem";

/** The workspace root: the nearest ancestor holding node_modules/.bin/anvil and contracts/. */
export const workspaceRoot = (from: string = dirname(fileURLToPath(import.meta.url))): string => {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, "node_modules", ".bin", "anvil")) && existsSync(join(dir, "contracts"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`@tcm/devnet: no workspace root (node_modules/.bin/anvil) above ${from}`);
    dir = parent;
  }
};

/**
 * A Foundry tool's native binary. node_modules/.bin/<tool> is a Node wrapper that spawns the binary (and exits 0 even
 * when forge fails); stopping the wrapper by PID would leave the real process running, so the harness runs the binary.
 */
export const foundryBinary = (tool: "anvil" | "forge" | "cast", root: string = workspaceRoot()): string => {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const native = join(root, "node_modules", "@foundry-rs", `${tool}-${process.platform}-${arch}`, "bin", tool);
  return existsSync(native) ? native : join(root, "node_modules", ".bin", tool);
};

/** A binary from node_modules/.bin (gnd, graph). */
export const nodeBinary = (name: string, root: string = workspaceRoot()): string =>
  join(root, "node_modules", ".bin", name);

/**
 * A contract's ABI and creation bytecode from forge's build output (contracts/out/<file>.sol/<name>.json); `file` is
 * the .sol file's name when it differs from the contract's. Run the contracts build first.
 */
export const forgeArtifact = (
  name: string,
  file: string = name,
  root: string = workspaceRoot(),
): { readonly abi: Abi; readonly bytecode: Hex } => {
  const path = join(root, "contracts", "out", `${file}.sol`, `${name}.json`);
  if (!existsSync(path)) throw new Error(`${path} does not exist: build the contracts first (nx run contracts:build)`);
  const json = JSON.parse(readFileSync(path, "utf8")) as { abi: Abi; bytecode: { object: Hex } };
  return { abi: json.abi, bytecode: json.bytecode.object };
};
