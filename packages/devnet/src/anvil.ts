import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Context, Effect, Layer } from "effect";
import { DevnetError } from "./errors.js";
import { foundryBinary } from "./foundry.js";
import { freePort, portIsFree, stopPid } from "./processes.js";

export interface AnvilOptions {
  /** Fixed port (no retry on another one); default a free one. */
  readonly port?: number;
  /** Seconds between blocks; default automine (a block per transaction). */
  readonly blockTime?: number;
  readonly chainId?: number;
  /** Genesis timestamp (seconds). */
  readonly timestamp?: bigint;
  /** How many dev accounts (default anvil's 10). */
  readonly accounts?: number;
  /** anvil's output goes to this file (kept); default a temporary file, removed once anvil answers. */
  readonly logFile?: string;
  /** Lead a process group of its own (a terminal's Ctrl-C then reaches only the parent, which stops it). */
  readonly detached?: boolean;
  /** Give up waiting for the RPC after this long (default 20 s). */
  readonly startTimeoutMs?: number;
}

export interface AnvilInstance {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Where anvil writes its output, when `logFile` was given. */
  readonly logFile: string | undefined;
}

const answers = (url: string) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
  }).then(
    (r) => r.ok,
    () => false,
  );

const startOnce = (options: AnvilOptions, port: number) =>
  Effect.async<AnvilInstance, DevnetError>((resume) => {
    const args = ["--port", String(port), "--host", "127.0.0.1"];
    if (options.logFile === undefined) args.push("--silent");
    if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));
    if (options.chainId !== undefined) args.push("--chain-id", String(options.chainId));
    if (options.timestamp !== undefined) args.push("--timestamp", String(options.timestamp));
    if (options.accounts !== undefined) args.push("--accounts", String(options.accounts));
    // Output goes to a file, not a pipe: anvil outlives this process's interest in it, and a pipe closed under a
    // running node would turn its next diagnostic into a broken-pipe failure.
    const tempDir = options.logFile === undefined ? mkdtempSync(join(tmpdir(), "tcm-anvil-")) : undefined;
    const logFile = options.logFile ?? join(tempDir!, "anvil.log");
    const fd = openSync(logFile, "w");
    const child: ChildProcess = spawn(foundryBinary("anvil"), args, {
      stdio: ["ignore", fd, fd],
      detached: options.detached ?? false,
    });
    closeSync(fd);
    const output = () => {
      try {
        return readFileSync(logFile, "utf8").trim().split("\n").slice(-15).join("\n");
      } catch {
        return "";
      }
    };
    const removeTemp = () => tempDir !== undefined && rmSync(tempDir, { recursive: true, force: true });
    let done = false;
    const finish = (result: Effect.Effect<AnvilInstance, DevnetError>) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      resume(result);
    };
    child.once("exit", (code) => {
      const message = `anvil exited (${code}) on port ${port}: ${output()}`;
      removeTemp();
      finish(Effect.fail(new DevnetError({ message })));
    });
    child.once("error", (cause) => finish(Effect.fail(new DevnetError({ message: "cannot start anvil", cause }))));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
    const timer = setInterval(() => {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        finish(Effect.fail(new DevnetError({ message: `anvil did not answer on ${url}: ${output()}` })));
        return;
      }
      void answers(url).then((ok) => {
        // Answered by this anvil, not by whatever else listens there: the child is still running.
        if (!ok || child.pid === undefined || done || child.exitCode !== null || child.signalCode !== null) return;
        // From now on the process is stopped by PID.
        child.removeAllListeners("exit");
        child.unref();
        removeTemp();
        finish(Effect.succeed({ url, port, pid: child.pid, logFile: options.logFile }));
      });
    }, 50);
    return Effect.sync(() => {
      clearInterval(timer);
      if (!done) child.kill("SIGKILL");
    });
  });

/** Starts anvil (the native binary) on a free port and waits until it answers. Stop it with `stopAnvil(pid)`. */
export const startAnvil = (options: AnvilOptions = {}): Effect.Effect<AnvilInstance, DevnetError> =>
  Effect.gen(function* () {
    if (options.port !== undefined && !(yield* portIsFree(options.port)))
      return yield* Effect.fail(new DevnetError({ message: `anvil: port ${options.port} on 127.0.0.1 is taken` }));
    const port = options.port ?? (yield* freePort);
    return yield* startOnce(options, port);
  }).pipe(
    // A port taken between freePort and anvil's bind: try another one.
    Effect.retry({ times: options.port === undefined ? 2 : 0 }),
    Effect.withSpan("Devnet.startAnvil"),
  );

/** Stops an anvil this harness started, by PID (SIGTERM, SIGKILL after 3 s); succeeds if it is already gone. */
export const stopAnvil = (pid: number, group = false): Effect.Effect<void> => stopPid(pid, { group });

/** anvil as a scoped resource: started on acquire, stopped by PID on release. */
export const anvil = (options: AnvilOptions = {}) =>
  Effect.acquireRelease(startAnvil(options), (instance) => stopAnvil(instance.pid, options.detached ?? false));

/** The anvil node of a test or a start, as a service. */
export class Anvil extends Context.Tag("@tcm/devnet/Anvil")<Anvil, AnvilInstance>() {
  static readonly layer = (options: AnvilOptions = {}): Layer.Layer<Anvil, DevnetError> =>
    Layer.scoped(Anvil, anvil(options));
}
