import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each CLI run is a child process (the bundle starts in ≈ 0.5 s, from source through tsx in seconds); the chain
    // suite deploys once per file. Generous limits: CI shares two cores with the other packages' processes.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
