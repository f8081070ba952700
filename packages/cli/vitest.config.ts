import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each CLI run is a child process (the bundle starts in ≈ 0.5 s); a file's devnet (anvil + forge deploy, seconds)
    // comes up once in beforeAll. The limits hold on two busy cores; a test that needs more is split.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
