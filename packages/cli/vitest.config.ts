import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each CLI run is a child process (tsx start-up ≈ 1 s); the chain suite deploys once per file.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
