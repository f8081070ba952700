/** Shared setup for the keeper's tests on a devnet (@tcm/devnet: anvil by PID, the forge deploy, deployment files). */
import {
  ChainClient,
  Deployment,
  type DeploymentInfo,
  ModelState,
  TcmReader,
  TxBuilder,
  TxSender,
  technoCapitalMachineAbi,
} from "@tcm/chain";
import { Devnet } from "@tcm/chain/devnet";
import { type AnvilInstance, ANVIL_ACCOUNTS } from "@tcm/devnet";
import { ConfigProvider, Effect, Layer, LogLevel, Logger } from "effect";
import { type Address, parseEther, parseEventLogs } from "viem";
import { Harvester } from "../src/Harvester.js";
import { KeeperCoreLive } from "../src/Worker.js";
import { renderKeeperMetrics } from "../src/Metrics.js";

export const depositor = ANVIL_ACCOUNTS[1]!;
export const trader = ANVIL_ACCOUNTS[4]!;
export const keeperKeys = [ANVIL_ACCOUNTS[2]!, ANVIL_ACCOUNTS[3]!, ANVIL_ACCOUNTS[5]!, ANVIL_ACCOUNTS[6]!] as const;

/** The deployment as a file in a new temporary folder (the keeper reads TCM_DEPLOYMENT_FILE); returns its path. */
export { writeDeploymentFile } from "@tcm/devnet";

/** Test-side chain access (Devnet helpers, builders, reader, the model) straight at anvil. */
export const testChain = (node: AnvilInstance, deployment: DeploymentInfo) =>
  Layer.mergeAll(Devnet.Default, TxBuilder.Default, TcmReader.Default, ModelState.Default).pipe(
    Layer.provideMerge(
      Layer.merge(ChainClient.layer({ rpcUrls: [node.url], pollingIntervalMs: 20 }), Deployment.fromValue(deployment)),
    ),
  );

export const keeperEnv = (
  rpcUrl: string,
  file: string,
  key: string,
  extra: Record<string, string> = {},
): Record<string, string> => ({
  TCM_RPC_URLS: rpcUrl,
  TCM_PRIVATE_KEY: key,
  TCM_DEPLOYMENT_FILE: file,
  TCM_POLL_INTERVAL_MS: "200",
  TCM_RECEIPT_POLL_MS: "20",
  TCM_TX_TIMEOUT_MS: "5000",
  TCM_RPC_TIMEOUT_MS: "2000",
  TCM_LOG_LEVEL: "Warning",
  TCM_KEEPER_PORT: "0",
  ...extra,
});

/** A keeper's core services configured from `env` (as the process would read them), for in-process passes. */
export const keeperLayer = (env: Record<string, string>) =>
  KeeperCoreLive.pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))));

export const pass = (dryRun = false) =>
  Effect.flatMap(Harvester, (h) => h.pass({ dryRun })).pipe(Logger.withMinimumLogLevel(LogLevel.Error));
export { Harvester, TxSender, renderKeeperMetrics };

/** A depositor with `amount` stETH split over the three demo projects. */
export const depositDemo = (amount: bigint) =>
  Effect.gen(function* () {
    const devnet = yield* Devnet;
    const builder = yield* TxBuilder;
    yield* devnet.fundStEth(depositor.address, amount + parseEther("1"));
    yield* devnet.approveStEth(depositor.address, amount);
    yield* devnet.sendAs(
      depositor.address,
      yield* builder.deposit({
        amount,
        allocation: [
          { projectId: 1, bps: 5_000 },
          { projectId: 2, bps: 3_000 },
          { projectId: 3, bps: 2_000 },
        ],
      }),
    );
  });

export interface HarvestEvent {
  readonly projectId: number;
  readonly caller: Address;
  readonly epoch: bigint;
  readonly blockNumber: bigint;
  readonly report: Record<string, bigint>;
}

/** Every Harvested event so far. */
export const harvestedEvents = Effect.gen(function* () {
  const chain = yield* ChainClient;
  const deployment = yield* Deployment;
  const logs = yield* chain.read("getLogs", (c) =>
    c.getLogs({ address: deployment.machine, fromBlock: 0n, toBlock: "latest" }),
  );
  return parseEventLogs({ abi: technoCapitalMachineAbi, logs, eventName: "Harvested" }).map((l): HarvestEvent => ({
    projectId: l.args.projectId,
    caller: l.args.caller,
    epoch: l.args.report.epoch,
    blockNumber: l.blockNumber,
    report: l.args.report as unknown as Record<string, bigint>,
  }));
});

export interface DeployEvent {
  readonly projectId: number;
  readonly caller: Address;
  readonly blockNumber: bigint;
  readonly report: Record<string, bigint>;
}

/** Every Deployed event so far (deploy steps, alone or inside a harvest). */
export const deployedEvents = Effect.gen(function* () {
  const chain = yield* ChainClient;
  const deployment = yield* Deployment;
  const logs = yield* chain.read("getLogs", (c) =>
    c.getLogs({ address: deployment.machine, fromBlock: 0n, toBlock: "latest" }),
  );
  return parseEventLogs({ abi: technoCapitalMachineAbi, logs, eventName: "Deployed" }).map((l): DeployEvent => ({
    projectId: l.args.projectId,
    caller: l.args.caller,
    blockNumber: l.blockNumber,
    report: l.args.report as unknown as Record<string, bigint>,
  }));
});

/** (projectId, epoch) → how many Harvested events. */
export const harvestCounts = (events: ReadonlyArray<HarvestEvent>) => {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(`${e.projectId}@${e.epoch}`, (counts.get(`${e.projectId}@${e.epoch}`) ?? 0) + 1);
  return counts;
};

export const rpc = (url: string, method: string, params: unknown[] = []) =>
  Effect.promise(() =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    }).then((r) => r.json() as Promise<{ result?: unknown; error?: { message: string } }>),
  );

/** The account's mined nonce. */
export const nonceOf = (address: Address) =>
  Effect.flatMap(ChainClient, (chain) =>
    chain.read("nonce", (c) => c.getTransactionCount({ address, blockTag: "latest" })),
  );
