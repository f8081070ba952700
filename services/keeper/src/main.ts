/**
 * The keeper's entry point: `node --import tsx services/keeper/src/main.ts run|once [--dry-run]`.
 * Configuration comes only from the environment (see KeeperConfig.ts); exit codes: 0 ok, 1 failures, 2 bad config
 * or usage.
 */
import { NodeContext, NodeRuntime } from "@effect/platform-node";
import { Effect, Exit } from "effect";
import { cli, runKeeper } from "./Worker.js";

/**
 * No colour codes where nobody sees colours: @effect/cli styles `--help` with ANSI escapes, so a pipe, a file or
 * NO_COLOR gets them stripped, each stream on its own (the same check as the tcm CLI's entry point,
 * packages/cli/src/main.ts; the two may not import each other, and it is too small for a package of its own).
 */
const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (stream: NodeJS.WriteStream) => {
  if (stream.isTTY && (process.env["NO_COLOR"] ?? "") === "") return;
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: ReadonlyArray<unknown>) => boolean;
  stream.write = ((chunk: unknown, ...rest: ReadonlyArray<unknown>) =>
    write(typeof chunk === "string" ? chunk.replace(ANSI, "") : chunk, ...rest)) as typeof stream.write;
};
plain(process.stdout);
plain(process.stderr);

NodeRuntime.runMain(cli(process.argv, runKeeper).pipe(Effect.provide(NodeContext.layer)), {
  disableErrorReporting: true,
  disablePrettyLogger: true,
  teardown: (exit, onExit) =>
    onExit(Exit.isSuccess(exit) && typeof exit.value === "number" ? exit.value : Exit.isInterrupted(exit) ? 0 : 1),
});
