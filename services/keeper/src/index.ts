export {
  KeeperConfig,
  KeeperConfigError,
  type KeeperSettings,
  type DeploymentSource,
  keeperConfig,
  loadKeeperSettings,
} from "./KeeperConfig.js";
export * as KeeperMetrics from "./Metrics.js";
export { KeeperChainLive, timedFetch } from "./KeeperChain.js";
export { Harvester, type PassReport, type ProjectOutcome, type SkipReason } from "./Harvester.js";
export * from "./planning.js";
export { KeeperCoreLive, runKeeper, cli, keeperCommand, type KeeperMode } from "./Worker.js";
