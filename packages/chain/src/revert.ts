import { type Abi, type Hex, decodeErrorResult, toFunctionSelector } from "viem";
import { formatAbiItem } from "viem/utils";
import { ContractRevert } from "./errors.js";
import {
  mockStETHAbi,
  mockWstETHAbi,
  projectTokenAbi,
  technoCapitalMachineAbi,
  tokenDeployerAbi,
  uniswapV2FactoryAbi,
  uniswapV2PairAbi,
  uniswapV2Router02Abi,
} from "./generated/artifacts.js";

type AbiError = Extract<Abi[number], { type: "error" }>;

/** Every custom error of every generated ABI, once each (by selector). */
export const tcmErrorsAbi: ReadonlyArray<AbiError> = (() => {
  const seen = new Map<string, AbiError>();
  const abis: ReadonlyArray<Abi> = [
    technoCapitalMachineAbi,
    projectTokenAbi,
    mockStETHAbi,
    mockWstETHAbi,
    tokenDeployerAbi,
    uniswapV2FactoryAbi,
    uniswapV2PairAbi,
    uniswapV2Router02Abi,
  ];
  for (const abi of abis) {
    for (const item of abi) {
      if (item.type !== "error") continue;
      const selector = toFunctionSelector(formatAbiItem(item));
      if (!seen.has(selector)) seen.set(selector, item);
    }
  }
  return [...seen.values()];
})();

const n = (value: unknown): string =>
  typeof value === "bigint" ? value.toLocaleString("en-US") : typeof value === "number" ? value.toLocaleString("en-US") : String(value);

/** A unix timestamp (seconds) as an ISO-8601 UTC time; the raw value when it is not a plausible time. */
const isoTime = (value: unknown): string => {
  const seconds = typeof value === "bigint" ? Number(value) : typeof value === "number" ? value : Number.NaN;
  return Number.isFinite(seconds) && seconds >= 0 && seconds < 1e11 ? new Date(seconds * 1000).toISOString() : String(value);
};

type Describe = (args: ReadonlyArray<unknown>) => string;

