import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Suites start anvil and run the forge deploy script once per file (and one starts graph-node).
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
