import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The sources' tests only (not compiled copies under out-tsc/); pure functions, no chain: the defaults' limits.
    include: ["test/**/*.test.ts"],
  },
});
