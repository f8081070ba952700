export { ANVIL_ACCOUNTS, ANVIL_DEPLOYER, NEWCOMER } from "./accounts.js";
export {
  type AnvilInstance,
  type AnvilOptions,
  type DeployOptions,
  DevnetError,
  anvil,
  deployDevnet,
  deploymentToJson,
  freePort,
  isTransientDeployFailure,
  retryFromSnapshot,
  startAnvil,
  stopAnvil,
  workspaceRoot,
} from "./anvil.js";
export { Devnet, type SwapInput, isLocalDevnet } from "./Devnet.js";
