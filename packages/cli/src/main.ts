/** The `tcm` entry point: exit codes are documented in errors.ts (0 ok, 1 failure, 2 bad input, 3 RPC, 4 aborted). */
import { NodeContext, NodeRuntime } from "@effect/platform-node";
import { Effect, Exit } from "effect";
import { ExitCode } from "./errors.js";
import { program } from "./program.js";

NodeRuntime.runMain(program(process.argv).pipe(Effect.provide(NodeContext.layer)), {
  disableErrorReporting: true,
  teardown: (exit, onExit) => {
    if (Exit.isSuccess(exit)) return onExit(exit.value as number);
    if (Exit.isInterrupted(exit)) process.stderr.write("aborted: interrupted\n");
    onExit(Exit.isInterrupted(exit) ? ExitCode.aborted : ExitCode.failure);
  },
});
