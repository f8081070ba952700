import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Context, Effect, Layer } from "effect";
import { type Address, createPublicClient, getAddress, http, parseAbi } from "viem";
import { ANVIL_DEPLOYER } from "./accounts.js";
import { Anvil } from "./anvil.js";
import { DevnetError } from "./errors.js";
import { foundryBinary, workspaceRoot } from "./foundry.js";

/**
 * What `contracts/script/Deploy.s.sol:DeployDevnet` deployed, as the deployment file describes it (addresses in their
 * checksum form, uints as bigint) — the same shape as @tcm/chain's DeploymentInfo, which it can be passed as.
 */
export interface DevnetDeployment {
  readonly chainId: number;
  readonly machine: Address;
  readonly stETH: Address;
  readonly wstETH: Address;
  readonly uniswapV2Factory: Address;
  readonly uniswapV2Router: Address;
  readonly weth: Address;
  readonly tokenDeployer: Address;
  readonly guardian: Address;
  /** The machine's genesis, read from the chain (the script's own figure comes from its simulation). */
  readonly genesis: bigint;
  /** The first block after the head seen before deploying: a lower bound of the machine's block (index from here). */
  readonly deployBlock: bigint;
  /** The node it was deployed on: a client given only the file reads this devnet, not whatever answers on 8545. */
  readonly rpcUrl: string;
}

export interface DeployOptions {
  readonly rpcUrl: string;
  /** Launch the three demo projects (TCM_DEMO_PROJECTS). Default true. */
  readonly demoProjects?: boolean;
  /** Deployer key (default anvil account 0); it becomes the guardian. */
  readonly privateKey?: string;
  /** Also write the deployment file here (contracts/deployments/devnet.json for `npm start`). */
  readonly outFile?: string;
  /** Extra environment for the script (TCM_BOUNTY_BPS, TCM_MIN_HARVEST_VALUE, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** Kill `forge script` after this long (default 100 s; it takes seconds, a compile included). */
  readonly timeoutMs?: number;
}

const ADDRESS_FIELDS = [
  "machine",
  "stETH",
  "wstETH",
  "uniswapV2Factory",
  "uniswapV2Router",
  "weth",
  "tokenDeployer",
  "guardian",
] as const;

const run = (file: string, args: ReadonlyArray<string>, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number) =>
  Effect.async<string, DevnetError>((resume) => {
    const child = execFile(
      file,
      [...args],
      // stdin closed: a tool that stops to ask a question fails instead of waiting for an answer forever.
      { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        if (error === null) return resume(Effect.succeed(stdout));
        const tail = `${stdout}\n${stderr}`.trim().split("\n").slice(-15).join("\n");
        const message =
          error.killed === true
            ? `forge ${args[0] ?? ""} did not finish within ${timeoutMs / 1000} s: ${tail}`
            : `forge ${args[0] ?? ""} failed: ${tail}`;
        resume(Effect.fail(new DevnetError({ message, cause: error })));
      },
    );
    child.stdin?.end();
    return Effect.sync(() => child.kill("SIGKILL"));
  });

/** Parses the script's JSON: checksum addresses, bigint uints; a missing or malformed field names itself. */
const fromScript = (json: Record<string, unknown>, file: string): Omit<DevnetDeployment, "rpcUrl"> => {
  const field = (name: string) => {
    const value = json[name];
    if (value === undefined) throw new Error(`${file}: field "${name}" is missing`);
    return value;
  };
  const addresses = Object.fromEntries(ADDRESS_FIELDS.map((name) => [name, getAddress(String(field(name)))])) as {
    [K in (typeof ADDRESS_FIELDS)[number]]: Address;
  };
  return {
    chainId: Number(field("chainId")),
    ...addresses,
    genesis: BigInt(field("genesis") as string | number),
    deployBlock: BigInt(field("deployBlock") as string | number),
  };
};

/** The deployment as the file holds it (numbers for uints that fit, decimal strings beyond). */
export const deploymentJson = (
  d: DevnetDeployment | Omit<DevnetDeployment, "rpcUrl">,
): Record<string, string | number> => {
  const uint = (x: bigint) => (x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x.toString());
  return { ...d, genesis: uint(d.genesis), deployBlock: uint(d.deployBlock) };
};

