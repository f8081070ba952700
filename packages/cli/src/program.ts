/**
 * `tcm argv…` as one effect that always succeeds with the exit code: every failure is printed (one line on
 * stderr) and mapped by errors.ts. main.ts runs it; tests run it in-process with a captured Console.
 */
import { Cause, Console, Effect } from "effect";
import { run } from "./cli.js";
import { ExitCode, report } from "./errors.js";

export const program = (argv: ReadonlyArray<string>) =>
  Effect.suspend(() => run(argv)).pipe(
    Effect.as(ExitCode.ok as number),
    Effect.catchAllCause((cause) => {
      if (Cause.isInterruptedOnly(cause)) return Effect.succeed(ExitCode.aborted as number);
      const failure = Cause.failureOption(cause);
      const reported =
        failure._tag === "Some"
          ? report(failure.value)
          : { code: ExitCode.failure, message: `internal error: ${Cause.pretty(cause)}` };
      return (reported.message === "" ? Effect.void : Console.error(reported.message)).pipe(Effect.as(reported.code));
    }),
  );
