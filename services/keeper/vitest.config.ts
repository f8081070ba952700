import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 300_000,
    // Each file starts its own anvil and some spawn keeper processes: run files one after another so timing-
    // sensitive fault tests are not starved (the whole suite still takes about a minute and a half).
    fileParallelism: false,
    hookTimeout: 180_000,
    // Every test starts its own anvil and deployment, so a rerun is independent of the first try. One rerun absorbs
    // a CI machine starved for seconds (a test whose logic fails, fails twice and is reported).
    retry: 1,
  },
});