/** Writes the deployment file (default: deployment.json in a new temporary folder); returns its path. */
export const writeDeploymentFile = (
  d: DevnetDeployment | Omit<DevnetDeployment, "rpcUrl">,
  file: string = join(mkdtempSync(join(tmpdir(), "tcm-deployment-")), "deployment.json"),
): string => {
  const out = resolve(file);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(deploymentJson(d), null, 2)}\n`);
  return out;
};

/** A temporary deployment file as a scoped resource: written on acquire, its folder removed on release. */
export const deploymentFile = (d: DevnetDeployment) =>
  Effect.acquireRelease(
    Effect.sync(() => writeDeploymentFile(d)),
    (file) => Effect.sync(() => rmSync(dirname(file), { recursive: true, force: true })),
  );

const genesisAbi = parseAbi(["function genesis() view returns (uint256)"]);

/**
 * Deploys with `forge script script/Deploy.s.sol:DeployDevnet --broadcast --slow` and returns the deployment.
 * `--slow` sends one transaction at a time, each after the previous one's receipt: forge's batched broadcast put
 * 12 of the script's 13 transactions into one anvil block and left the 13th pending, so forge waited for a receipt
 * that never came. The script's JSON goes to a unique file under contracts/deployments (the only folder forge may
 * write to), is read and removed. Its `genesis` and `deployBlock` come from the script's simulation, so they are
 * corrected: genesis is read from the machine, deployBlock is the first block after the head seen before deploying.
 */
export const deployDevnet = (options: DeployOptions): Effect.Effect<DevnetDeployment, DevnetError> =>
  Effect.gen(function* () {
    const root = workspaceRoot();
    const contracts = join(root, "contracts");
    const client = createPublicClient({ transport: http(options.rpcUrl, { retryCount: 0 }) });
    const before = yield* Effect.tryPromise({
      try: () => client.getBlockNumber({ cacheTime: 0 }),
      catch: (cause) => new DevnetError({ message: `no RPC at ${options.rpcUrl}`, cause }),
    });
    const scriptFile = join(
      contracts,
      "deployments",
      `.devnet-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`,
    );
    mkdirSync(dirname(scriptFile), { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...options.env,
      DEPLOYMENT_FILE: scriptFile,
      TCM_DEMO_PROJECTS: String(options.demoProjects ?? true),
    };
    const args = [
      "script",
      "script/Deploy.s.sol:DeployDevnet",
      "--rpc-url",
      options.rpcUrl,
      "--broadcast",
      "--slow",
      "--private-key",
      options.privateKey ?? ANVIL_DEPLOYER.privateKey,
    ];
    const text = yield* run(foundryBinary("forge", root), args, contracts, env, options.timeoutMs ?? 100_000).pipe(
      Effect.zipRight(
        Effect.tryPromise({
          try: () => readFile(scriptFile, "utf8"),
          catch: (cause) => new DevnetError({ message: "forge script wrote no deployment file", cause }),
        }),
      ),
      Effect.ensuring(Effect.promise(() => rm(scriptFile, { force: true }))),
    );
    const script = yield* Effect.try({
      try: () => fromScript(JSON.parse(text) as Record<string, unknown>, "forge script's deployment file"),
      catch: (cause) =>
        new DevnetError({ message: `forge script's deployment file: ${(cause as Error).message}`, cause }),
    });
    const genesis = yield* Effect.tryPromise({
      try: () => client.readContract({ address: script.machine, abi: genesisAbi, functionName: "genesis" }),
      catch: (cause) => new DevnetError({ message: `cannot read genesis() of ${script.machine}`, cause }),
    });
    const deployment: DevnetDeployment = { ...script, genesis, deployBlock: before + 1n, rpcUrl: options.rpcUrl };
    if (options.outFile !== undefined) writeDeploymentFile(deployment, options.outFile);
    return deployment;
  }).pipe(Effect.withSpan("Devnet.deploy"));

/** The devnet deployment on the `Anvil` node, as a service. */
export class Deployed extends Context.Tag("@tcm/devnet/Deployed")<Deployed, DevnetDeployment>() {
  static readonly layer = (options: Omit<DeployOptions, "rpcUrl"> = {}): Layer.Layer<Deployed, DevnetError, Anvil> =>
    Layer.effect(
      Deployed,
      Effect.flatMap(Anvil, (node) => deployDevnet({ ...options, rpcUrl: node.url })),
    );
}
