import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One suite: a devnet, three simulated days indexed by graph-node, the API, headless Chromium (≈ 40 s of set-up
    // alone, in three hooks that each stay within the limit on a busy machine).
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
