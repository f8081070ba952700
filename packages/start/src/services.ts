import { existsSync } from "node:fs";
import { join } from "node:path";
import { type ProcessRegistry, sleep, tail } from "./processes.js";

export interface ServiceHandle {
  readonly pid: number;
  readonly logFile: string;
  readonly alive: () => boolean;
}

/** Waits until `probe` answers, the child exits, or time runs out; returns why it stopped waiting. */
const waitReady = async (
  child: { exitCode: number | null; signalCode: NodeJS.Signals | null },
  probe: () => Promise<boolean>,
  timeoutMs: number,
) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return "exited" as const;
    if (await probe().catch(() => false)) return "ready" as const;
    await sleep(200);
  }
  return "timeout" as const;
};

/** The services run from their bundles (`nx run keeper:bundle` / `api:bundle`, built by npm start's entry, cached by Nx): plain node. */
const bundleOf = (service: "keeper" | "api") => `services/${service}/dist/bundle/main.mjs`;

/**
 * The real keeper (services/keeper, its bundle) as a child process, harvesting and running the deploy steps with
 * anvil's account 9, polling every 50 ms.
 * Returns undefined (with the reason logged) when it is missing or will not start: the simulation then harvests.
 */
export const startKeeper = async (
  registry: ProcessRegistry,
  options: {
    root: string;
    rpcUrl: string;
    deploymentFile: string;
    privateKey: string;
    port: number;
    log: (m: string) => void;
  },
): Promise<(ServiceHandle & { readonly metrics: string }) | undefined> => {
  const entry = bundleOf("keeper");
  if (!existsSync(join(options.root, entry))) {
    options.log(`keeper: ${entry} is missing (npx nx run keeper:bundle builds it) — the simulation harvests by itself`);
    return undefined;
  }
  const env = {
    ...process.env,
    TCM_RPC_URLS: options.rpcUrl,
    TCM_PRIVATE_KEY: options.privateKey,
    TCM_DEPLOYMENT_FILE: options.deploymentFile,
    TCM_POLL_INTERVAL_MS: "50",
    TCM_RECEIPT_POLL_MS: "25",
    TCM_KEEPER_PORT: String(options.port),
    // On the devnet every project is worth harvesting, bounty or not.
    TCM_SPONSORED_PROJECTS: "all",
  };
  const { child, logFile } = registry.spawn("keeper", process.execPath, [join(options.root, entry), "run"], {
    cwd: options.root,
    env,
  });
  const metrics = `http://127.0.0.1:${options.port}/metrics`;
  const state = await waitReady(child, async () => (await fetch(metrics)).ok, 30_000);
  if (state !== "ready") {
    options.log(
      `keeper: ${state === "exited" ? `exited (${child.exitCode})` : "no /metrics after 30 s"} — the simulation harvests by itself. Last lines of ${logFile}:\n${tail(logFile, 10)}`,
    );
    return undefined;
  }
  return { pid: child.pid!, logFile, metrics, alive: () => child.exitCode === null && child.signalCode === null };
};

/** The GraphQL API (services/api, its bundle) as a child process. Undefined (reason logged) when missing or not starting. */
export const startApi = async (
  registry: ProcessRegistry,
  options: {
    root: string;
    rpcUrl: string;
    deploymentFile: string;
    subgraphUrl: string | undefined;
    port: number;
    log: (m: string) => void;
  },
): Promise<(ServiceHandle & { readonly graphql: string }) | undefined> => {
  const entry = bundleOf("api");
  if (!existsSync(join(options.root, entry))) {
    options.log(
      `api: ${entry} is missing (npx nx run api:bundle builds it) — the summary is read from the subgraph or the chain`,
    );
    return undefined;
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TCM_RPC_URLS: options.rpcUrl,
    TCM_DEPLOYMENT_FILE: options.deploymentFile,
    TCM_API_PORT: String(options.port),
    TCM_API_HOST: "127.0.0.1",
    ...(options.subgraphUrl === undefined ? {} : { TCM_SUBGRAPH_URL: options.subgraphUrl }),
  };
  const { child, logFile } = registry.spawn("api", process.execPath, [join(options.root, entry)], {
    cwd: options.root,
    env,
  });
  const graphql = `http://127.0.0.1:${options.port}/graphql`;
  const probe = async () => {
    const response = await fetch(graphql, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    return response.ok;
  };
  const state = await waitReady(child, probe, 45_000);
  if (state !== "ready") {
    options.log(
      `api: ${state === "exited" ? `exited (${child.exitCode})` : "no answer on /graphql after 45 s"}. Last lines of ${logFile}:\n${tail(logFile, 10)}`,
    );
    return undefined;
  }
  return { pid: child.pid!, logFile, graphql, alive: () => child.exitCode === null && child.signalCode === null };
};
