/** Test support: one devnet per test file (@tcm/devnet: anvil, the forge deploy, its file) and a runner for `tcm`. */
import { ANVIL_ACCOUNTS, type Devnet, startDevnet } from "@tcm/devnet/promise";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../bin/tcm.mjs", import.meta.url));

/** anvil, the deployment and its file (in a temporary folder of its own, removed by stopNet). */
export type TestNet = Devnet & { readonly close: () => Promise<void> };

export const startNet = (options: { readonly demoProjects?: boolean } = {}): Promise<TestNet> =>
  startDevnet({ demoProjects: options.demoProjects ?? true });

export const stopNet = (net: TestNet | undefined) => net?.close() ?? Promise.resolve();

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
