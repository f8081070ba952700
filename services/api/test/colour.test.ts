/**
 * The API's own output (Effect's pretty logger; here the report of a missing TCM_RPC_URLS, which needs no chain) has
 * colours only on a terminal that did not set NO_COLOR: through a pipe or with NO_COLOR it is plain text.
 * `script` gives the process a pseudo-terminal.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const ESC = "\u001b[";

/** Runs `command` (argv) with only `env` and PATH (no TCM_RPC_URLS), to its exit code and output (both streams). */
const run = (command: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const [file = "", ...args] = command;
    const child = spawn(file, args, { env: { PATH: process.env["PATH"] ?? "", ...env } });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });

const api = [process.execPath, "--import", "tsx", main];
const inTerminal = ["script", "-qfec", api.map((s) => `'${s.replace(/'/g, "'\\''")}'`).join(" "), "/dev/null"];

describe("the API's output", () => {
  it("is plain through a pipe and with NO_COLOR on a terminal; coloured on a terminal otherwise", async () => {
    const [piped, terminal, noColor] = await Promise.all([
      run(api),
      run(inTerminal),
      run(inTerminal, { NO_COLOR: "1" }),
    ]);
    for (const { code, output } of [piped, terminal, noColor]) {
      expect(code, output).toBe(1);
      expect(output).toMatch(/ERROR[\s\S]*TCM_RPC_URLS/);
    }
    expect(piped.output).not.toContain(ESC);
    expect(noColor.output).not.toContain(ESC);
    expect(terminal.output).toContain(ESC);
  });
});
