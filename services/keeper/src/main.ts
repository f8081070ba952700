/**
 * The keeper's entry point: `node --import tsx services/keeper/src/main.ts run|once [--dry-run]`.
 * Configuration comes only from the environment (see KeeperConfig.ts); exit codes: 0 ok, 1 failures, 2 bad config
 * or usage.
 */
import { NodeContext, NodeRuntime } from "@effect/platform-node";
import { Effect, Exit } from "effect";
import { cli, runKeeper } from "./Worker.js";

NodeRuntime.runMain(cli(process.argv, runKeeper).pipe(Effect.provide(NodeContext.layer)), {
  disableErrorReporting: true,
  disablePrettyLogger: true,
  teardown: (exit, onExit) =>
    onExit(Exit.isSuccess(exit) && typeof exit.value === "number" ? exit.value : Exit.isInterrupted(exit) ? 0 : 1),
});
