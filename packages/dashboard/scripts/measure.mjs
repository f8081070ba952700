#!/usr/bin/env node
// Times the dashboard's first visit against a running API (e.g. `npm start`) and saves screenshots:
//   node packages/dashboard/scripts/measure.mjs [http://127.0.0.1:4000/] [out-dir] [account]
// Prints, per page, first contentful paint, the figures (first meaningful paint) and the charts, in ms.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const base = (process.argv[2] ?? "http://127.0.0.1:4000/").replace(/\/?$/, "/");
const out = process.argv[3] ?? "packages/dashboard/test-artifacts/measure";
const account = process.argv[4];
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const pages = [
    ["protocol", "#/"],
    ["project", "#/project/1"],
    ...(account ? [["account", `#/account/${account}`]] : []),
  ];
  for (const [name, hash] of pages) {
    // Each a first visit: a fresh context, nothing cached.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}${hash}`);
    await page.waitForSelector("body[data-state=ready], body[data-state=error], body[data-state=empty]", {
      timeout: 30_000,
    });
    const t = await page.evaluate(() => ({
      state: document.body.dataset.state,
      fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
      figures: performance.getEntriesByName("tcm:figures")[0]?.startTime,
      charts: performance.getEntriesByName("tcm:charts")[0]?.startTime,
    }));
    const ms = (x) => (x === undefined ? "—" : `${x.toFixed(0)} ms`);
    console.log(
      `${name.padEnd(9)} ${t.state}: first contentful paint ${ms(t.fcp)}, figures ${ms(t.figures)}, charts ${ms(t.charts)}`,
    );
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    await context.close();
  }
} finally {
  await browser.close();
}
