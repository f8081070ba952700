export * from "./generated/artifacts.js";
export * from "./errors.js";
export { decodeRevert, describeError, tcmErrorsAbi } from "./revert.js";
export { classifyRpcError, revertDataOf, transientRpcRetry } from "./rpc.js";
export {
  AddressSchema,
  Deployment,
  DeploymentSchema,
  type DeploymentInfo,
  loadDeploymentFile,
  parseDeployment,
} from "./Deployment.js";
export { ChainClient, type ChainClientOptions, makePublicClient } from "./ChainClient.js";
export { Wallet, accountFromKey, chainFor } from "./Wallet.js";
export * from "./validation.js";
export { TxBuilder, type BuildError, type BuildOptions, type PermitSignature, type PreparedTx } from "./TxBuilder.js";
export {
  TxSender,
  type SendOptions,
  type SentTx,
  withGasMargin,
  bumpFee,
  feesUnderCaps,
  TxRejected,
  NonceConflict,
  StuckTransaction,
  GasAboveCap,
  TxOutcome,
  type FeeCaps,
  type Fees,
  type ManagedTx,
  type Attempt,
  type PendingTx,
  type ReplacementPolicy,
} from "./TxSender.js";
export { prometheusText, renderPrometheus, type PrometheusOptions } from "./prometheus.js";
export * from "./TcmReader.js";
export { deployTotals, type DeployTotalsOptions, type ProjectDeployTotals } from "./DeployTotals.js";
export {
  ModelState,
  type AccountStorage,
  type LoadedModel,
  type ModelExtras,
  ENTRY_WORDS,
  ModelMismatch,
  STORAGE_SLOTS,
  accountSlots,
  modelStateFromSnapshot,
  positionMismatch,
  standInAccount,
  withAccounts,
} from "./ModelState.js";
export { deploymentFromMachine, deploymentLayerFromMachine } from "./DeploymentFromMachine.js";
export { DayClose, type DayCloseState } from "./DayClose.js";
