import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The end-to-end test runs the whole `npm start` (anvil, forge, gnd, Postgres, keeper, API) in beforeAll hooks,
    // each a step within the limit; the checks are separate tests.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
