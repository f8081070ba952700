import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One anvil and one forge deploy for the file (a few seconds; a cold compile with solc-js up to a minute).
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
