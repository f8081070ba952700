// Devnet helpers over the chain services (fund, swap, rebase, move time, snapshot/revert) and the local-devnet check.
// The processes and the deploy (anvil, forge, graph-node, Postgres) and the devnet's accounts are @tcm/devnet's.
export { Devnet, type SwapInput, isLocalDevnet } from "./Devnet.js";
