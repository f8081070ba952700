import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    // Each file starts its own anvil and some spawn keeper processes: run files one after another so timing-
    // sensitive fault tests are not starved (the whole suite still takes about a minute and a half).
    fileParallelism: false,
    hookTimeout: 120_000,
    // No retries: the hangs a rerun used to absorb were forge script's batched broadcast to anvil (now --slow).
  },
});
