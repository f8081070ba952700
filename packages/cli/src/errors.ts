/**
 * The CLI's failure vocabulary and its exit codes. Every error a command can end with is mapped here, once, to a
 * line for people (stderr) and a documented exit code.
 */
import { ValidationError } from "@effect/cli";
import { ContractRevert, DeploymentError, InvalidInput, ReceiptTimeout, RpcError, TransientRpcError } from "@tcm/chain";
import { Data, Match, Predicate } from "effect";

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
export class RpcUnreachable extends Data.TaggedError("RpcUnreachable")<{
  readonly url: string;
  readonly detail: string;
}> {}

/** The user said no, pressed Ctrl-C, or could not be asked. */
export class Aborted extends Data.TaggedError("Aborted")<{ readonly reason: string }> {}

/** Anything else that ends a command with exit code 1, already phrased for people. */
export class CommandFailed extends Data.TaggedError("CommandFailed")<{ readonly message: string }> {}

export interface Reported {
  readonly code: number;
  readonly message: string;
}

const rpcFailure = (e: TransientRpcError | RpcError): Reported => ({
  code: ExitCode.failure,
  message: `error: RPC ${e.operation} failed: ${e.message}`,
});

export const report = (error: unknown): Reported => {
  if (ValidationError.isValidationError(error)) {
    // @effect/cli has already printed its own explanation (with the flag) to stderr.
    return { code: error._tag === "HelpRequested" ? ExitCode.ok : ExitCode.badInput, message: "" };
  }
  return Match.value(error).pipe(
    Match.when(Match.instanceOf(BadInput), (e) => ({
      code: ExitCode.badInput,
      message: `error: ${e.flag}: ${e.message}`,
    })),
    Match.when(Match.instanceOf(RpcUnreachable), (e) => ({
      code: ExitCode.rpcUnreachable,
      message: `error: cannot reach RPC at ${e.url} (${e.detail}); is the node running? (--rpc)`,
    })),
    Match.when(Match.instanceOf(Aborted), (e) => ({ code: ExitCode.aborted, message: `aborted: ${e.reason}` })),
    // A reason string (Lido's stETH/wstETH, Uniswap) is already a sentence from decodeRevert; a custom error is named.
    Match.when(Match.instanceOf(ContractRevert), (e) => ({
      code: ExitCode.failure,
      message: `error: reverted${e.name === "Error" ? "" : ` (${e.name})`}: ${e.message}${e.txHash ? ` [tx ${e.txHash}]` : ""}`,
    })),
    Match.when(Match.instanceOf(DeploymentError), (e) => ({
      code: ExitCode.badInput,
      message: `error: --deployment: ${e.message}`,
    })),
    Match.when(Match.instanceOf(InvalidInput), (e) => ({
      code: ExitCode.badInput,
      message: `error: ${e.input}: ${e.message}`,
    })),
    Match.when(Match.instanceOf(TransientRpcError), (e) => rpcFailure(e)),
    Match.when(Match.instanceOf(RpcError), (e) => rpcFailure(e)),
    Match.when(Match.instanceOf(ReceiptTimeout), (e) => ({
      code: ExitCode.failure,
      message: `error: ${e.message}; it may still be mined — check before resending`,
    })),
    Match.when(Match.instanceOf(CommandFailed), (e) => ({ code: ExitCode.failure, message: `error: ${e.message}` })),
    Match.when(Predicate.isTagged("QuitException"), () => ({
      code: ExitCode.aborted,
      message: "aborted: interrupted",
    })),
    Match.orElse((e: unknown) => ({
      code: ExitCode.failure,
      message: `error: ${e instanceof Error ? e.message : String(e)}`,
    })),
  );
};
