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
  typeof value === "bigint"
    ? value.toLocaleString("en-US")
    : typeof value === "number"
      ? value.toLocaleString("en-US")
      : String(value);

/** A unix timestamp (seconds) as an ISO-8601 UTC time; the raw value when it is not a plausible time. */
const isoTime = (value: unknown): string => {
  const seconds = typeof value === "bigint" ? Number(value) : typeof value === "number" ? value : Number.NaN;
  return Number.isFinite(seconds) && seconds >= 0 && seconds < 1e11
    ? new Date(seconds * 1000).toISOString()
    : String(value);
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
  TCM_DepositTooSmall: ([principal, minimum]) =>
    `The deposit delivers ${n(principal)} wei; the minimum is ${n(minimum)}`,
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
  TCM_NameTooLong: ([length, max]) => `The token name is ${n(length)} bytes of UTF-8; at most ${n(max)}`,
  TCM_SymbolTooLong: ([length, max]) => `The token symbol is ${n(length)} bytes of UTF-8; at most ${n(max)}`,
  TCM_MetadataURITooLong: ([length, max]) => `The metadata URI is ${n(length)} bytes of UTF-8; at most ${n(max)}`,
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
  MockStETH_NotOracle: ([caller]) => `stETH (mock): ${n(caller)} is not the oracle`,
  MockStETH_RebaseToZero: () => "stETH (mock): the rebase would leave zero pooled ether",
  ERC20InsufficientBalance: ([sender, balance, needed]) =>
    `${n(sender)} holds ${n(balance)} tokens, ${n(needed)} are needed`,
  ERC20InsufficientAllowance: ([spender, allowance, needed]) =>
    `${n(spender)} may spend ${n(allowance)} tokens, ${n(needed)} are needed (approve first)`,
};

/**
 * Sentences for the reason strings Lido's contracts revert with on mainnet (lido-dao v2.0.0: StETH, StETHPermit,
 * Lido's submit, Aragon's SafeMath; WstETH on OpenZeppelin 3.4's ERC20, ERC20Permit and ECDSA). The mocks revert
 * with the same strings. A reason reaches the caller unchanged through the machine and through wstETH's wrap, so a
 * deposit short of allowance shows `ALLOWANCE_EXCEEDED`. The OpenZeppelin strings are wstETH's in TCM (the project
 * tokens and Uniswap V2 have errors of their own).
 */
export const lidoRevertReasons: Readonly<Record<string, string>> = {
  BALANCE_EXCEEDED: "stETH: the amount is more than the sender's stETH balance",
  ALLOWANCE_EXCEEDED: "stETH: the amount is more than the spender's stETH allowance (approve it first)",
  ALLOWANCE_BELOW_ZERO: "stETH: the allowance cannot be decreased below zero",
  TRANSFER_FROM_ZERO_ADDR: "stETH: cannot transfer from the zero address",
  TRANSFER_TO_ZERO_ADDR: "stETH: cannot transfer to the zero address",
  TRANSFER_TO_STETH_CONTRACT: "stETH: cannot transfer stETH to the stETH contract itself",
  APPROVE_FROM_ZERO_ADDR: "stETH: cannot approve from the zero address",
  APPROVE_TO_ZERO_ADDR: "stETH: cannot approve the zero address",
  MINT_TO_ZERO_ADDR: "stETH: cannot mint shares to the zero address",
  BURN_FROM_ZERO_ADDR: "stETH: cannot burn shares of the zero address",
  ZERO_DEPOSIT: "stETH: staking needs more than 0 ether",
  STAKING_PAUSED: "stETH: Lido has paused staking; stake later or get stETH another way",
  STAKE_LIMIT: "stETH: the amount is above Lido's current staking limit; stake less or wait for the limit to grow",
  NON_EMPTY_DATA: "stETH: no such function on the stETH contract (plain ether is staked only without calldata)",
  CONTRACT_IS_STOPPED: "stETH: the Lido protocol is stopped; stETH cannot move until it resumes",
  DEADLINE_EXPIRED: "stETH: the permit's deadline has passed; sign a new one",
  INVALID_SIGNATURE: "stETH: the permit is not signed by the owner",
  MATH_MUL_OVERFLOW: "stETH: the amount is too large (the share arithmetic overflows)",
  MATH_ADD_OVERFLOW: "stETH: the amount is too large (an addition overflows)",
  MATH_SUB_UNDERFLOW: "stETH: the amount is larger than what there is (a subtraction underflows)",
  MATH_DIV_ZERO: "stETH: division by zero (the pool holds no shares or no ether)",
  "wstETH: can't wrap zero stETH": "wstETH: wrapping needs more than 0 stETH",
  "wstETH: zero amount unwrap not allowed": "wstETH: unwrapping needs more than 0 wstETH",
  "ERC20: transfer amount exceeds balance": "wstETH: the amount is more than the sender's wstETH balance",
  "ERC20: transfer amount exceeds allowance":
    "wstETH: the amount is more than the spender's wstETH allowance (approve it first)",
  "ERC20: transfer from the zero address": "wstETH: cannot transfer from the zero address",
  "ERC20: transfer to the zero address": "wstETH: cannot transfer to the zero address",
  "ERC20: approve from the zero address": "wstETH: cannot approve from the zero address",
  "ERC20: approve to the zero address": "wstETH: cannot approve the zero address",
  "ERC20: decreased allowance below zero": "wstETH: the allowance cannot be decreased below zero",
  "ERC20: mint to the zero address": "wstETH: cannot mint to the zero address",
  "ERC20: burn from the zero address": "wstETH: cannot burn from the zero address",
  "ERC20: burn amount exceeds balance": "wstETH: the amount to unwrap is more than the wstETH balance",
  "SafeMath: addition overflow": "wstETH: the amount is too large (an addition overflows)",
  "SafeMath: subtraction overflow": "wstETH: the amount is larger than what there is (a subtraction underflows)",
  "ERC20Permit: expired deadline": "wstETH: the permit's deadline has passed; sign a new one",
  "ERC20Permit: invalid signature": "wstETH: the permit is not signed by the owner",
  "ECDSA: invalid signature": "The permit signature is invalid (it recovers no signer)",
  "ECDSA: invalid signature 's' value": "The permit signature is malformed (its s value is in the upper half)",
  "ECDSA: invalid signature 'v' value": "The permit signature is malformed (v must be 27 or 28)",
  "ECDSA: invalid signature length": "The permit signature is malformed (wrong length)",
};

/** A reason string as a sentence: Lido's known reasons explained (the raw reason kept in brackets), others as is. */
const describeReason = (reason: string): string => {
  const sentence = Object.hasOwn(lidoRevertReasons, reason) ? lidoRevertReasons[reason] : undefined;
  return sentence === undefined ? reason : `${sentence} [${reason}]`;
};

const describe = (name: string, args: ReadonlyArray<unknown>): string => {
  const sentence = sentences[name];
  if (sentence) return sentence(args);
  if (name === "Error" && typeof args[0] === "string") return describeReason(args[0]);
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
