import { Effect } from "effect";
import { type Address, type Hex, encodeFunctionData, isHex, maxUint256 } from "viem";
import { ChainClient } from "./ChainClient.js";
import { Deployment } from "./Deployment.js";
import type { ChainError, InvalidInput } from "./errors.js";
import { mockStETHAbi, technoCapitalMachineAbi } from "./generated/artifacts.js";
import {
  type AllocationEntryInput,
  type IntegerLike,
  type LaunchBounds,
  type LaunchParamsInput,
  invalid,
  validateAddress,
  validateAllocation,
  validateDepositAmount,
  validatePositiveAmount,
  validateProjectId,
  validateProjectIds,
  validateUint,
  validateLaunchParams,
  DEFAULT_LAUNCH_BOUNDS,
} from "./validation.js";

/** A transaction ready to sign: what the API returns to integrators and what the CLI and keeper send. */
export interface PreparedTx {
  readonly to: Address;
  readonly data: Hex;
  readonly value: bigint;
  /** eth_estimateGas from `BuildOptions.from`, when given. */
  readonly gasEstimate?: bigint;
}

export interface BuildOptions {
  /** Estimate gas as this sender (a revert then fails the build with the decoded ContractRevert). */
  readonly from?: string;
  /** Skip the projectCount read (e.g. the caller just read a snapshot). */
  readonly projectCount?: number;
  /** Skip reading the launch bounds from the machine. */
  readonly launchBounds?: LaunchBounds;
}

export interface PermitSignature {
  readonly deadline: IntegerLike;
  readonly v: number;
  readonly r: Hex;
  readonly s: Hex;
}

export type BuildError = InvalidInput | ChainError;

