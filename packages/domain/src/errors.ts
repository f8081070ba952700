/**
 * Every failure the domain reports. Contract reverts keep the custom error's exact name and arguments
 * (ITechnoCapitalMachine.sol, ProjectToken.sol, MockStETH's rebase); Lido's and Uniswap V2's require strings keep
 * their reason; a Solidity panic keeps its code (0x11 arithmetic, 0x12 division by zero).
 */

/** A bad argument to a domain function, naming the argument. */
export interface InvalidInput {
  readonly _tag: "InvalidInput";
  readonly input: string;
  readonly reason: string;
  readonly value?: string;
}

export const invalidInput = (input: string, reason: string, value?: unknown): InvalidInput =>
  value === undefined
    ? { _tag: "InvalidInput", input, reason }
    : { _tag: "InvalidInput", input, reason, value: String(value) };

/** The machine's custom errors, with the same names and fields as ITechnoCapitalMachine. */
export type TcmError =
  | { readonly _tag: "TCM_DepositsPaused" }
  | { readonly _tag: "TCM_HarvestsPaused" }
  | { readonly _tag: "TCM_NotGuardian"; readonly caller: string }
  | { readonly _tag: "TCM_NotProjectOwner"; readonly projectId: number; readonly caller: string }
  | { readonly _tag: "TCM_UnknownProject"; readonly projectId: number }
  | { readonly _tag: "TCM_AllocationEmpty" }
  | { readonly _tag: "TCM_AllocationTooLong"; readonly length: bigint; readonly max: bigint }
  | { readonly _tag: "TCM_AllocationNotSorted"; readonly index: bigint; readonly projectId: number }
  | { readonly _tag: "TCM_AllocationZeroBps"; readonly projectId: number }
  | { readonly _tag: "TCM_AllocationSumNot10000"; readonly sum: bigint }
  | { readonly _tag: "TCM_PositionExists"; readonly account: string; readonly principal: bigint }
  | { readonly _tag: "TCM_NoPosition"; readonly account: string }
  | { readonly _tag: "TCM_InDeficit"; readonly sharesHeld: bigint; readonly sharesRequired: bigint }
  | { readonly _tag: "TCM_DepositTooSmall"; readonly principal: bigint; readonly minimum: bigint }
  | { readonly _tag: "TCM_ZeroAmount" }
  | { readonly _tag: "TCM_ZeroReceiver" }
  | { readonly _tag: "TCM_WithdrawExceedsPrincipal"; readonly amount: bigint; readonly principal: bigint }
  | { readonly _tag: "TCM_RemainingPrincipalTooSmall"; readonly remaining: bigint; readonly minimum: bigint }
  | { readonly _tag: "TCM_DeficitRequiresFullWithdrawal"; readonly amount: bigint; readonly principal: bigint }
  | { readonly _tag: "TCM_AlreadyHarvested"; readonly projectId: number; readonly epoch: bigint }
  | {
      readonly _tag: "TCM_NothingToHarvest";
      readonly projectId: number;
      readonly value: bigint;
      readonly minimum: bigint;
    }
  | { readonly _tag: "TCM_StepNotDue"; readonly projectId: number; readonly readyAt: bigint }
  | {
      readonly _tag: "TCM_NothingToDeploy";
      readonly projectId: number;
      readonly pending: bigint;
      readonly minimum: bigint;
    }
  | { readonly _tag: "TCM_LengthMismatch"; readonly expected: bigint; readonly actual: bigint }
  | { readonly _tag: "TCM_EmptyName" }
  | { readonly _tag: "TCM_EmptySymbol" }
  | { readonly _tag: "TCM_NameTooLong"; readonly length: bigint; readonly max: bigint }
  | { readonly _tag: "TCM_SymbolTooLong"; readonly length: bigint; readonly max: bigint }
  | { readonly _tag: "TCM_MetadataURITooLong"; readonly length: bigint; readonly max: bigint }
  | { readonly _tag: "TCM_LaunchPriceOutOfBounds"; readonly value: bigint; readonly min: bigint; readonly max: bigint }
  | {
      readonly _tag: "TCM_DailyEmissionOutOfBounds";
      readonly value: bigint;
      readonly min: bigint;
      readonly max: bigint;
    }
  | { readonly _tag: "TCM_DecayOutOfBounds"; readonly value: bigint; readonly max: bigint }
  | { readonly _tag: "TCM_MaxSupplyOutOfBounds"; readonly value: bigint; readonly min: bigint; readonly max: bigint }
  | { readonly _tag: "TCM_SeedReserveOutOfBounds"; readonly value: bigint; readonly min: bigint; readonly max: bigint }
  | { readonly _tag: "TCM_ContributorShareOutOfBounds"; readonly value: bigint; readonly max: bigint }
  | { readonly _tag: "TCM_ContributorRecipientZero" }
  | { readonly _tag: "TCM_ContributorShareNotLower"; readonly current: bigint; readonly requested: bigint }
  | { readonly _tag: "TCM_InvalidConfig"; readonly parameter: bigint }
  | { readonly _tag: "TCM_TransferFailed" }
  | { readonly _tag: "TCM_ProjectLimit"; readonly max: bigint }
  | { readonly _tag: "TCM_TokenAddressMismatch"; readonly expected: string; readonly deployed: string };

