/**
 * What the anvil tests (differential-anvil, mechanism-anvil) share beside the devnet driver: a devnet started before
 * the file's tests and stopped after them, the dev accounts, the ABIs of the build the forge script has just made
 * (contracts/out), viem clients on the node, and the model of the machine as deployed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type Abi,
  type HttpTransport,
  type PublicClient,
  type TestClient,
  type WalletClient,
  createPublicClient,
  createTestClient,
  createWalletClient,
  getAddress,
  http,
} from "viem";
import { afterAll, beforeAll } from "vitest";
import { type Address, type State, initialState, unwrap } from "../../src/index.js";
import { ANVIL_ADDRESSES, deployDevnet, startAnvil, stopAnvil, workspaceRoot } from "./devnet.js";

export const DEAD: Address = "0x000000000000000000000000000000000000dead";
export const ZERO: Address = "0x0000000000000000000000000000000000000000";

export const lc = (a: string): Address => a.toLowerCase() as Address;
/** anvil's dev account `i` (lower case). */
export const account = (i: number): Address => lc(ANVIL_ADDRESSES[i] as string);

const root = workspaceRoot();

/** An ABI from contracts/out (`file` is the .sol file's name when it differs from the contract's). */
export const abiOf = (name: string, file = name): Abi =>
  (JSON.parse(readFileSync(join(root, "contracts", "out", `${file}.sol`, `${name}.json`), "utf8")) as { abi: Abi }).abi;

export interface Devnet {
  readonly url: string;
  readonly pid: number;
  readonly machine: Address;
  readonly stEth: Address;
  readonly wstEth: Address;
  readonly router: Address;
}

/**
 * Starts anvil (free port) with the forge devnet deploy before the file's tests, and stops it by PID after them (also
 * when the deploy failed). The returned function gives the devnet inside a test.
 */
export const useDevnet = (timeout: number): (() => Devnet) => {
  let devnet: Devnet | undefined;
  let pid: number | undefined;
  beforeAll(async () => {
    const node = await startAnvil();
    pid = node.pid;
    const d = await deployDevnet(node.url);
    devnet = {
      url: node.url,
      pid: node.pid,
      machine: lc(d.machine),
      stEth: lc(d.stETH),
      wstEth: lc(d.wstETH),
      router: lc(d.uniswapV2Router),
    };
  }, timeout);
  afterAll(async () => {
    if (pid !== undefined) await stopAnvil(pid);
  });
  return () => devnet as Devnet;
};

/** A view of any contract. */
export type Read = (
  address: Address,
  abi: Abi,
  functionName: string,
  args?: ReadonlyArray<unknown>,
) => Promise<unknown>;

export interface Clients {
  readonly pub: PublicClient<HttpTransport>;
  readonly testClient: TestClient<"anvil", HttpTransport>;
  readonly wallet: WalletClient<HttpTransport>;
  readonly read: Read;
}

/** viem clients on the node (JSON-RPC batches of `batchSize` calls, no retries) and `read`, a view of any contract. */
export const clientsOf = (url: string, batchSize: number): Clients => {
  const pub = createPublicClient({ transport: http(url, { batch: { batchSize, wait: 0 }, retryCount: 0 }) });
  const testClient = createTestClient({ mode: "anvil", transport: http(url) });
  const wallet = createWalletClient({ transport: http(url) });
  const read = (address: Address, abi: Abi, functionName: string, args: ReadonlyArray<unknown> = []) =>
    pub.readContract({ address: getAddress(address), abi, functionName, args: args as unknown[] }) as Promise<unknown>;
  return { pub, testClient, wallet, read };
};

/**
 * The model of the machine as deployed: its parameters, guardian and Lido's totals read from the chain, genesis as
 * `now`. `config` is the parameters without genesis.
 */
export const deployedModel = async (
  devnet: Devnet,
  read: Read,
  abis: { readonly machine: Abi; readonly stEth: Abi },
) => {
  const M = (fn: string) => read(devnet.machine, abis.machine, fn);
  const names = [
    "genesis",
    "bountyBps",
    "maxBounty",
    "maxImpactBps",
    "minHarvestValue",
    "stepInterval",
    "followWindow",
    "stepBountyBps",
    "maxStepBounty",
    "guardian",
  ];
  const [
    genesis,
    bountyBps,
    maxBounty,
    maxImpactBps,
    minHarvestValue,
    stepInterval,
    followWindow,
    stepBountyBps,
    maxStepBounty,
    guardian,
  ] = (await Promise.all(names.map((f) => M(f)))) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    string,
  ];
  const config = {
    bountyBps,
    maxBounty,
    maxImpactBps,
    minHarvestValue,
    stepInterval,
    followWindow,
    stepBountyBps,
    maxStepBounty,
  };
  const [totalShares, pooled, deadShares] = (await Promise.all([
    read(devnet.stEth, abis.stEth, "getTotalShares"),
    read(devnet.stEth, abis.stEth, "getTotalPooledEther"),
    read(devnet.stEth, abis.stEth, "sharesOf", [getAddress(DEAD)]),
  ])) as [bigint, bigint, bigint];
  const base: State = unwrap(
    initialState({
      now: genesis,
      machine: devnet.machine,
      stEth: devnet.stEth,
      wstEth: devnet.wstEth,
      guardian: lc(guardian),
      ...config,
    }),
  );
  const state: State = { ...base, lido: { totalShares, totalPooledEther: pooled, shares: { [DEAD]: deadShares } } };
  return { state, genesis, guardian: lc(guardian), config };
};
