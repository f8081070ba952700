/**
 * @tcm/domain — every formula of DESIGN.md §2 in native bigint, reproducing TechnoCapitalMachine and its
 * libraries to the wei (same rounding, same modular widths). No I/O, no runtime dependencies.
 */
export * from "./result.js";
export * from "./errors.js";
export * from "./units.js";
export {
  BPS,
  WAD,
  RAY,
  UINT256_MAX,
  UINT160_MAX,
  UINT128_MAX,
  UINT112_MAX,
  UINT96_MAX,
  UINT32_MAX,
  mulDivDown,
  mulDivUp,
  rpowDown,
  min,
  max,
  wrap,
} from "./math.js";
export * from "./epoch.js";
export * as lido from "./lido.js";
export * as allocation from "./allocation.js";
export * as emission from "./emission.js";
export * as uniswap from "./uniswap.js";
export * as yieldMath from "./yield.js";
export * as rewards from "./rewards.js";
export * as harvest from "./harvest.js";
export type {
  HarvestReport,
  HarvestPlan,
  HarvestInput,
  HarvestStatus,
  HarvestConfig,
  HarvestProject,
  DeployReport,
  StepConfig,
  StepInput,
  StepPlan,
  OpenSizing,
} from "./harvest.js";
export {
  planHarvest,
  planStep,
  stepDue,
  nextDeployTime,
  deployedWstEthOf,
  deploymentRatio,
  RATIO_ONE,
  referenceNow,
  openSizing,
  seedReserveValueWstEth,
  MIN_DEPLOY,
  MAX_IMPACT_BPS_LIMIT,
  HARVEST_REPORT_FIELDS,
  DEPLOY_REPORT_FIELDS,
} from "./harvest.js";
export * from "./model.js";
/** Every figure people see (prices, emission per day, APR, withdrawable, …), each defined once. */
export * from "./figures.js";
/** Figures of a project's history: POL share, a day's close, scheduled vs minted emission. */
export * from "./history.js";
export type { ShareRate } from "./lido.js";
export type { EmissionSchedule } from "./emission.js";
export type { PairState } from "./uniswap.js";
export type { YieldBook, LidoView, CheckpointResult } from "./yield.js";
export type { RewardBook, Accrual } from "./rewards.js";
