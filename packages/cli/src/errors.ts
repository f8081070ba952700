/**
 * The CLI's failure vocabulary and its exit codes. Every error a command can end with is mapped here, once, to a
 * line for people (stderr) and a documented exit code.
 */
import { ValidationError } from "@effect/cli";
import { Data } from "effect";

export const ExitCode = {
  ok: 0,
  /** The transaction reverted, or another chain/runtime failure. */
  failure: 1,
  /** A flag or argument is malformed or out of range (the message names it). */
  badInput: 2,
  /** The RPC endpoint did not answer. */
  rpcUnreachable: 3,
  /** The user declined the confirmation (or there was no terminal to ask on and no --yes). */
  aborted: 4,
} as const;

export const EXIT_CODES_HELP =
  "Exit codes: 0 ok · 1 transaction reverted or other failure · 2 bad input (the flag and accepted range are named) · " +
  "3 RPC unreachable · 4 aborted by the user";

/** A flag or argument is wrong. `flag` is what the user typed, e.g. `--launch-price`. */
export class BadInput extends Data.TaggedError("BadInput")<{ readonly flag: string; readonly message: string }> {}

/** Nothing answered at the RPC URL (connection refused, DNS, timeout on the first request). */
export class RpcUnreachable extends Data.TaggedError("RpcUnreachable")<{ readonly url: string; readonly detail: string }> {}

/** The user said no, pressed Ctrl-C, or could not be asked. */
export class Aborted extends Data.TaggedError("Aborted")<{ readonly reason: string }> {}

/** Anything else that ends a command with exit code 1, already phrased for people. */
export class CommandFailed extends Data.TaggedError("CommandFailed")<{ readonly message: string }> {}

export interface Reported {
  readonly code: number;
  readonly message: string;
}

const tagOf = (e: unknown): string | undefined =>
  typeof e === "object" && e !== null && typeof (e as { _tag?: unknown })._tag === "string"
    ? (e as { _tag: string })._tag
    : undefined;

const field = (e: unknown, key: string): string => String((e as Record<string, unknown>)[key] ?? "");

/** One line (or a few) for stderr, and the exit code. */
export const report = (error: unknown): Reported => {
  if (ValidationError.isValidationError(error)) {
    // @effect/cli has already printed its own explanation (with the flag) to stderr.
    return { code: error._tag === "HelpRequested" ? ExitCode.ok : ExitCode.badInput, message: "" };
  }
  switch (tagOf(error)) {
    case "BadInput":
      return { code: ExitCode.badInput, message: `error: ${field(error, "flag")}: ${field(error, "message")}` };
    case "RpcUnreachable":
      return {
        code: ExitCode.rpcUnreachable,
        message: `error: cannot reach RPC at ${field(error, "url")} (${field(error, "detail")}); is the node running? (--rpc)`,
      };
    case "Aborted":
      return { code: ExitCode.aborted, message: `aborted: ${field(error, "reason")}` };
    case "ContractRevert": {
      const tx = field(error, "txHash");
      // A reason string (Lido's stETH/wstETH, Uniswap) is already a sentence from decodeRevert; a custom error is named.
      const name = field(error, "name");
      return {
        code: ExitCode.failure,
        message: `error: reverted${name === "Error" ? "" : ` (${name})`}: ${field(error, "message")}${tx ? ` [tx ${tx}]` : ""}`,
      };
    }
    case "DeploymentError":
      return { code: ExitCode.badInput, message: `error: --deployment: ${field(error, "message")}` };
    case "InvalidInput":
      return { code: ExitCode.badInput, message: `error: ${field(error, "input")}: ${field(error, "message")}` };
    case "TransientRpcError":
    case "RpcError":
      return { code: ExitCode.failure, message: `error: RPC ${field(error, "operation")} failed: ${field(error, "message")}` };
    case "ReceiptTimeout":
      return { code: ExitCode.failure, message: `error: ${field(error, "message")}; it may still be mined — check before resending` };
    case "CommandFailed":
      return { code: ExitCode.failure, message: `error: ${field(error, "message")}` };
    case "QuitException":
      return { code: ExitCode.aborted, message: "aborted: interrupted" };
    default:
      return { code: ExitCode.failure, message: `error: ${error instanceof Error ? error.message : String(error)}` };
  }
};
