/**
 * The keeper's entry point: `node --import tsx services/keeper/src/main.ts run|once [--dry-run]`.
 * Configuration comes only from the environment (see KeeperConfig.ts); exit codes: 0 ok, 1 failures, 2 bad config.
 */
import { NodeRuntime } from "@effect/platform-node";
import { Effect, Layer } from "effect";
import { exitCodeOf, makeMainLive, parseArgs } from "./Worker.js";

const mode = parseArgs(process.argv.slice(2));
const MainLive = "_tag" in mode ? Layer.fail(mode) : makeMainLive(mode);

NodeRuntime.runMain(Layer.launch(MainLive).pipe(Effect.asVoid), {
  disableErrorReporting: true,
  disablePrettyLogger: true,
  teardown: (exit, onExit) => onExit(exitCodeOf(exit)),
});
