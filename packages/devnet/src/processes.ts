import { Duration, Effect } from "effect";
import { createServer } from "node:net";
import { DevnetError } from "./errors.js";

/** Whether a process (or, with a negative pid, a process group) exists. */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Stops a process this harness started, by its PID: SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone
 * (at once if it already is). With `group`, the signals go to the process group the PID leads.
 */
export const stopPid = (pid: number, options: { readonly graceMs?: number; readonly group?: boolean } = {}) =>
  Effect.gen(function* () {
    const target = options.group === true ? -pid : pid;
    const gone = () => !isAlive(pid) && !(options.group === true && isAlive(-pid));
    if (gone()) return;
    const signal = (name: NodeJS.Signals) =>
      Effect.sync(() => {
        try {
          process.kill(target, name);
        } catch {}
      });
    yield* signal("SIGTERM");
    const deadline = Date.now() + (options.graceMs ?? 3_000);
    while (!gone() && Date.now() < deadline) yield* Effect.sleep(Duration.millis(50));
    if (gone()) return;
    yield* signal("SIGKILL");
    while (!gone()) yield* Effect.sleep(Duration.millis(20));
  }).pipe(Effect.withSpan("Devnet.stopPid", { attributes: { pid } }));

/** A free TCP port on 127.0.0.1 (the OS picks it; a tiny race remains: starters retry on another port). */
export const freePort: Effect.Effect<number, DevnetError> = Effect.async<number, DevnetError>((resume) => {
  const server = createServer();
  server.unref();
  server.once("error", (cause) => resume(Effect.fail(new DevnetError({ message: "no free port", cause }))));
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    server.close(() => resume(Effect.succeed(port)));
  });
});

/** Binds the port on 127.0.0.1 for a moment: true when nothing else holds it. */
export const portIsFree = (port: number): Effect.Effect<boolean> =>
  Effect.async<boolean>((resume) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resume(Effect.succeed(false)));
    server.listen(port, "127.0.0.1", () => server.close(() => resume(Effect.succeed(true))));
  });

/** The last `lines` lines of a log file, for error messages ("" when it cannot be read). */
export const tailOf = async (file: string | undefined, lines = 15): Promise<string> => {
  if (file === undefined) return "";
  try {
    const { readFile } = await import("node:fs/promises");
    return (await readFile(file, "utf8")).trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
};
