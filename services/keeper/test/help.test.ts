/**
 * The keeper's help as an operator reads it: through a pipe (`keeper --help | less`, a log file) it is plain text
 * naming its commands and options; on a terminal (`script`, a pseudo-terminal) it keeps @effect/cli's colours, unless
 * NO_COLOR says otherwise. No chain: only the process and its output.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, describe, it } from "@effect/vitest";
import { Effect } from "effect";

const keeperRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const ESC = "\u001b[";

/** Runs `command` (argv) in the keeper's folder with only `env` and PATH, to its exit code and stdout. */
const run = (command: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.async<{ code: number | null; stdout: string; stderr: string }>((resume) => {
    const [file = "", ...args] = command;
    const child = spawn(file, args, { cwd: keeperRoot, env: { PATH: process.env["PATH"] ?? "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("close", (code) => resume(Effect.succeed({ code, stdout, stderr })));
  });

const keeperHelp = [process.execPath, "--import", "tsx", "src/main.ts", "--help"];
/** The same command inside `script`, so its stdout is a terminal. */
const inTerminal = ["script", "-qfec", keeperHelp.map((s) => `'${s.replace(/'/g, "'\\''")}'`).join(" "), "/dev/null"];

describe("keeper --help", () => {
  it.live(
    "through a pipe: plain text that names the commands and options; on a terminal: colours unless NO_COLOR",
    () =>
      Effect.gen(function* () {
        const [piped, terminal, noColor] = yield* Effect.all(
          [run(keeperHelp), run(inTerminal), run(inTerminal, { NO_COLOR: "1" })],
          { concurrency: 3 },
        );
        assert.strictEqual(piped.code, 0, piped.stderr);
        assert.notInclude(piped.stdout, ESC);
        assert.notInclude(piped.stderr, ESC);
        for (const named of ["run [--dry-run]", "once [--dry-run]", "--help", "--version", "--log-level", "TCM_*"])
          assert.include(piped.stdout, named);

        assert.strictEqual(terminal.code, 0, terminal.stdout);
        assert.include(terminal.stdout, ESC, "a terminal still gets colours");
        assert.include(terminal.stdout, "run [--dry-run]");
        assert.strictEqual(noColor.code, 0, noColor.stdout);
        assert.notInclude(noColor.stdout, ESC);
        assert.include(noColor.stdout, "once [--dry-run]");
      }),
  );
});
