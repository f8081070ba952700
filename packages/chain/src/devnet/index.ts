// Devnet helpers over the chain services (fund, swap, rebase, move time, snapshot/revert) and the local-devnet check.
// The processes and the deploy (anvil, forge, graph-node, Postgres) and the devnet's accounts are @tcm/devnet's.
export { Devnet, type SwapInput, isLocalDevnet } from "./Devnet.js";
// Transition (removed once every user imports @tcm/devnet):
export {
  ANVIL_ACCOUNTS,
  ANVIL_DEPLOYER,
  NEWCOMER,
  type AnvilInstance,
  DevnetError,
  anvil,
  deployDevnet,
  deploymentJson as deploymentToJson,
  startAnvil,
  stopAnvil,
  workspaceRoot,
} from "@tcm/devnet";
