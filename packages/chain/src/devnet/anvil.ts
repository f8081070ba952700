import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Data, Duration, Effect, Either, Option } from "effect";
import { createPublicClient, http } from "viem";
import { type DeploymentInfo, parseDeployment } from "../Deployment.js";
import type { DeploymentError } from "../errors.js";
import { technoCapitalMachineAbi } from "../generated/artifacts.js";
import { ANVIL_DEPLOYER } from "./accounts.js";

/** A devnet process or script failed (anvil would not start, forge script failed). */
export class DevnetError extends Data.TaggedError("DevnetError")<{
  readonly message: string;
  readonly cause?: unknown;
  /** A child process was killed for running past its time limit. */
  readonly timedOut?: boolean;
}> {}

/** The workspace root: the nearest ancestor with node_modules/.bin/anvil. */
export const workspaceRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "node_modules", ".bin", "anvil")) && existsSync(join(dir, "contracts"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("@tcm/chain/devnet: workspace root (node_modules/.bin/anvil) not found");
    dir = parent;
  }
};

/**
 * A Foundry tool's native binary. node_modules/.bin/<tool> is a Node wrapper that spawns the binary; stopping the
 * wrapper by PID would leave the real process running, so tests and the devnet spawn the binary itself.
 */
export const foundryBinary = (tool: "anvil" | "forge" | "cast", root: string = workspaceRoot()): string => {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const native = join(root, "node_modules", "@foundry-rs", `${tool}-${process.platform}-${arch}`, "bin", tool);
  return existsSync(native) ? native : join(root, "node_modules", ".bin", tool);
};

/** A free TCP port on 127.0.0.1 (the OS picks it; a tiny race remains, handled by retrying the start). */
export const freePort = (): Effect.Effect<number, DevnetError> =>
  Effect.async<number, DevnetError>((resume) => {
    const server = createServer();
    server.once("error", (cause) => resume(Effect.fail(new DevnetError({ message: "no free port", cause }))));
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resume(Effect.succeed(port)));
    });
  });

export interface AnvilOptions {
  /** Fixed port; default a free one. */
  readonly port?: number;
  /** Seconds between blocks; default automine (a block per transaction). */
  readonly blockTime?: number;
  readonly chainId?: number;
  /** Genesis timestamp (seconds). */
  readonly timestamp?: bigint;
  /** Give up waiting for the RPC after this long (default 15 s). */
  readonly startTimeoutMs?: number;
}

export interface AnvilInstance {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
}

const rpcReady = (url: string) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
  }).then((r) => r.ok);

const startOnce = (options: AnvilOptions, port: number) =>
  Effect.async<AnvilInstance, DevnetError>((resume) => {
    const args = ["--port", String(port), "--host", "127.0.0.1", "--silent"];
    if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));
    if (options.chainId !== undefined) args.push("--chain-id", String(options.chainId));
    if (options.timestamp !== undefined) args.push("--timestamp", String(options.timestamp));
    // stderr goes to a file, not a pipe: anvil outlives this process's interest in it, and a pipe closed under a
    // running node would turn its next diagnostic into a broken-pipe failure mid-test.
    const logDir = mkdtempSync(join(tmpdir(), "tcm-anvil-"));
    const logFile = join(logDir, "stderr.log");
    const fd = openSync(logFile, "a");
    const child: ChildProcess = spawn(foundryBinary("anvil"), args, { stdio: ["ignore", "ignore", fd] });
    closeSync(fd);
    const stderr = () => {
      try {
        return readFileSync(logFile, "utf8").trim();
      } catch {
        return "";
      }
    };
    let done = false;
    const finish = (result: Effect.Effect<AnvilInstance, DevnetError>) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      resume(result);
    };
    child.once("exit", (code) => {
      const message = `anvil exited (${code}) on port ${port}: ${stderr()}`;
      rmSync(logDir, { recursive: true, force: true });
      finish(Effect.fail(new DevnetError({ message })));
    });
    child.once("error", (cause) => finish(Effect.fail(new DevnetError({ message: "cannot start anvil", cause }))));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
    const timer = setInterval(() => {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        finish(Effect.fail(new DevnetError({ message: `anvil did not answer on ${url}` })));
        return;
      }
      rpcReady(url).then(
        (ok) => {
          if (ok && child.pid !== undefined) {
            // Detach listeners: from now on the process is stopped by PID.
            child.removeAllListeners("exit");
            child.unref();
            // anvil keeps its descriptor; the name is not needed any more.
            rmSync(logDir, { recursive: true, force: true });
            finish(Effect.succeed({ url, port, pid: child.pid }));
          }
        },
        () => undefined,
      );
    }, 50);
    return Effect.sync(() => {
      clearInterval(timer);
      if (!done) child.kill("SIGKILL");
    });
  });

