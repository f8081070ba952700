/**
 * The one local devnet harness: foundry binaries, free ports, scoped anvil, the forge devnet deploy, deployment
 * files, Postgres databases, the IPFS endpoint and graph-node (gnd dev), a small GraphQL client — as Effects and
 * scoped resources. `@tcm/devnet/promise` has the same with Promises. Depends on no other workspace package but
 * @tcm/ipfs: contract ABIs come from forge's out/ folder (`forgeArtifact`).
 */
export { ANVIL_ACCOUNTS, ANVIL_DEPLOYER, NEWCOMER } from "./accounts.js";
export { Anvil, type AnvilInstance, type AnvilOptions, anvil, startAnvil, stopAnvil } from "./anvil.js";
export {
  type DeployOptions,
  Deployed,
  type DevnetDeployment,
  deployDevnet,
  deploymentFile,
  deploymentJson,
  writeDeploymentFile,
} from "./deploy.js";
export { type Devnet, type DevnetOptions, devnet } from "./devnet.js";
export { DevnetError } from "./errors.js";
export { forgeArtifact, foundryBinary, nodeBinary, workspaceRoot } from "./foundry.js";
export { gql, gqlPromise } from "./gql.js";
export {
  type BuildSubgraphOptions,
  type GraphNode,
  type GraphNodeOptions,
  type Indexer,
  type IndexerOptions,
  type IpfsEndpoint,
  buildSubgraph,
  indexer,
  graphNode,
  graphNodeEnv,
  ipfsEndpoint,
  removeWorkDir,
  startGraphNode,
  stopGraphNode,
  waitForSubgraph,
  waitForSync,
} from "./graphNode.js";
export {
  type Database,
  type PostgresServer,
  type PrivateCluster,
  createDatabase,
  database,
  databaseExists,
  dropDatabase,
  postgresAnswers,
  postgresBinary,
  psql,
  sharedPostgres,
  startPrivateCluster,
} from "./postgres.js";
export { freePort, isAlive, portIsFree, stopPid, tailOf } from "./processes.js";
export { blockNumber, evmRevert, evmSnapshot, rpc } from "./rpc.js";
