import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The devnet suite starts anvil and runs the forge deploy script once per file.
    testTimeout: 90_000,
    hookTimeout: 180_000,
  },
});
