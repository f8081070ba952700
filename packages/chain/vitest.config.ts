import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The devnet suites start anvil and run the forge deploy script once per file (seconds; a cold compile more).
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
