/**
 * What the anvil tests (differential-anvil, mechanism-anvil) share: a devnet (@tcm/devnet: anvil on a free port, the
 * forge devnet deploy) started before the file's tests and stopped after them, the dev accounts, the ABIs of the
 * build the forge script has just made (contracts/out), viem clients on the node, and the model of the machine as
 * deployed.
 */
import { ANVIL_ACCOUNTS, forgeArtifact, startDevnet } from "@tcm/devnet/promise";
import { type Address, type State, initialState, unwrap } from "@tcm/domain";
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

export const DEAD: Address = "0x000000000000000000000000000000000000dead";
export const ZERO: Address = "0x0000000000000000000000000000000000000000";

export const lc = (a: string): Address => a.toLowerCase() as Address;
/** anvil's dev account `i` (lower case). */
export const account = (i: number): Address => lc((ANVIL_ACCOUNTS[i] as { address: string }).address);

/** An ABI from contracts/out (`file` is the .sol file's name when it differs from the contract's). */
export const abiOf = (name: string, file = name): Abi => forgeArtifact(name, file).abi;

export interface Devnet {
  readonly url: string;
  readonly pid: number;
  readonly machine: Address;
  readonly stEth: Address;
  readonly wstEth: Address;
  readonly router: Address;
}

/**
 * Starts anvil (free port) with the forge devnet deploy (no demo projects) before the file's tests, and stops it by
 * PID after them (also when the deploy failed). The returned function gives the devnet inside a test.
 */
export const useDevnet = (): (() => Devnet) => {
  let devnet: Devnet | undefined;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const net = await startDevnet({ demoProjects: false });
    close = net.close;
    const d = net.deployment;
    devnet = {
      url: net.node.url,
      pid: net.node.pid,
      machine: lc(d.machine),
      stEth: lc(d.stETH),
      wstEth: lc(d.wstETH),
      router: lc(d.uniswapV2Router),
    };
  });
  afterAll(() => close?.());
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