const make = Effect.gen(function* () {
  const chain = yield* ChainClient;
  const deployment = yield* Deployment;
  const machine = deployment.machine;

  const projectCountOf = (options: BuildOptions) =>
    options.projectCount !== undefined
      ? Effect.succeed(options.projectCount)
      : chain.read("projectCount", (c) =>
          c.readContract({ address: machine, abi: technoCapitalMachineAbi, functionName: "projectCount" }),
        );

  // The machine's public constants: read once (they never change for a deployment), then reused.
  let cachedBounds: LaunchBounds | undefined;
  const launchBounds = Effect.suspend(() =>
    cachedBounds !== undefined
      ? Effect.succeed(cachedBounds)
      : chain
          .read("launchBounds", (c) => {
            const m = { address: machine, abi: technoCapitalMachineAbi } as const;
            return Promise.all([
              c.readContract({ ...m, functionName: "MIN_LAUNCH_PRICE" }),
              c.readContract({ ...m, functionName: "MAX_LAUNCH_PRICE" }),
              c.readContract({ ...m, functionName: "MAX_SUPPLY_LIMIT" }),
              c.readContract({ ...m, functionName: "MAX_DECAY_BPS" }),
              c.readContract({ ...m, functionName: "MAX_CONTRIBUTOR_BPS" }),
            ]);
          })
          .pipe(
            Effect.map(([minLaunchPrice, maxLaunchPrice, maxSupplyLimit, maxDecayBps, maxContributorBps]) => {
              cachedBounds = {
                minLaunchPrice,
                maxLaunchPrice,
                minMaxSupply: DEFAULT_LAUNCH_BOUNDS.minMaxSupply, // not exposed by the contract
                maxSupplyLimit,
                maxDecayBps,
                maxContributorBps,
                minSeedReserve: DEFAULT_LAUNCH_BOUNDS.minSeedReserve, // not exposed by the contract
              };
              return cachedBounds;
            }),
          ),
  );

  const finish = (to: Address, data: Hex, options: BuildOptions, value = 0n) =>
    Effect.gen(function* () {
      if (options.from === undefined) return { to, data, value } satisfies PreparedTx;
      const from = yield* validateAddress("from", options.from);
      const gasEstimate = yield* chain.read("estimateGas", (c) => c.estimateGas({ account: from, to, data, value }));
      return { to, data, value, gasEstimate } satisfies PreparedTx;
    });

  const machineCall = (data: Hex, options: BuildOptions) => finish(machine, data, options);

  return {
    /** The deployed machine's launch bounds (what launchProject validates against). */
    launchBounds,
    deposit: Effect.fn("TxBuilder.deposit")(function* (
      input: { readonly amount: IntegerLike; readonly allocation: ReadonlyArray<AllocationEntryInput> },
      options: BuildOptions = {},
    ) {
      const amount = yield* validateDepositAmount("amount", input.amount);
      const allocation = yield* validateAllocation("allocation", input.allocation, yield* projectCountOf(options));
      const data = encodeFunctionData({
        abi: technoCapitalMachineAbi,
        functionName: "deposit",
        args: [amount, allocation],
      });
      return yield* machineCall(data, options);
    }),

    depositWithPermit: Effect.fn("TxBuilder.depositWithPermit")(function* (
      input: {
        readonly amount: IntegerLike;
        readonly allocation: ReadonlyArray<AllocationEntryInput>;
        readonly permit: PermitSignature;
      },
      options: BuildOptions = {},
    ) {
      const amount = yield* validateDepositAmount("amount", input.amount);
      const allocation = yield* validateAllocation("allocation", input.allocation, yield* projectCountOf(options));
      const deadline = yield* validateUint("permit.deadline", input.permit.deadline, { rule: "integer" });
      const v = yield* validateUint("permit.v", input.permit.v, { max: 255n, rule: "signature" });
      for (const key of ["r", "s"] as const) {
        const word = input.permit[key];
        if (!isHex(word) || word.length !== 66) {
          return yield* invalid(`permit.${key}`, "signature", `permit.${key} must be 32 bytes of hex`);
        }
      }
      const data = encodeFunctionData({
        abi: technoCapitalMachineAbi,
        functionName: "depositWithPermit",
        args: [amount, allocation, deadline, Number(v), input.permit.r, input.permit.s],
      });
      return yield* machineCall(data, options);
    }),

    topUp: Effect.fn("TxBuilder.topUp")(function* (
      input: { readonly amount: IntegerLike },
      options: BuildOptions = {},
    ) {
      const amount = yield* validateDepositAmount("amount", input.amount);
      const data = encodeFunctionData({ abi: technoCapitalMachineAbi, functionName: "topUp", args: [amount] });
      return yield* machineCall(data, options);
    }),

    reallocate: Effect.fn("TxBuilder.reallocate")(function* (
      input: { readonly allocation: ReadonlyArray<AllocationEntryInput> },
      options: BuildOptions = {},
    ) {
      const allocation = yield* validateAllocation("allocation", input.allocation, yield* projectCountOf(options));
      const data = encodeFunctionData({ abi: technoCapitalMachineAbi, functionName: "reallocate", args: [allocation] });
      return yield* machineCall(data, options);
    }),

    withdraw: Effect.fn("TxBuilder.withdraw")(function* (
      input: { readonly amount: IntegerLike; readonly receiver: string },
      options: BuildOptions = {},
    ) {
      const amount = yield* validatePositiveAmount("amount", input.amount);
      const receiver = yield* validateAddress("receiver", input.receiver);
      const data = encodeFunctionData({
        abi: technoCapitalMachineAbi,
        functionName: "withdraw",
        args: [amount, receiver],
      });
      return yield* machineCall(data, options);
    }),

    claim: Effect.fn("TxBuilder.claim")(function* (
      input: { readonly projectIds: ReadonlyArray<IntegerLike>; readonly receiver: string },
      options: BuildOptions = {},
    ) {
      const receiver = yield* validateAddress("receiver", input.receiver);
      const ids = yield* validateProjectIds("projectIds", input.projectIds, yield* projectCountOf(options));
      const data = encodeFunctionData({ abi: technoCapitalMachineAbi, functionName: "claim", args: [ids, receiver] });
      return yield* machineCall(data, options);
    }),

    claimContributor: Effect.fn("TxBuilder.claimContributor")(function* (
      input: { readonly projectId: IntegerLike },
      options: BuildOptions = {},
    ) {
      const id = yield* validateProjectId("projectId", input.projectId, yield* projectCountOf(options));
      const data = encodeFunctionData({ abi: technoCapitalMachineAbi, functionName: "claimContributor", args: [id] });
      return yield* machineCall(data, options);
    }),

    /** harvest(projectId): collects the epoch's yield into the project's pending wstETH, then one deploy step if due. */
    harvest: Effect.fn("TxBuilder.harvest")(function* (
      input: { readonly projectId: IntegerLike },
      options: BuildOptions = {},
    ) {
      const id = yield* validateProjectId("projectId", input.projectId, yield* projectCountOf(options));
      const data = encodeFunctionData({ abi: technoCapitalMachineAbi, functionName: "harvest", args: [id] });
      return yield* machineCall(data, options);
    }),

    /** harvestMany(projectIds): harvests the ready ones, skips the others without reverting. */
    harvestMany: Effect.fn("TxBuilder.harvestMany")(function* (
      input: { readonly projectIds: ReadonlyArray<IntegerLike> },
      options: BuildOptions = {},
    ) {
      const ids = yield* validateProjectIds("projectIds", input.projectIds, yield* projectCountOf(options));
      const data = encodeFunctionData({ abi: technoCapitalMachineAbi, functionName: "harvestMany", args: [ids] });
      return yield* machineCall(data, options);
    }),

    /**
     * deploy(projectId): one deploy step (opens the pool first, then buys and adds liquidity). Due every
     * stepInterval while the project has at least MIN_DEPLOY pending wstETH; otherwise the contract reverts
     * TCM_StepNotDue / TCM_NothingToDeploy (reported with `from`, as the gas estimate).
     */
    deploy: Effect.fn("TxBuilder.deploy")(function* (
      input: { readonly projectId: IntegerLike },
      options: BuildOptions = {},
    ) {
      const id = yield* validateProjectId("projectId", input.projectId, yield* projectCountOf(options));
      const data = encodeFunctionData({ abi: technoCapitalMachineAbi, functionName: "deploy", args: [id] });
      return yield* machineCall(data, options);
    }),

    /** deployMany(projectIds): a step for each project whose step is due; skips the others without reverting. */
    deployMany: Effect.fn("TxBuilder.deployMany")(function* (
      input: { readonly projectIds: ReadonlyArray<IntegerLike> },
      options: BuildOptions = {},
    ) {
      const ids = yield* validateProjectIds("projectIds", input.projectIds, yield* projectCountOf(options));
      const data = encodeFunctionData({ abi: technoCapitalMachineAbi, functionName: "deployMany", args: [ids] });
      return yield* machineCall(data, options);
    }),

    launchProject: Effect.fn("TxBuilder.launchProject")(function* (
      input: LaunchParamsInput,
      options: BuildOptions = {},
    ) {
      const bounds = options.launchBounds ?? (yield* launchBounds);
      const params = yield* validateLaunchParams("params", input, bounds);
      const data = encodeFunctionData({ abi: technoCapitalMachineAbi, functionName: "launchProject", args: [params] });
      return yield* machineCall(data, options);
    }),

    /** stETH.approve(spender = the machine by default, amount); "max" approves type(uint256).max (infinite). */
    approveStEth: Effect.fn("TxBuilder.approveStEth")(function* (
      input: { readonly amount: IntegerLike | "max"; readonly spender?: string },
      options: BuildOptions = {},
    ) {
      const amount =
        input.amount === "max" ? maxUint256 : yield* validateUint("amount", input.amount, { rule: "amount" });
      const spender = input.spender === undefined ? machine : yield* validateAddress("spender", input.spender);
      const data = encodeFunctionData({ abi: mockStETHAbi, functionName: "approve", args: [spender, amount] });
      return yield* finish(deployment.stETH, data, options);
    }),
  } as const;
});

/** Validated transaction builders for every user action. Needs ChainClient (projectCount, gas) and Deployment. */
export class TxBuilder extends Effect.Service<TxBuilder>()("@tcm/chain/TxBuilder", { effect: make }) {}