/**
 * Custom-error reverts of the token contracts the machine calls: the project token (OpenZeppelin 5) and the stETH
 * mock's own `rebase` (Lido's real functions revert with strings: {@link LidoError}).
 */
export type TokenError =
  | { readonly _tag: "MockStETH_RebaseToZero" }
  | {
      readonly _tag: "ERC20InsufficientBalance";
      readonly sender: string;
      readonly balance: bigint;
      readonly needed: bigint;
    }
  | { readonly _tag: "ProjectToken_CapExceeded"; readonly supplyAfter: bigint; readonly maxSupply: bigint }
  | { readonly _tag: "ProjectToken_PoolNotOpen"; readonly pair: string };

/** Uniswap V2 pair `require` failures, by their reason string (without the "UniswapV2: " prefix). */
export interface UniswapV2Error {
  readonly _tag: "UniswapV2Error";
  readonly reason:
    | "INSUFFICIENT_OUTPUT_AMOUNT"
    | "INSUFFICIENT_LIQUIDITY"
    | "INVALID_TO"
    | "INSUFFICIENT_INPUT_AMOUNT"
    | "K"
    | "OVERFLOW"
    | "INSUFFICIENT_LIQUIDITY_MINTED"
    | "ds-math-sub-underflow";
}

/**
 * A revert of stETH or wstETH (lido-dao v2.0.0, as MockStETH / MockWstETH reproduce them) with its `Error(string)`
 * reason, exactly: stETH's (`BALANCE_EXCEEDED`, Aragon SafeMath's `MATH_*`, …) and wstETH's (its own and
 * OpenZeppelin 3.4's "ERC20: …" / "SafeMath: …").
 */
export interface LidoError {
  readonly _tag: "LidoError";
  readonly reason:
    | "ZERO_DEPOSIT"
    | "MINT_TO_ZERO_ADDR"
    | "TRANSFER_FROM_ZERO_ADDR"
    | "TRANSFER_TO_ZERO_ADDR"
    | "TRANSFER_TO_STETH_CONTRACT"
    | "BALANCE_EXCEEDED"
    | "MATH_MUL_OVERFLOW"
    | "MATH_DIV_ZERO"
    | "MATH_ADD_OVERFLOW"
    | "wstETH: can't wrap zero stETH"
    | "wstETH: zero amount unwrap not allowed"
    | "ERC20: transfer from the zero address"
    | "ERC20: transfer to the zero address"
    | "ERC20: transfer amount exceeds balance"
    | "ERC20: mint to the zero address"
    | "ERC20: burn from the zero address"
    | "ERC20: burn amount exceeds balance"
    | "SafeMath: addition overflow";
}

/** A Solidity panic: 0x11 checked arithmetic overflow/underflow, 0x12 division by zero. */
export interface Panic {
  readonly _tag: "Panic";
  readonly code: 0x11 | 0x12;
  readonly where: string;
}

export type DomainError = InvalidInput | TcmError | TokenError | LidoError | UniswapV2Error | Panic;
