import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One anvil + forge deploy per file in beforeAll; the differential scenario runs in steps (CHUNK actions a test).
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
