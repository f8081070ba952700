export { KeeperConfig, KeeperConfigError, type KeeperSettings, type DeploymentSource, isConfigFailure, loadKeeperSettings } from "./KeeperConfig.js";
export { KeeperMetrics } from "./Metrics.js";
export { KeeperChainLive, timedFetch } from "./KeeperChain.js";
export { Transactions, TxRejected, NonceConflict, StuckTransaction, GasAboveCap, bumpFee, type Fees, type TxOutcome } from "./Transactions.js";
export { Harvester, type PassReport, type ProjectOutcome, type SkipReason } from "./Harvester.js";