/** Sentences for people. Keys are error names; args in ABI order. */
const sentences: Readonly<Record<string, Describe>> = {
  TCM_DepositsPaused: () => "Deposits are paused by the guardian",
  TCM_HarvestsPaused: () => "Harvests are paused by the guardian",
  TCM_NotGuardian: ([caller]) => `${n(caller)} is not the guardian`,
  TCM_NotProjectOwner: ([id, caller]) => `${n(caller)} does not own project ${n(id)}`,
  TCM_UnknownProject: ([id]) => `Project ${n(id)} does not exist`,
  TCM_AllocationEmpty: () => "The allocation is empty; give at least one project",
  TCM_AllocationTooLong: ([length, max]) => `The allocation has ${n(length)} projects; at most ${n(max)} are allowed`,
  TCM_AllocationNotSorted: ([index, id]) =>
    `Allocation entry ${n(index)} (project ${n(id)}) is out of order; project ids must be strictly ascending`,
  TCM_AllocationZeroBps: ([id]) => `Project ${n(id)} is given 0 bps; every entry needs a positive share`,
  TCM_AllocationSumNot10000: ([sum]) => `Allocation sums to ${n(sum)} bps; it must be exactly 10,000`,
  TCM_PositionExists: ([account, principal]) =>
    `${n(account)} already has a position (principal ${n(principal)} wei); use topUp or reallocate`,
  TCM_NoPosition: ([account]) => `${n(account)} has no position`,
  TCM_InDeficit: ([held, required]) =>
    `The machine is in deficit (holds ${n(held)} shares, needs ${n(required)}); deposits wait until it recovers`,
  TCM_DepositTooSmall: ([principal, minimum]) => `The deposit delivers ${n(principal)} wei; the minimum is ${n(minimum)}`,
  TCM_ZeroAmount: () => "The amount is zero",
  TCM_ZeroReceiver: () => "The receiver is the zero address",
  TCM_WithdrawExceedsPrincipal: ([amount, principal]) =>
    `Withdrawing ${n(amount)} wei exceeds the position's principal of ${n(principal)} wei`,
  TCM_RemainingPrincipalTooSmall: ([remaining, minimum]) =>
    `The position would keep ${n(remaining)} wei, below the minimum of ${n(minimum)}; withdraw everything or less`,
  TCM_DeficitRequiresFullWithdrawal: ([amount, principal]) =>
    `During a deficit only a full withdrawal (${n(principal)} wei) is possible, not ${n(amount)}`,
  TCM_AlreadyHarvested: ([id, epoch]) => `Project ${n(id)} was already harvested in epoch ${n(epoch)}`,
  TCM_NothingToHarvest: ([id, value, minimum]) =>
    `Project ${n(id)} has ${n(value)} wei of yield to harvest; the minimum is ${n(minimum)}`,
  TCM_StepNotDue: ([id, readyAt]) =>
    `Project ${n(id)}'s next deploy step is not due yet; it may run from ${n(readyAt)} (${isoTime(readyAt)})`,
  TCM_NothingToDeploy: ([id, pending, minimum]) =>
    `Project ${n(id)} has ${n(pending)} wei of pending wstETH to deploy; a step needs at least ${n(minimum)}`,
  TCM_LengthMismatch: ([expected, actual]) => `Expected ${n(expected)} values, got ${n(actual)}`,
  TCM_EmptyName: () => "The token name is empty",
  TCM_EmptySymbol: () => "The token symbol is empty",
  TCM_LaunchPriceOutOfBounds: ([v, min, max]) => `Launch price ${n(v)} is outside ${n(min)}..${n(max)}`,
  TCM_DailyEmissionOutOfBounds: ([v, min, max]) => `Daily emission ${n(v)} is outside ${n(min)}..${n(max)}`,
  TCM_DecayOutOfBounds: ([v, max]) => `Decay of ${n(v)} bps exceeds the maximum of ${n(max)}`,
  TCM_MaxSupplyOutOfBounds: ([v, min, max]) => `Max supply ${n(v)} is outside ${n(min)}..${n(max)}`,
  TCM_SeedReserveOutOfBounds: ([v, min, max]) =>
    `Seed reserve ${n(v)} is outside ${n(min)}..${n(max)} (at most half of the max supply)`,
  TCM_ContributorShareOutOfBounds: ([v, max]) => `Contributor share of ${n(v)} bps exceeds the maximum of ${n(max)}`,
  TCM_ContributorRecipientZero: () => "A contributor share needs a non-zero contributor recipient",
  TCM_ContributorShareNotLower: ([current, requested]) =>
    `The contributor share can only go down: ${n(requested)} bps is not below ${n(current)}`,
  TCM_InvalidConfig: ([parameter]) => `Machine config parameter #${n(parameter)} is invalid`,
  TCM_TransferFailed: () => "A token transfer returned false",
  TCM_ProjectLimit: ([max]) => `The machine holds at most ${n(max)} projects`,
  TCM_TokenAddressMismatch: ([expected, deployed]) =>
    `The token deployer created ${n(deployed)}, not ${n(expected)}: it is not working for this machine alone`,
  TokenDeployer_AlreadyBound: ([machine]) => `The token deployer already works for the machine ${n(machine)}`,
  TokenDeployer_NotMachine: ([caller]) => `${n(caller)} is not the machine this token deployer works for`,
  CreateAddress_NonceOutOfRange: ([nonce]) => `Nonce ${n(nonce)} is outside the supported range 1..16,777,215`,
  ProjectToken_OnlyMachine: ([caller]) => `${n(caller)} is not the machine; only it can mint`,
  ProjectToken_CapExceeded: ([after, max]) => `Minting would bring supply to ${n(after)}, above the max of ${n(max)}`,
  ProjectToken_PoolNotOpen: ([pair]) =>
    `The pool ${n(pair)} is not open yet; tokens cannot go to it before the project's first deploy step opens it`,
  MockStETH_ZeroAmount: () => "stETH: the amount is zero",
  MockStETH_InsufficientBalance: ([have, need]) => `stETH: the balance is ${n(have)} shares, ${n(need)} are needed`,
  MockStETH_InsufficientAllowance: ([allowance, amount]) =>
    `stETH: the allowance is ${n(allowance)} wei, ${n(amount)} are needed (approve first)`,
  MockStETH_ZeroAddress: () => "stETH: zero address",
  MockStETH_SelfTransfer: () => "stETH: cannot transfer to the stETH contract",
  MockStETH_NotOracle: ([caller]) => `stETH: ${n(caller)} is not the oracle`,
  MockStETH_RebaseToZero: () => "stETH: the rebase would leave zero pooled ether",
  MockStETH_PermitExpired: ([deadline]) => `stETH: the permit expired at ${n(deadline)}`,
  MockStETH_InvalidSignature: () => "stETH: invalid permit signature",
  MockWstETH_ZeroAmount: () => "wstETH: the amount is zero",
  ERC20InsufficientBalance: ([sender, balance, needed]) =>
    `${n(sender)} holds ${n(balance)} tokens, ${n(needed)} are needed`,
  ERC20InsufficientAllowance: ([spender, allowance, needed]) =>
    `${n(spender)} may spend ${n(allowance)} tokens, ${n(needed)} are needed (approve first)`,
};

const describe = (name: string, args: ReadonlyArray<unknown>): string => {
  const sentence = sentences[name];
  if (sentence) return sentence(args);
  if (name === "Error" && typeof args[0] === "string") return args[0];
  if (name === "Panic") return `Panic ${n(args[0])} (assertion, overflow or division by zero)`;
  return `${name}(${args.map(n).join(", ")})`;
};

/** Decodes revert data (custom error, Error(string) or Panic) into a tagged error. */
export const decodeRevert = (data: Hex | undefined, operation = "call", txHash?: Hex): ContractRevert => {
  const base = txHash === undefined ? { operation, data } : { operation, data, txHash };
  if (data === undefined || data === "0x" || data.length < 10) {
    return new ContractRevert({ ...base, name: "Unknown", args: [], message: "Reverted without a reason" });
  }
  try {
    const decoded = decodeErrorResult({ abi: tcmErrorsAbi as Abi, data });
    const args = (decoded.args ?? []) as ReadonlyArray<unknown>;
    return new ContractRevert({ ...base, name: decoded.errorName, args, message: describe(decoded.errorName, args) });
  } catch {
    return new ContractRevert({
      ...base,
      name: "Unknown",
      args: [],
      message: `Reverted with unknown error ${data.slice(0, 10)}`,
    });
  }
};

/** A sentence for a known error, without decoding (for callers that already have name and args). */
export const describeError = describe;
