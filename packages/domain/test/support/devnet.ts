/**
 * A minimal devnet driver for the differential test: anvil on a free port (stopped by PID) and the forge deploy
 * script. Deliberately self-contained (node + the workspace's anvil/forge binaries only): @tcm/chain depends on
 * @tcm/domain, so importing its devnet module from here would make the Nx project graph circular.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** anvil's account 0 (the well-known dev key): deployer and guardian. Devnet only. */
export const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/** anvil's first ten dev accounts (mnemonic "test test … junk"), unlocked on a fresh node. */
export const ANVIL_ADDRESSES = [
  "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
  "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
  "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
  "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
  "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f",
  "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
] as const;

/** forge's native binary (the npm wrapper exits 0 even when forge fails). */
const forgeBinary = (root: string): string => {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const native = join(root, "node_modules", "@foundry-rs", `forge-${process.platform}-${arch}`, "bin", "forge");
  return existsSync(native) ? native : join(root, "node_modules", ".bin", "forge");
};

/** anvil's native binary (node_modules/.bin/anvil is a Node wrapper: killing it by PID would orphan the real anvil). */
const anvilBinary = (root: string): string => {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const native = join(root, "node_modules", "@foundry-rs", `anvil-${process.platform}-${arch}`, "bin", "anvil");
  return existsSync(native) ? native : join(root, "node_modules", ".bin", "anvil");
};

/** The workspace root: the nearest ancestor holding node_modules/.bin/anvil and contracts/. */
export const workspaceRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "node_modules", ".bin", "anvil")) && existsSync(join(dir, "contracts"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("workspace root (node_modules/.bin/anvil) not found");
    dir = parent;
  }
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const answers = async (url: string): Promise<boolean> => {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
};

export interface Anvil {
  readonly url: string;
  readonly pid: number;
}

/** Starts `anvil --silent` (automine) on a free port and waits until it answers. */
export const startAnvil = async (): Promise<Anvil> => {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      anvilBinary(workspaceRoot()),
      ["--port", String(port), "--host", "127.0.0.1", "--silent"],
      {
        stdio: "ignore",
      },
    );
    let exited = false;
    child.once("exit", () => (exited = true));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 15_000;
    while (!exited && Date.now() < deadline && !(await answers(url))) await new Promise((r) => setTimeout(r, 50));
    if (!exited && child.pid !== undefined && (await answers(url))) {
      child.unref();
      return { url, pid: child.pid };
    }
    if (child.pid !== undefined && !exited) child.kill("SIGKILL");
    if (attempt === 2) throw new Error(`anvil did not start on ${url}`);
  }
};

/** Stops a process we started, by PID (SIGTERM, then SIGKILL). */
export const stopAnvil = async (pid: number): Promise<void> => {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 60 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
  if (alive()) process.kill(pid, "SIGKILL");
};

export interface DeployedAddresses {
  readonly machine: string;
  readonly stETH: string;
  readonly wstETH: string;
  readonly uniswapV2Router: string;
}

/** `forge script script/Deploy.s.sol:DeployDevnet --broadcast` (no demo projects); returns the addresses it wrote. */
export const deployDevnet = (rpcUrl: string): Promise<DeployedAddresses> => {
  const root = workspaceRoot();
  const contracts = join(root, "contracts");
  mkdirSync(join(contracts, "deployments"), { recursive: true });
  // forge may only write under contracts/deployments (foundry.toml fs_permissions).
  const file = join(contracts, "deployments", `.differential-${process.pid}-${Date.now()}.json`);
  // --slow: forge's batched broadcast to anvil hangs now and then (see @tcm/chain's deployDevnet).
  const args = [
    "script",
    "script/Deploy.s.sol:DeployDevnet",
    "--rpc-url",
    rpcUrl,
    "--broadcast",
    "--slow",
    "--private-key",
    DEV_KEY,
  ];
  const env = { ...process.env, DEPLOYMENT_FILE: file, TCM_DEMO_PROJECTS: "false" };
  return new Promise((resolve, reject) => {
    execFile(forgeBinary(root), args, { cwd: contracts, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      try {
        if (error)
          throw new Error(`forge script failed: ${`${stdout}\n${stderr}`.trim().split("\n").slice(-15).join("\n")}`);
        resolve(JSON.parse(readFileSync(file, "utf8")) as DeployedAddresses);
      } catch (e) {
        reject(e);
      } finally {
        rmSync(file, { force: true });
      }
    });
  });
};
