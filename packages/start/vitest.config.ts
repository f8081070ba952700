import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The end-to-end test runs the whole `npm start` (anvil, forge, gnd, Postgres, keeper, API).
    testTimeout: 400_000,
    hookTimeout: 180_000,
  },
});
