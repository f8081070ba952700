import { Data } from "effect";
import type { Hex } from "viem";

/** The deployment file is missing, unreadable or has a bad field. Fatal: fix the file. */
export class DeploymentError extends Data.TaggedError("DeploymentError")<{
  readonly file: string;
  /** The offending field ("(file)" when the file itself is the problem). */
  readonly field: string;
  readonly message: string;
}> {}

/** A caller-supplied value fails validation before anything reaches the chain. Fatal: fix the input. */
export class InvalidInput extends Data.TaggedError("InvalidInput")<{
  /** The input's path, e.g. `allocation[2].bps`, `receiver`, `params.maxSupply`. */
  readonly input: string;
  /** Which rule failed (stable, for programs): "address", "amount", "allocation-sum", … */
  readonly rule: string;
  readonly message: string;
}> {}

/** Network fault, timeout, 5xx, rate limit: worth retrying with `transientRpcRetry`. */
export class TransientRpcError extends Data.TaggedError("TransientRpcError")<{
  readonly operation: string;
  readonly reason: "network" | "timeout" | "server" | "rate-limit";
  readonly message: string;
  readonly cause?: unknown;
}> {
  readonly retryable = true as const;
}

/** Any other RPC failure (bad request, nonce, funds, unsupported method): retrying will not help. */
export class RpcError extends Data.TaggedError("RpcError")<{
  readonly operation: string;
  readonly reason: "nonce-too-low" | "nonce-too-high" | "insufficient-funds" | "rejected" | "other";
  readonly message: string;
  readonly cause?: unknown;
}> {
  readonly retryable = false as const;
}

/** The EVM reverted. `name`/`args` come from the contracts' custom errors; never retried blindly. */
export class ContractRevert extends Data.TaggedError("ContractRevert")<{
  readonly operation: string;
  /** Custom error name (`TCM_AllocationSumNot10000`), `Error`/`Panic`, or `Unknown` when undecodable. */
  readonly name: string;
  readonly args: ReadonlyArray<unknown>;
  /** A sentence for people: "Allocation sums to 9,000 bps; it must be exactly 10,000". */
  readonly message: string;
  readonly data: Hex | undefined;
  /** Set when the revert happened in a mined transaction. */
  readonly txHash?: Hex;
}> {
  readonly retryable = false as const;
}

/** A transaction was sent but no receipt arrived in time (it may still be mined: check before resending). */
export class ReceiptTimeout extends Data.TaggedError("ReceiptTimeout")<{
  readonly txHash: Hex;
  readonly message: string;
}> {
  readonly retryable = false as const;
}

/** Everything a chain call can fail with. */
export type ChainError = TransientRpcError | RpcError | ContractRevert;

export const isTransient = (error: unknown): error is TransientRpcError => error instanceof TransientRpcError;
