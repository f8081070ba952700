/**
 * The dashboard in headless Chromium against a devnet with history: anvil with the three demo projects, three simulated
 * days (deposits, rebases, harvests, deploy steps, trades, claims: the `npm start` simulation), graph-node (gnd)
 * indexing them, and the API serving the built dashboard at `/`. Each page's charts must hold the values the API
 * returns for the same fields; an unknown project and a malformed address must say so in words. Screenshots go to
 * test-artifacts/.
 */
import { type Indexer, waitForSync } from "@tcm/devnet/promise";
import { Option } from "effect";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type Page, chromium } from "playwright-core";
import { createPublicClient, formatUnits, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Api,
  type Chain,
  data,
  gql,
  startApi,
  startChain,
  startSubgraph,
} from "../../../services/api/test/harness.js";
import { planDepositors, simulate } from "../../start/src/simulation.js";
import { API_SUMMARY_QUERY } from "../../start/src/summary.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const artifacts = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
const executablePath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const built = existsSync(fileURLToPath(new URL("../dist/index.html", import.meta.url)));
const available =
  existsSync(executablePath) &&
  existsSync(join(root, "node_modules/.bin/gnd")) &&
  spawnSync("psql", ["--version"], { encoding: "utf8" }).status === 0;

const DAYS = 3;
const DEPOSITORS = 8;
/** A depositor of day 0 who claims on the last day (the simulation's first six do). */
const depositor = planDepositors(DEPOSITORS, 3, DAYS)[0]!;

/** wei as the number a chart holds. */
const n = (raw: string, decimals = 18) => Number(formatUnits(BigInt(raw), decimals));

interface Series {
  name: string;
  type: string;
  data: unknown[];
}

