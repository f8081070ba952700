import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Suites start a devnet (@tcm/devnet: anvil + the forge deploy) once per file in beforeAll, one graph-node too.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
