import { defineConfig } from "vite";

// Static assets the API serves at `/` (index.html) and `/assets/*` (hashed, cacheable). No CDN: everything is bundled.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    assetsDir: "assets",
    // ECharts is the bulk of the bundle; it loads after the figures (see src/charts.ts).
    chunkSizeWarningLimit: 900,
  },
});