// Skipped only off CI on a machine without them; in CI (CI=true, what .ci/run sets) a missing prerequisite fails.
describe.skipIf(!available && !process.env["CI"])("the dashboard in a browser, against a devnet with history", () => {
  let chain: Chain;
  let api: Api;
  let node: Indexer & { readonly close: () => Promise<void> };
  let browser: Browser;
  let page: Page;
  const workDir = `test/.e2e-dashboard-${process.pid}`;

  // The set-up in steps, each a hook of its own within the hook time limit.
  beforeAll(async () => {
    expect(
      built,
      "packages/dashboard/dist is missing: the nx test target builds it first (npx nx run dashboard:test)",
    ).toBe(true);
    mkdirSync(artifacts, { recursive: true });
    chain = await startChain();
    // graph-node starts (and indexes as blocks arrive) while the days are simulated.
    node = await startSubgraph(chain, workDir, { waitReady: false });
  });

  beforeAll(async () => {
    await simulate({
      rpcUrl: chain.node.url,
      deployment: chain.deployment,
      deploymentFile: chain.deploymentFile,
      days: DAYS,
      depositors: DEPOSITORS,
      stepsPerDay: 3,
      keeperRunning: () => false,
      log: () => {},
    });
    const head = await createPublicClient({ transport: http(chain.node.url) }).getBlockNumber({ cacheTime: 0 });
    await waitForSync(node, head, 90_000);
  });

  beforeAll(async () => {
    api = await startApi(chain, { subgraphUrl: Option.some(new URL(node.graphql)), subgraphMaxLagBlocks: 0 });
    // As under `npm start`, whose summary is read from the API before it prints the dashboard's URL.
    await data(api, API_SUMMARY_QUERY);
    browser = await chromium.launch({
      executablePath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await node?.close();
    await chain?.stop();
  });

  /** Opens a page of the dashboard and waits until it settles (ready, empty or error). */
  const open = async (hash: string, target: Page = page) => {
    // A hash-only navigation keeps the document: mark the old page's state stale so its answer is not taken.
    if (target.url().startsWith(api.url)) await target.evaluate(() => (document.body.dataset["state"] = "stale"));
    await target.goto(`${api.url}/${hash}`);
    await target.waitForSelector("body[data-state=ready], body[data-state=error], body[data-state=empty]", {
      timeout: 20_000,
    });
    return target.evaluate(() => document.body.dataset["state"]);
  };
  const series = (name: string, target: Page = page) =>
    target.evaluate((chart) => {
      const instance = window.__tcmCharts[chart];
      if (instance === undefined) throw new Error(`no chart ${chart}`);
      return (instance.getOption() as { series: Series[] }).series.map((s) => ({
        name: s.name,
        type: s.type,
        data: s.data,
      }));
    }, name) as Promise<Series[]>;
  const axis = (name: string, target: Page = page) =>
    target.evaluate(
      (chart) => (window.__tcmCharts[chart]!.getOption() as { xAxis: Array<{ data?: string[] }> }).xAxis[0]!.data,
      name,
    );
  const text = (selector: string) => page.locator(selector).innerText();
  const shot = (name: string, target: Page = page) =>
    target.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

  it("serves the dashboard at / and its assets, same origin as /graphql", async () => {
    const index = await fetch(`${api.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toContain("text/html");
    const html = await index.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${api.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toContain("javascript");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${api.url}/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${api.url}/assets/nope.js`)).status).toBe(404);
  });

  it("protocol page: figures first (timed), charts hold the API's daily history", async () => {
    // A first visit: a new browser context (no cached assets), the API as `npm start` leaves it.
    const visitor = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const first = await visitor.newPage();
      expect(await open("#/", first)).toBe("ready");
      const timing = await first.evaluate(() => ({
        fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null,
        figures: performance.getEntriesByName("tcm:figures")[0]?.startTime ?? null,
        charts: performance.getEntriesByName("tcm:charts")[0]?.startTime ?? null,
        queries: performance
          .getEntriesByType("resource")
          .filter((e) => e.name.endsWith("/graphql"))
          .map((e) => e.duration.toFixed(0)),
        chartsRequested:
          performance.getEntriesByType("resource").find((e) => /\/assets\/charts-[^/]+\.js$/.test(e.name))?.startTime ??
          null,
      }));
      process.stdout.write(
        `dashboard protocol page, first visit: first contentful paint ${timing.fcp?.toFixed(0)} ms, figures ${timing.figures?.toFixed(0)} ms, ` +
          `charts ${timing.charts?.toFixed(0)} ms (GraphQL answers: live ${timing.queries[1] ?? "?"} ms, history ${timing.queries[0] ?? "?"} ms)\n`,
      );
      // First meaningful paint: the headline figures, filled from the API's answer. Under `npm start` on a quiet
      // machine it is 0.2–0.6 s (scripts/measure.mjs); the bound here leaves room for a busy test machine, and the
      // order below is what keeps it fast: ECharts (~600 kB) is fetched only after the figures are on screen.
      expect(timing.figures).not.toBeNull();
      expect(timing.figures!).toBeLessThan(2_000);
      expect(timing.chartsRequested).not.toBeNull();
      expect(timing.chartsRequested!).toBeGreaterThanOrEqual(timing.figures!);
    } finally {
      await visitor.close();
    }
    expect(await open("#/")).toBe("ready");
    const r = await data(
      api,
      `{ protocol { totalPrincipal projectCount totals { depositorCount deploymentRatioDecimal }
      daily(first: 100) { dayId deploymentRatioDecimal dailyWstEthWrapped dailyWstEthDeployed totalPrincipal depositorCount projectCount inDeficit } } }`,
    );
    const days = [...r.protocol.daily].reverse();
    expect(days.length).toBeGreaterThanOrEqual(DAYS);
    expect(await axis("protocol-ratio")).toEqual(
      days.map((d: { dayId: number }) => new Date(d.dayId * 86_400_000).toISOString().slice(0, 10)),
    );
    const [ratio] = await series("protocol-ratio");
    expect(ratio!.data).toEqual(
      days.map((d: { deploymentRatioDecimal: string | null }) =>
        d.deploymentRatioDecimal === null ? null : Number(d.deploymentRatioDecimal),
      ),
    );
    // Yield reached the pools: a ratio above 0 on the last day.
    expect(ratio!.data.at(-1)).toBeGreaterThan(0);
    const flows = await series("protocol-flows");
    expect(flows.map((s) => s.name)).toEqual(["harvested", "deployed"]);
    expect(flows[0]!.data).toEqual(days.map((d: { dailyWstEthWrapped: string }) => n(d.dailyWstEthWrapped)));
    expect(flows[1]!.data).toEqual(days.map((d: { dailyWstEthDeployed: string }) => n(d.dailyWstEthDeployed)));
    expect(flows[0]!.data.some((v) => (v as number) > 0)).toBe(true);
    const principal = await series("protocol-principal");
    expect(principal[0]!.data).toEqual(days.map((d: { totalPrincipal: string }) => n(d.totalPrincipal)));
    expect(principal[1]!.data).toEqual(days.map((d: { depositorCount: number }) => d.depositorCount));
    expect(principal[2]!.data).toEqual(days.map((d: { projectCount: number }) => d.projectCount));
    // Deficit periods: the simulation's negative rebase at the end of its day 2 puts the machine in deficit until the
    // next positive rebase; each run of such days is one red band, from the close before its first day to its last
    // day's close, on the deployment ratio's chart.
    const flags = days.map((d: { inDeficit: boolean | null }) => d.inDeficit);
    expect(flags).toContain(true);
    expect(flags.at(-1)).toBe(false);
    const labels = days.map((d: { dayId: number }) => new Date(d.dayId * 86_400_000).toISOString().slice(0, 10));
    const bands: Array<[string, string]> = [];
    flags.forEach((flag: boolean | null, i: number) => {
      if (flag === true && flags[i - 1] !== true) bands.push([labels[Math.max(i - 1, 0)]!, labels[i]!]);
      else if (flag === true) bands.at(-1)![1] = labels[i]!;
    });
    for (const chart of ["protocol-ratio"]) {
      const drawn = await page.evaluate(
        (name) =>
          (
            window.__tcmCharts[name]!.getOption() as {
              series: Array<{ markArea?: { data: Array<[{ xAxis: string }, { xAxis: string }]> } }>;
            }
          ).series[0]!.markArea!.data.map(([from, to]) => [from.xAxis, to.xAxis]),
        chart,
      );
      expect(drawn, chart).toEqual(bands);
    }
    // Headline figures and the projects table.
    expect(await text("[data-figure=depositors] .value")).toBe(String(r.protocol.totals.depositorCount));
    expect(await text("[data-figure=projects] .value")).toBe(String(r.protocol.projectCount));
    expect(await page.locator("table[data-table=projects] tbody tr").count()).toBe(r.protocol.projectCount);
    await shot("protocol");
  });

  it("project page: price with the launch price, depth, harvests and steps, pending vs deployed, emissions", async () => {
    expect(await open("#/project/1")).toBe("ready");
    const r = await data(
      api,
      `{ project(id: "1") { symbol launchPriceDecimal polShareDecimal token { totalSupply decimals }
      daily(first: 100) { dayId priceOpen priceHigh priceLow priceClose reserveWstEth polShareDecimal pendingWstEth
        cumulativeWstEthDeployed emissionScheduled emissionMinted cumulativeContributorClaimed }
      harvests(first: 100) { timestamp pendingWstEth } deploySteps(first: 100) { timestamp pendingOut } } }`,
    );
    const p = r.project;
    const days = [...p.daily].reverse();
    expect(days.length).toBeGreaterThanOrEqual(DAYS);
    // Daily candles (ECharts' order: open, close, low, high; "-" on a day without a step after the opening) and the
    // launch price as a line across them.
    const price = (v: string | null) => (v === null ? "-" : Number(v));
    const [candles] = await series("project-price");
    expect(candles!.type).toBe("candlestick");
    expect(candles!.data).toEqual(
      days.map((d: Record<string, string | null>) => [
        price(d["priceOpen"]!),
        price(d["priceClose"]!),
        price(d["priceLow"]!),
        price(d["priceHigh"]!),
      ]),
    );
    expect(candles!.data.filter((c) => (c as unknown[])[0] !== "-").length).toBeGreaterThan(0);
    const launch = await page.evaluate(
      () =>
        (
          window.__tcmCharts["project-price"]!.getOption() as {
            series: Array<{ markLine: { data: Array<{ yAxis: number }> } }>;
          }
        ).series[0]!.markLine.data[0]!.yAxis,
    );
    expect(launch).toBe(Number(p.launchPriceDecimal));
    const depth = await series("project-depth");
    expect(depth[0]!.data).toEqual(days.map((d: { reserveWstEth: string }) => n(d.reserveWstEth)));
    expect(depth[1]!.data).toEqual(
      days.map((d: { polShareDecimal: string | null }) =>
        d.polShareDecimal === null ? null : Number(d.polShareDecimal),
      ),
    );
    expect(await text("[data-figure=pol-share] .value")).toMatch(/%$/);
    const emissions = await series("project-emissions");
    expect(emissions.map((e) => e.name)).toEqual(["schedule", "minted", "to contributors"]);
    expect(emissions[0]!.data).toEqual(days.map((d: { emissionScheduled: string }) => n(d.emissionScheduled)));
    expect(emissions[1]!.data).toEqual(days.map((d: { emissionMinted: string }) => n(d.emissionMinted)));
    expect(emissions[2]!.data).toEqual(
      days.map((d: { cumulativeContributorClaimed: string }) => n(d.cumulativeContributorClaimed)),
    );
    expect(emissions[1]!.data.at(-1)).toBeGreaterThan(0);
    const timeline = await series("project-timeline");
    const harvests = [...p.harvests].reverse();
    const steps = [...p.deploySteps].reverse();
    expect(harvests.length).toBeGreaterThanOrEqual(DAYS);
    expect(steps.length).toBeGreaterThan(DAYS);
    expect(timeline[0]!.data).toEqual(
      harvests.map((h: { timestamp: string; pendingWstEth: string }) => [
        Number(h.timestamp) * 1000,
        n(h.pendingWstEth),
      ]),
    );
    expect(timeline[1]!.data).toEqual(
      steps.map((s: { timestamp: string; pendingOut: string }) => [Number(s.timestamp) * 1000, n(s.pendingOut)]),
    );
    const pending = await series("project-pending");
    expect(pending[0]!.data).toEqual(
      days.map((d: { cumulativeWstEthDeployed: string }) => n(d.cumulativeWstEthDeployed)),
    );
    expect(pending[1]!.data).toEqual(days.map((d: { pendingWstEth: string }) => n(d.pendingWstEth)));
    await shot("project");
    // Hovering a deploy step shows its numbers.
    await page.evaluate(() =>
      window.__tcmCharts["project-timeline"]!.dispatchAction({ type: "showTip", seriesIndex: 1, dataIndex: 0 }),
    );
    await expect
      .poll(() => page.locator(".panel.wide").innerText())
      .toMatch(/opening step[\s\S]*deployed [\d.,]+ wstETH[\s\S]*LP minted/);
    // A phone: one column, nothing wider than the screen.
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    try {
      expect(await open("#/project/1", phone)).toBe("ready");
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot("project-phone", phone);
      // What a phone shows first (390 × 844, no scrolling).
      await phone.screenshot({ path: join(artifacts, "project-phone-first-screen.png") });
    } finally {
      await phone.close();
    }
  });

  it("account page: position, split, pending rewards per project, claim history", async () => {
    expect(await open(`#/account/${depositor.address}`)).toBe("ready");
    const r = await data(
      api,
      `query($a: Address!) { account(address: $a) { principal allocations { bps pendingRewards project { symbol token { decimals } } } claims(first: 100) { timestamp projectId amount } } }`,
      { a: depositor.address },
    );
    const a = r.account;
    expect(a.allocations.map((x: { bps: number }) => x.bps)).toEqual(depositor.allocation.map((x) => x.bps));
    const [split] = await series("account-split");
    expect(split!.data).toEqual(
      a.allocations.map((x: { bps: number; project: { symbol: string } }) => ({
        name: x.project.symbol,
        value: x.bps,
      })),
    );
    const [pending] = await series("account-pending");
    expect(pending!.data).toEqual(
      a.allocations.map((x: { pendingRewards: string; project: { token: { decimals: number } } }) =>
        n(x.pendingRewards, x.project.token.decimals),
      ),
    );
    expect(a.claims.length).toBeGreaterThan(0);
    const claims = await series("account-claims");
    const drawn = claims.flatMap((s) => s.data as Array<[number, number]>).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const expected = a.claims
      .map((c: { timestamp: string; amount: string }) => [Number(c.timestamp) * 1000, n(c.amount)] as [number, number])
      .sort((x: [number, number], y: [number, number]) => x[0] - y[0] || x[1] - y[1]);
    expect(drawn).toEqual(expected);
    expect(await text("[data-figure=principal] .value")).toContain(formatUnits(BigInt(a.principal), 18).slice(0, 3));
    await shot("account");
  });

  it("an unknown project and a malformed address say so in words", async () => {
    expect(await open("#/project/99")).toBe("empty");
    expect(await text("[data-message]")).toMatch(/No project 99[\s\S]*The machine has 3 projects/);
    await shot("project-unknown");

    expect(await open("#/project/abc")).toBe("error");
    expect(await text("[data-message=error]")).toMatch(/No project “abc”[\s\S]*non-negative integer/);

    expect(await open("#/account/0x1234")).toBe("error");
    const shown = await text("[data-message=error]");
    expect(shown).toMatch(/“0x1234” is not an account address/);
    // The API's own message, naming the input.
    const api400 = await gql(api, `query($address: Address!) { account(address: $address) { principal } }`, {
      address: "0x1234",
    });
    expect(api400.status).toBe(400);
    expect(shown).toContain(api400.body.errors![0]!.message);
    await shot("account-malformed");

    const nobody = "0x000000000000000000000000000000000000dEaD";
    expect(await open(`#/account/${nobody}`)).toBe("ready");
    expect(await text("[data-message=empty]")).toMatch(/No position/);
  });
});
