import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One suite: anvil, a few simulated days, graph-node indexing them, the API, headless Chromium.
    testTimeout: 60_000,
    hookTimeout: 110_000,
  },
});