/** Starts anvil (node_modules/.bin/anvil) on a free port and waits until it answers. Stop it with `stopAnvil(pid)`. */
export const startAnvil = (options: AnvilOptions = {}): Effect.Effect<AnvilInstance, DevnetError> =>
  Effect.gen(function* () {
    const port = options.port ?? (yield* freePort());
    return yield* startOnce(options, port);
  }).pipe(
    // A port taken between freePort and anvil's bind: try another one.
    Effect.retry({ times: options.port === undefined ? 3 : 0 }),
    Effect.withSpan("Devnet.startAnvil"),
  );

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Stops a process by PID: SIGTERM, then SIGKILL after 3 s. Succeeds if it is already gone. */
export const stopAnvil = (pid: number): Effect.Effect<void> =>
  Effect.gen(function* () {
    if (!alive(pid)) return;
    yield* Effect.sync(() => process.kill(pid, "SIGTERM"));
    for (let i = 0; i < 60 && alive(pid); i++) yield* Effect.sleep(Duration.millis(50));
    if (alive(pid)) yield* Effect.sync(() => process.kill(pid, "SIGKILL"));
  }).pipe(
    Effect.catchAllDefect(() => Effect.void),
    Effect.withSpan("Devnet.stopAnvil"),
  );

/** anvil as a scoped resource: started on acquire, killed by PID on release. */
export const anvil = (options: AnvilOptions = {}) =>
  Effect.acquireRelease(startAnvil(options), (instance) => stopAnvil(instance.pid));

export interface DeployOptions {
  readonly rpcUrl: string;
  /** Launch the three demo projects (TCM_DEMO_PROJECTS). Default true. */
  readonly demoProjects?: boolean;
  /** Deployer key (default anvil account 0); it becomes the guardian. */
  readonly privateKey?: string;
  /** Also write the (corrected) deployment JSON here. */
  readonly outFile?: string;
  /** Extra environment for the script (TCM_BOUNTY_BPS, TCM_MIN_HARVEST_VALUE, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** Kill `forge script` after this long and retry once from the chain state before it (default 150 s). */
  readonly forgeTimeoutMs?: number;
}

/** forge script deploys in seconds; a run this long is stuck: it is killed and tried once more (retryFromSnapshot). */
const FORGE_SCRIPT_TIMEOUT_MS = 150_000;

const run = (file: string, args: ReadonlyArray<string>, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number) =>
  Effect.async<string, DevnetError>((resume) => {
    const child = execFile(
      file,
      [...args],
      // stdin closed: a tool that stops to ask a question fails instead of waiting for an answer forever.
      { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        if (error) {
          const tail = `${stdout}\n${stderr}`.trim().split("\n").slice(-15).join("\n");
          const timedOut = error.killed === true && error.signal === "SIGKILL";
          const message = timedOut
            ? `${file} ${args[0] ?? ""} did not finish within ${timeoutMs / 1000} s: ${tail}`
            : `${file} failed: ${tail}`;
          resume(Effect.fail(new DevnetError({ message, cause: error, timedOut })));
        } else resume(Effect.succeed(stdout));
      },
    );
    child.stdin?.end();
    return Effect.sync(() => child.kill("SIGKILL"));
  });

/**
 * A failed deploy worth one more try: `forge script` killed for running past its time limit, or its broadcast
 * losing track of the deployer's nonce (seen on a loaded 2-core CI machine right after a long compile: "Failed to
 * send transaction after 4 attempts … nonce too low"; foundry-rs/foundry#9095 describes the same desync).
 */
export const isTransientDeployFailure = (e: DevnetError): boolean =>
  e.timedOut === true ||
  /nonce too low|nonce changed unexpectedly|replacement transaction underpriced|already known/i.test(e.message);

/**
 * Runs `attempt` against the node at `rpcUrl` and, if it fails with an error `retryable` accepts, runs it once more
 * **from the chain state it started on**: the state is saved first (`evm_snapshot`, anvil and other dev nodes) and
 * restored before the second run (`evm_revert`). A killed or failed `forge script --broadcast` may already have
 * sent part of its transactions; a retry on top of them would collide with their nonces or deploy to other
 * addresses. A node without `evm_snapshot` gets no retry. Any other failure is returned as is, chain untouched.
 */
export const retryFromSnapshot = <A>(
  rpcUrl: string,
  attempt: Effect.Effect<A, DevnetError>,
  retryable: (e: DevnetError) => boolean = isTransientDeployFailure,
): Effect.Effect<A, DevnetError> =>
  Effect.gen(function* () {
    const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
    const request = (method: "evm_snapshot" | "evm_revert", params: ReadonlyArray<unknown>) =>
      Effect.tryPromise({
        try: () => client.request({ method, params } as never) as Promise<unknown>,
        catch: (cause) => new DevnetError({ message: `${method} failed on ${rpcUrl}`, cause }),
      });
    const snapshot = yield* Effect.option(request("evm_snapshot", []));
    if (Option.isNone(snapshot)) return yield* attempt;
    return yield* attempt.pipe(
      Effect.catchIf(retryable, () =>
        Effect.gen(function* () {
          const reverted = yield* request("evm_revert", [snapshot.value]);
          if (reverted !== true) {
            const message = `evm_revert(${String(snapshot.value)}) returned ${String(reverted)} on ${rpcUrl}`;
            return yield* Effect.fail(new DevnetError({ message }));
          }
          return yield* attempt;
        }),
      ),
    );
  });

