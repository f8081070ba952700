/** The `tcm` entry point: exit codes are documented in errors.ts (0 ok, 1 failure, 2 bad input, 3 RPC, 4 aborted). */
import { NodeContext, NodeRuntime } from "@effect/platform-node";
import { Effect, Exit } from "effect";
import { ExitCode } from "./errors.js";
import { program } from "./program.js";

/**
 * No colour codes where nobody sees colours: @effect/cli styles its help and errors with ANSI escapes, so a pipe, a
 * file or NO_COLOR gets them stripped (each stream on its own: `tcm --help | less` is plain, errors on a terminal not).
 * The keeper's and the API's entry points carry the same check (they may not import the CLI).
 */
const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (stream: NodeJS.WriteStream) => {
  const noColor = (process.env["NO_COLOR"] ?? "") !== "";
  if (stream.isTTY && !noColor) return;
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: ReadonlyArray<unknown>) => boolean;
  stream.write = ((chunk: unknown, ...rest: ReadonlyArray<unknown>) =>
    write(typeof chunk === "string" ? chunk.replace(ANSI, "") : chunk, ...rest)) as typeof stream.write;
};
plain(process.stdout);
plain(process.stderr);

NodeRuntime.runMain(program(process.argv).pipe(Effect.provide(NodeContext.layer)), {
  disableErrorReporting: true,
  teardown: (exit, onExit) => {
    if (Exit.isSuccess(exit)) return onExit(exit.value as number);
    if (Exit.isInterrupted(exit)) process.stderr.write("aborted: interrupted\n");
    onExit(Exit.isInterrupted(exit) ? ExitCode.aborted : ExitCode.failure);
  },
});
