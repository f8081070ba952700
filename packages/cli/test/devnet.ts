/** Test support: one anvil + forge deployment per test file, and a runner for the real `tcm` binary. */
import {
  ANVIL_ACCOUNTS,
  type AnvilInstance,
  deployDevnet,
  deploymentToJson,
  startAnvil,
  stopAnvil,
} from "@tcm/chain/devnet";
import type { DeploymentInfo } from "@tcm/chain";
import { Effect } from "effect";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../bin/tcm.mjs", import.meta.url));

export interface TestNet {
  readonly node: AnvilInstance;
  readonly deployment: DeploymentInfo;
  readonly deploymentFile: string;
}

export const startNet = async (options: { readonly demoProjects?: boolean } = {}): Promise<TestNet> => {
  const node = await Effect.runPromise(startAnvil());
  try {
    const deployment = await Effect.runPromise(
      deployDevnet({ rpcUrl: node.url, demoProjects: options.demoProjects ?? true }),
    );
    const dir = mkdtempSync(join(tmpdir(), "tcm-cli-"));
    const deploymentFile = join(dir, "deployment.json");
    writeFileSync(deploymentFile, JSON.stringify(deploymentToJson(deployment), null, 2));
    return { node, deployment, deploymentFile };
  } catch (error) {
    await Effect.runPromise(stopAnvil(node.pid));
    throw error;
  }
};

export const stopNet = (net: TestNet | undefined) =>
  net ? Effect.runPromise(stopAnvil(net.node.pid)) : Promise.resolve();

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tcm args…` as a child process (no TTY), with the given key in TCM_PRIVATE_KEY. */
export const tcm = (
  args: ReadonlyArray<string>,
  options: {
    readonly net?: TestNet;
    readonly key?: string | null;
    readonly env?: Record<string, string>;
    readonly input?: string;
  } = {},
): Promise<RunResult> =>
  new Promise((resolve, reject) => {
    const connection = options.net ? ["--rpc", options.net.node.url, "--deployment", options.net.deploymentFile] : [];
    const env: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: "1", ...options.env };
    delete env["TCM_PRIVATE_KEY"];
    delete env["FORCE_COLOR"]; // Nx sets it; with NO_COLOR, Node would warn on stderr
    const key = options.key === undefined ? ANVIL_ACCOUNTS[1]!.privateKey : options.key;
    if (key !== null) env["TCM_PRIVATE_KEY"] = key;
    const child = spawn(process.execPath, [BIN, ...args, ...connection], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });

/** Runs `tcm` inside `script` (a pseudo-terminal); answers `answer` once `prompt` shows up on the terminal. */
export const inTerminal = (
  args: ReadonlyArray<string>,
  prompt: RegExp,
  answer: string,
  key: string = ANVIL_ACCOUNTS[2]!.privateKey,
) =>
  new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
    const command = [process.execPath, BIN, ...args].map(quote).join(" ");
    const { FORCE_COLOR: _, ...inherited } = process.env;
    const env = { ...inherited, TCM_PRIVATE_KEY: key, NO_COLOR: "1" };
    const child = spawn("script", ["-qfec", command, "/dev/null"], { env, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    let answered = false;
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
      if (!answered && prompt.test(output)) {
        answered = true;
        child.stdin.write(answer);
      }
    });
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
