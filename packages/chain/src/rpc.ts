import { Duration, Schedule } from "effect";
import {
  BaseError,
  HttpRequestError,
  InsufficientFundsError,
  LimitExceededRpcError,
  NonceTooHighError,
  NonceTooLowError,
  ResourceUnavailableRpcError,
  SocketClosedError,
  TimeoutError,
  UserRejectedRequestError,
  WebSocketRequestError,
  type Hex,
  isHex,
} from "viem";
import { ContractRevert, RpcError, TransientRpcError } from "./errors.js";
import { decodeRevert } from "./revert.js";

/**
 * Retry policy for transient RPC faults: exponential from 100 ms, doubling, jittered, each wait capped at 5 s,
 * at most 6 retries (about 10 s in all). Reverts and other fatal errors must not be retried with it.
 */
export const transientRpcRetry = Schedule.exponential(Duration.millis(100), 2).pipe(
  Schedule.union(Schedule.spaced(Duration.seconds(5))),
  Schedule.jittered,
  Schedule.intersect(Schedule.recurs(6)),
);

const errorsOf = (error: unknown): ReadonlyArray<unknown> => {
  const chain: unknown[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 16; depth++) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
};

/** Revert data anywhere in a viem error chain (eth_call, eth_estimateGas, simulate), if any. */
export const revertDataOf = (error: unknown): Hex | undefined => {
  for (const e of errorsOf(error)) {
    const raw = (e as { raw?: unknown }).raw;
    if (typeof raw === "string" && isHex(raw) && raw.length >= 10) return raw;
    const data = (e as { data?: unknown }).data;
    if (typeof data === "string" && isHex(data) && data.length >= 10) return data;
    if (typeof data === "object" && data !== null) {
      const inner = (data as { data?: unknown }).data;
      if (typeof inner === "string" && isHex(inner) && inner.length >= 10) return inner;
    }
  }
  return undefined;
};

const isRevert = (error: unknown): boolean =>
  errorsOf(error).some((e) => {
    const name = (e as { name?: unknown }).name;
    const code = (e as { code?: unknown }).code;
    return (
      name === "ContractFunctionRevertedError" ||
      name === "ExecutionRevertedError" ||
      (name === "CallExecutionError" && revertDataOf(e) !== undefined) ||
      code === 3 ||
      (typeof (e as { details?: unknown }).details === "string" &&
        /execution reverted|revert/i.test((e as { details: string }).details))
    );
  });

const shortMessage = (error: unknown): string =>
  error instanceof BaseError ? error.shortMessage : error instanceof Error ? error.message : String(error);

/** Maps anything a viem call throws to the package's tagged errors. */
export const classifyRpcError = (operation: string, error: unknown): TransientRpcError | RpcError | ContractRevert => {
  const chain = errorsOf(error);
  const has = (cls: abstract new (...args: never[]) => unknown) => chain.some((e) => e instanceof cls);
  if (has(NonceTooLowError))
    return new RpcError({ operation, reason: "nonce-too-low", message: shortMessage(error), cause: error });
  if (has(NonceTooHighError))
    return new RpcError({ operation, reason: "nonce-too-high", message: shortMessage(error), cause: error });
  if (has(InsufficientFundsError)) {
    return new RpcError({ operation, reason: "insufficient-funds", message: shortMessage(error), cause: error });
  }
  if (has(UserRejectedRequestError))
    return new RpcError({ operation, reason: "rejected", message: shortMessage(error), cause: error });
  if (isRevert(error)) return decodeRevert(revertDataOf(error), operation);
  if (has(TimeoutError))
    return new TransientRpcError({ operation, reason: "timeout", message: shortMessage(error), cause: error });
  if (has(LimitExceededRpcError)) {
    return new TransientRpcError({ operation, reason: "rate-limit", message: shortMessage(error), cause: error });
  }
  if (has(ResourceUnavailableRpcError)) {
    return new TransientRpcError({ operation, reason: "server", message: shortMessage(error), cause: error });
  }
  const http = chain.find((e): e is HttpRequestError => e instanceof HttpRequestError);
  if (http !== undefined) {
    const status = http.status;
    if (status === 429)
      return new TransientRpcError({ operation, reason: "rate-limit", message: shortMessage(error), cause: error });
    if (status === undefined)
      return new TransientRpcError({ operation, reason: "network", message: shortMessage(error), cause: error });
    if (status >= 500 || status === 408) {
      return new TransientRpcError({ operation, reason: "server", message: shortMessage(error), cause: error });
    }
  }
  if (has(SocketClosedError) || has(WebSocketRequestError)) {
    return new TransientRpcError({ operation, reason: "network", message: shortMessage(error), cause: error });
  }
  if (chain.some((e) => e instanceof Error && /ECONNREFUSED|ECONNRESET|fetch failed|socket hang up/i.test(e.message))) {
    return new TransientRpcError({ operation, reason: "network", message: shortMessage(error), cause: error });
  }
  return new RpcError({ operation, reason: "other", message: shortMessage(error), cause: error });
};