/**
 * Deploys with the forge script (`script/Deploy.s.sol:DeployDevnet --broadcast`) and returns the deployment.
 * The script's JSON is written to a unique file under contracts/deployments (the only folder forge may write to),
 * read, and removed. Its `genesis` and `deployBlock` come from the script's simulation, so they are corrected:
 * genesis is read from the machine, deployBlock is the first block after the chain head seen before deploying
 * (a lower bound of the machine's block: start indexing there).
 */
export const deployDevnet = (options: DeployOptions): Effect.Effect<DeploymentInfo, DevnetError | DeploymentError> =>
  Effect.gen(function* () {
    const root = workspaceRoot();
    const contracts = join(root, "contracts");
    const client = createPublicClient({ transport: http(options.rpcUrl, { retryCount: 0 }) });
    const before = yield* Effect.tryPromise({
      try: () => client.getBlockNumber({ cacheTime: 0 }),
      catch: (cause) => new DevnetError({ message: `no RPC at ${options.rpcUrl}`, cause }),
    });
    const file = join(
      contracts,
      "deployments",
      `.devnet-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`,
    );
    yield* Effect.promise(() => mkdir(dirname(file), { recursive: true }));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...options.env,
      DEPLOYMENT_FILE: file,
      TCM_DEMO_PROJECTS: String(options.demoProjects ?? true),
    };
    const forgeScript = run(
      foundryBinary("forge", root),
      [
        "script",
        "script/Deploy.s.sol:DeployDevnet",
        "--rpc-url",
        options.rpcUrl,
        "--broadcast",
        // One transaction at a time, each waiting for its receipt: without it forge 1.7.1's broadcast to anvil hangs
        // after "Estimated amount required" in about one run in six (measured: 2 hangs in 12 runs; with --slow 0 in
        // 50, at the same speed, ≈ 0.7 s).
        "--slow",
        "--private-key",
        options.privateKey ?? ANVIL_DEPLOYER.privateKey,
      ],
      contracts,
      env,
      options.forgeTimeoutMs ?? FORGE_SCRIPT_TIMEOUT_MS,
    );
    // A stuck run or a broadcast that lost the nonce (both seen rarely on a starved CI machine) is tried once more, on
    // the chain as it was before the first run: a fresh deploy of everything, to the same addresses.
    const text = yield* retryFromSnapshot(options.rpcUrl, forgeScript).pipe(
      Effect.zipRight(
        Effect.tryPromise({
          try: () => readFile(file, "utf8"),
          catch: (cause) => new DevnetError({ message: `forge script wrote no deployment file`, cause }),
        }),
      ),
      Effect.ensuring(Effect.promise(() => rm(file, { force: true }))),
    );
    const parsed = yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (cause) => new DevnetError({ message: "deployment file is not JSON", cause }),
    });
    const info = yield* Either.match(parseDeployment(parsed, options.outFile ?? "devnet deployment"), {
      onLeft: (e) => Effect.fail(e),
      onRight: (d) => Effect.succeed(d),
    });
    const genesis = yield* Effect.tryPromise({
      try: () => client.readContract({ address: info.machine, abi: technoCapitalMachineAbi, functionName: "genesis" }),
      catch: (cause) => new DevnetError({ message: "cannot read machine.genesis()", cause }),
    });
    // The node's URL travels with the deployment: a client given only the file reads this devnet, not whatever else
    // answers on a default port.
    const deployment: DeploymentInfo = { ...info, genesis, deployBlock: before + 1n, rpcUrl: options.rpcUrl };
    if (options.outFile !== undefined) {
      const out = resolve(options.outFile);
      yield* Effect.promise(() => mkdir(dirname(out), { recursive: true }));
      yield* Effect.promise(() => writeFile(out, `${JSON.stringify(deploymentToJson(deployment), null, 2)}\n`));
    }
    return deployment;
  }).pipe(Effect.withSpan("Devnet.deploy"));

/** The JSON shape the forge script writes (numbers for uints that fit, strings beyond). */
export const deploymentToJson = (d: DeploymentInfo): Record<string, string | number> => {
  const uint = (x: bigint) => (x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x.toString());
  const { rpcUrl, ...rest } = d;
  return {
    ...rest,
    genesis: uint(d.genesis),
    deployBlock: uint(d.deployBlock),
    ...(rpcUrl === undefined ? {} : { rpcUrl }),
  };
};
