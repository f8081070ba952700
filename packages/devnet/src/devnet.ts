import { Effect } from "effect";
import { type AnvilInstance, type AnvilOptions, anvil } from "./anvil.js";
import { type DeployOptions, type DevnetDeployment, deployDevnet, deploymentFile } from "./deploy.js";

export interface DevnetOptions extends AnvilOptions, Omit<DeployOptions, "rpcUrl" | "outFile"> {}

export interface Devnet {
  readonly node: AnvilInstance;
  readonly deployment: DevnetDeployment;
  /** A temporary deployment file (removed with the devnet). */
  readonly deploymentFile: string;
}

/**
 * A whole devnet as a scoped resource: anvil on a free port, the forge devnet deploy, and its deployment file; on
 * release the file is removed and anvil stopped by PID.
 */
export const devnet = (options: DevnetOptions = {}) =>
  Effect.gen(function* () {
    const node = yield* anvil(options);
    const deployment = yield* deployDevnet({ ...options, rpcUrl: node.url });
    const file = yield* deploymentFile(deployment);
    return { node, deployment, deploymentFile: file } satisfies Devnet;
  });
