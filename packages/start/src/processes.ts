import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, isAlive, portIsFree as devnetPortIsFree, stopPid } from "@tcm/devnet";
import { Effect } from "effect";

/** A failure the user can act on: the message says what happened and what to do. */
export class StartError extends Error {
  override readonly name = "StartError";
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether the PID (or, negative, the process group) exists: @tcm/devnet's. */
export { isAlive };

/** Binds the port on 127.0.0.1 for a moment: true when nothing else holds it. */
export const portIsFree = (port: number): Promise<boolean> => Effect.runPromise(devnetPortIsFree(port));

/** A free port on 127.0.0.1 (the OS picks it). */
export const anyFreePort = (): Promise<number> => Effect.runPromise(freePort);

/**
 * The port for one service: an explicit flag must be free (else a StartError naming the flag); without a flag the
 * usual port is used when free, else any free port. `taken` holds ports already handed out in this run.
 */
export const choosePort = async (
  what: string,
  flag: string,
  explicit: number | undefined,
  usual: number,
  taken: Set<number>,
) => {
  if (explicit !== undefined) {
    if (taken.has(explicit) || !(await portIsFree(explicit))) {
      throw new StartError(
        `port ${explicit} for ${what} is taken: stop whatever listens there, or pass another with ${flag} <port>`,
      );
    }
    taken.add(explicit);
    return explicit;
  }
  let port = usual;
  if (taken.has(port) || !(await portIsFree(port))) {
    do port = await anyFreePort();
    while (taken.has(port));
  }
  taken.add(port);
  return port;
};

export interface Managed {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string | undefined;
  /** Started in a process group of its own (it leads it): stopping signals the whole group, wrappers' children too. */
  readonly group?: boolean;
  /** How to stop it; default SIGTERM, SIGKILL after the grace period. */
  readonly stop?: () => Promise<void>;
}

/**
 * Every process this start owns, stopped by PID in reverse start order. The list is mirrored to a pid file so a
 * later start can clean up after a run that was killed with SIGKILL (and tests can check nothing is left).
 */
export class ProcessRegistry {
  private readonly entries: Managed[] = [];
  private readonly cleanups: Array<{ readonly what: string; readonly run: () => Promise<void> | void }> = [];

  constructor(
    private readonly pidFile: string,
    readonly logDir: string,
  ) {}

  get processes(): ReadonlyArray<Managed> {
    return this.entries;
  }

  /** Writes the pid file naming this process as its owner, before anything is started (a second start then refuses). */
  claim() {
    this.save();
  }

  add(entry: Managed) {
    this.entries.push(entry);
    this.save();
  }

  /** Something that is not a process (a database to drop, a server to close), undone in reverse order too. */
  onStop(what: string, run: () => Promise<void> | void) {
    this.cleanups.push({ what, run });
  }

  private save() {
    const state = { owner: process.pid, processes: this.entries.map(({ name, pid }) => ({ name, pid })) };
    writeFileSync(this.pidFile, `${JSON.stringify(state, null, 2)}\n`);
  }

  /** Spawns a child in its own process group (a terminal's Ctrl-C reaches only us; we stop children in order). */
  spawn(
    name: string,
    command: string,
    args: ReadonlyArray<string>,
    options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ): { child: ChildProcess; logFile: string } {
    const logFile = join(this.logDir, `${name}.log`);
    const out = openSync(logFile, "w");
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", out, out],
      detached: true,
    });
    closeSync(out);
    if (child.pid === undefined) throw new StartError(`could not start ${name} (${command})`);
    child.unref();
    this.add({ name, pid: child.pid, logFile, group: true });
    return { child, logFile };
  }

  /**
   * SIGTERM, then SIGKILL after `graceMs`; resolves once the PID is gone. With `group`, the signals go to the
   * process group the PID leads (so a child it started itself stops too).
   */
  static terminate(pid: number, graceMs = 5_000, group = false): Promise<void> {
    return Effect.runPromise(stopPid(pid, { graceMs, group }));
  }

  async stopAll(log: (message: string) => void) {
    for (const entry of [...this.entries].reverse()) {
      if (!isAlive(entry.pid) && !(entry.group && isAlive(-entry.pid))) continue;
      await (entry.stop ?? (() => ProcessRegistry.terminate(entry.pid, 5_000, entry.group)))();
      log(`stopped ${entry.name} (pid ${entry.pid})`);
    }
    for (const cleanup of [...this.cleanups].reverse()) {
      try {
        await cleanup.run();
        log(cleanup.what);
      } catch (error) {
        log(`warning: ${cleanup.what} failed: ${(error as Error).message}`);
      }
    }
    this.entries.length = 0;
    this.save();
  }
}

/** The pid file of an earlier start, if any: its owner and the processes it started. */
export const readPidFile = (
  pidFile: string,
): { owner: number; processes: Array<{ name: string; pid: number }> } | undefined => {
  try {
    return JSON.parse(readFileSync(pidFile, "utf8"));
  } catch {
    return undefined;
  }
};

/** The last lines of a log file, for error messages. */
export const tail = (file: string | undefined, lines = 15): string => {
  if (file === undefined) return "";
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
};

export const waitFor = async <A>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<A | undefined>,
  intervalMs = 200,
): Promise<A> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(intervalMs);
  }
  throw new StartError(
    `${what} did not happen within ${Math.round(timeoutMs / 1000)} s${last ? ` (last error: ${(last as Error).message})` : ""}`,
  );
};
