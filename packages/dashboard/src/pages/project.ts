import { ApiError, type GqlError, query } from "../api.js";
import { explorer } from "../explorer.js";
import { amount, bps, day, decimal, esc, num, percent, short, time } from "../format.js";
import { emptyChart, figure, message, panel, partialNotice } from "../ui.js";

/** Live chain state (fast): painted first. */
export const PROJECT_LIVE_QUERY = `query DashboardProjectLive($id: ID!) {
  apiVersion { chainId }
  protocol { projectCount }
  project(id: $id) {
    projectId name symbol owner seeded startTime
    launchPriceDecimal spotPriceDecimal referencePriceDecimal
    allocatedPrincipal apr pendingWstEth lockedLiquidity lockedLiquidityValueWstEth polShareDecimal
    contributorBps contributorRecipient
    emittedSupply emissionCap emissionRatePerDay depositorEmissionPerDay decayBps
    token { address decimals totalSupply maxSupply }
    pair { address reserveTokens reserveWstEth lpHeldByMachine totalSupply }
  }
}`;

const STEP_FIELDS = `timestamp transactionHash opening traded wstEthSwapped wstEthAdded deployedWstEth tokensBought tokensAdded liquidityMinted bounty spotPrice poolPrice pendingIn pendingOut`;
const HARVEST_FIELDS = `timestamp transactionHash yieldStEth wstEthWrapped bountyStEth pendingWstEth epoch`;

/** The subgraph's history of the project: filled in when it arrives. */
export const PROJECT_HISTORY_QUERY = `query DashboardProjectHistory($id: ID!) {
  project(id: $id) {
    deployment { harvestedWstEth deployedWstEth stepBountiesWstEth deploymentRatioDecimal deployStepCount }
    totals { cumulativeYieldStEth cumulativeClaimed depositorCount harvestCount deployStepCount }
    daily(first: 100) {
      dayId priceOpen priceHigh priceLow priceClose poolPriceClose reserveTokens reserveWstEth polShareDecimal
      pendingWstEth cumulativeWstEthDeployed emissionScheduled emissionMinted cumulativeClaimed cumulativeContributorClaimed
    }
    harvestPage(first: 100) { totalCount nodes { ${HARVEST_FIELDS} } pageInfo { hasNextPage endCursor } }
    deployStepPage(first: 100) { totalCount nodes { ${STEP_FIELDS} } pageInfo { hasNextPage endCursor } }
  }
}`;

/** Older deploy steps, a page at a time by cursor (the timeline shows up to MAX_STEP_PAGES pages). */
export const PROJECT_STEPS_QUERY = `query DashboardProjectSteps($id: ID!, $after: Cursor) {
  project(id: $id) { deployStepPage(first: 100, after: $after) { nodes { ${STEP_FIELDS} } pageInfo { hasNextPage endCursor } } }
}`;
const MAX_STEP_PAGES = 10;

interface Harvest {
  timestamp: string;
  transactionHash: string;
  yieldStEth: string;
  wstEthWrapped: string;
  bountyStEth: string;
  pendingWstEth: string;
  epoch: string;
}
interface Step {
  timestamp: string;
  transactionHash: string;
  opening: boolean;
  traded: boolean;
  wstEthSwapped: string;
  wstEthAdded: string;
  deployedWstEth: string;
  tokensBought: string;
  tokensAdded: string;
  liquidityMinted: string;
  bounty: string;
  spotPrice: string;
  poolPrice: string;
  pendingIn: string;
  pendingOut: string;
}
interface ProjectDay {
  dayId: number;
  priceOpen: string | null;
  priceHigh: string | null;
  priceLow: string | null;
  priceClose: string | null;
  poolPriceClose: string | null;
  reserveTokens: string;
  reserveWstEth: string;
  polShareDecimal: string | null;
  pendingWstEth: string;
  cumulativeWstEthDeployed: string;
  emissionScheduled: string;
  emissionMinted: string;
  cumulativeClaimed: string;
  cumulativeContributorClaimed: string;
}
interface Paged<T> {
  totalCount?: number;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
interface History {
  deployment: {
    harvestedWstEth: string;
    deployedWstEth: string;
    stepBountiesWstEth: string;
    deploymentRatioDecimal: string | null;
    deployStepCount: number;
  } | null;
  totals: {
    cumulativeYieldStEth: string;
    cumulativeClaimed: string;
    depositorCount: number;
    harvestCount: number;
    deployStepCount: number;
  } | null;
  daily: ProjectDay[] | null;
  harvestPage: Paged<Harvest> | null;
  deployStepPage: Paged<Step> | null;
}
interface Live {
  projectId: number;
  name: string;
  symbol: string;
  owner: string;
  seeded: boolean;
  startTime: string;
  launchPriceDecimal: string;
  spotPriceDecimal: string | null;
  referencePriceDecimal: string | null;
  allocatedPrincipal: string;
  apr: number | null;
  pendingWstEth: string;
  lockedLiquidity: string;
  lockedLiquidityValueWstEth: string;
  polShareDecimal: string | null;
  contributorBps: number;
  contributorRecipient: string;
  emittedSupply: string;
  emissionCap: string;
  emissionRatePerDay: string;
  depositorEmissionPerDay: string;
  decayBps: number;
  token: { address: string; decimals: number; totalSupply: string; maxSupply: string };
  pair: { address: string; reserveTokens: string; reserveWstEth: string; lpHeldByMachine: string; totalSupply: string };
}
export interface ProjectLive {
  apiVersion: { chainId: number };
  protocol: { projectCount: number };
  project: Live | null;
}
export interface ProjectHistory {
  project: History | null;
}

const NO_HISTORY: History = { deployment: null, totals: null, daily: null, harvestPage: null, deployStepPage: null };
const WAIT = `<span class="muted">…</span>`;

const link = (base: string | undefined, kind: "address" | "tx", hex: string, label = short(hex)) =>
  base === undefined
    ? `<code title="${esc(hex)}">${esc(label)}</code>`
    : `<a href="${base}/${kind}/${esc(hex)}" target="_blank" rel="noopener"><code>${esc(label)}</code></a>`;

const html = (p: Live & History, chainId: number, partial: ReadonlyArray<GqlError>, loading: boolean) => {
  const base = explorer(chainId);
  const d = p.deployment;
  const dec = p.token.decimals;
  const later = (text: string) => (loading ? WAIT : text);
  return `
    <h1><b>${esc(p.symbol)}</b> ${esc(p.name)} <span class="sub">project ${p.projectId}</span></h1>
    ${partialNotice(partial)}
    <p class="links">token ${link(base, "address", p.token.address)} · pair ${link(base, "address", p.pair.address)} · owner ${link(base, "address", p.owner)}${
      base === undefined ? ` <span class="muted">(no block explorer on chain ${chainId})</span>` : ""
    }</p>
    <div class="figures">
      ${figure("price", "Price", p.seeded ? `${decimal(p.spotPriceDecimal, 4)} <small>wstETH</small>` : `<span class="muted">pool not open</span>`, `launch ${decimal(p.launchPriceDecimal, 6)} · trusted ${decimal(p.referencePriceDecimal, 6)}`)}
      ${figure("pol", "POL value", `${amount(p.lockedLiquidityValueWstEth)} <small>wstETH</small>`, `the machine's LP, locked forever: ${amount(p.pair.lpHeldByMachine)} LP`)}
      ${figure("pol-share", "POL share", p.polShareDecimal === null ? `<span class="muted">no pool yet</span>` : percent(p.polShareDecimal, 4), `of the pool's ${amount(p.pair.totalSupply)} LP is the machine's`)}
      ${figure("depth", "Pool depth", `${amount(p.pair.reserveWstEth)} <small>wstETH</small>`, `${amount(p.pair.reserveTokens, dec)} ${esc(p.symbol)}`)}
      ${figure("ratio", "Deployment ratio", later(percent(d?.deploymentRatioDecimal)), later(`${amount(d?.deployedWstEth)} of ${amount(d?.harvestedWstEth)} wstETH harvested`))}
      ${figure("pending", "Pending wstETH", amount(p.pendingWstEth), `waiting for the next deploy steps${loading ? "" : `; bounties paid ${amount(d?.stepBountiesWstEth)}`}`)}
      ${figure("allocated", "Allocated principal", `${amount(p.allocatedPrincipal)} <small>stETH</small>`, `${loading ? "" : `${p.totals?.depositorCount ?? "—"} depositors · `}APR ${p.apr === null ? "—" : percent(p.apr)}`)}
      ${figure("contributors", "Contributor share", bps(p.contributorBps), `of emissions, to ${link(base, "address", p.contributorRecipient)}`)}
      ${figure("emission", "Emission per day", `${amount(p.emissionRatePerDay, dec)} <small>${esc(p.symbol)}</small>`, `${amount(p.depositorEmissionPerDay, dec)} to depositors · decay ${bps(p.decayBps)} a day`)}
    </div>
    <div class="panels">
      ${panel("project-price", "Price, daily candles", `spot before each deploy step (open, high, low, close of the day's steps), wstETH per ${esc(p.symbol)}; dashed orange: the launch price ${decimal(p.launchPriceDecimal, 6)}`)}
      ${panel("project-depth", "Pool depth and POL share", "the pair's reserves and the machine's share of its LP at each day's close")}
      ${panel(
        "project-timeline",
        "Harvests and deploy steps",
        later(
          `the pending wstETH after each event (${countOf(p.harvestPage, "harvest")}, ${countOf(p.deployStepPage, "deploy step")}); hover for its numbers, scroll to zoom`,
        ),
        true,
      )}
      ${panel("project-pending", "Pending vs deployed", "wstETH at each day's close")}
      ${panel(
        "project-emissions",
        "Emissions: schedule vs minted",
        `${esc(p.symbol)} the schedule allows by each day's close and what was minted (claimed by depositors, and the contributor share to its recipient); the cap is ${amount(p.emissionCap, dec, 0)}`,
      )}
    </div>`;
};

const countOf = (page: Paged<unknown> | null, what: string) =>
  page === null || page.totalCount === undefined
    ? `no ${what}s`
    : `${page.totalCount} ${what}${page.totalCount === 1 ? "" : "s"}`;

export const renderProject = async (app: HTMLElement, id: string, painted: () => void) => {
  const historyAnswer = query<ProjectHistory>(PROJECT_HISTORY_QUERY, { id }).then(
    (answer) => answer,
    (error: unknown) => ({
      data: undefined,
      partial: [{ message: error instanceof Error ? error.message : String(error) }],
    }),
  );
  const { data, partial } = await query<ProjectLive>(PROJECT_LIVE_QUERY, { id });
  const live = data.project;
  // A bad id (not a number) comes back as a null project with an error naming the input.
  if (live === null && partial.length > 0) throw new ApiError(partial.map((e) => e.message).join("; "), 200, partial);
  if (live === null) {
    app.innerHTML = message(
      "empty",
      `No project ${id}`,
      data.protocol.projectCount === 0
        ? "The machine has no projects yet."
        : `The machine has ${data.protocol.projectCount} project${data.protocol.projectCount === 1 ? "" : "s"} (ids 1 to ${data.protocol.projectCount}). <a href="#/">See them all</a>.`,
    );
    return undefined;
  }
  app.innerHTML = html({ ...live, ...NO_HISTORY }, data.apiVersion.chainId, partial, true);
  painted();
  const history = await historyAnswer;
  const p = { ...live, ...(history.data?.project ?? NO_HISTORY) };
  app.innerHTML = html(p, data.apiVersion.chainId, [...partial, ...history.partial], false);
  const dec = p.token.decimals;
  const days = [...(p.daily ?? [])].reverse();
  // Older deploy steps by cursor, so the timeline reaches back beyond the newest 100 (up to MAX_STEP_PAGES pages).
  const stepsNewestFirst = [...(p.deployStepPage?.nodes ?? [])];
  let next = p.deployStepPage?.pageInfo.hasNextPage ? p.deployStepPage.pageInfo.endCursor : null;
  for (let pages = 1; next !== null && pages < MAX_STEP_PAGES; pages++) {
    const more = await query<{ project: { deployStepPage: Paged<Step> | null } | null }>(PROJECT_STEPS_QUERY, {
      id,
      after: next,
    }).catch(() => undefined);
    const page = more?.data.project?.deployStepPage;
    if (page === undefined || page === null) break;
    stepsNewestFirst.push(...page.nodes);
    next = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  }
  const harvests = [...(p.harvestPage?.nodes ?? [])].reverse();
  const steps = stepsNewestFirst.reverse();

  return async () => {
    const { TIME_LABELS, draw } = await import("../charts.js");
    if (days.length === 0) {
      for (const name of ["project-price", "project-depth", "project-pending", "project-emissions"])
        emptyChart(app, name, "No history yet for this project.");
    } else {
      const labels = days.map((x) => day(x.dayId));
      const price = (v: string | null) => (v === null ? "-" : Number(v));
      const launch = Number(p.launchPriceDecimal);
      draw(app, "project-price", {
        legend: { show: false },
        tooltip: {
          trigger: "axis",
          formatter: (items: Array<{ dataIndex: number }>) => {
            const d = days[items[0]!.dataIndex]!;
            return d.priceOpen === null
              ? `<b>${day(d.dayId)}</b><br>no deploy step after the opening`
              : `<b>${day(d.dayId)}</b> · wstETH per ${esc(p.symbol)}<br>open ${decimal(d.priceOpen, 6)} · high ${decimal(d.priceHigh, 6)}<br>low ${decimal(d.priceLow, 6)} · close ${decimal(d.priceClose, 6)}`;
          },
        },
        xAxis: { type: "category", data: labels },
        // From 0, so moves read at their true size and the launch price's line is in view (above every candle when
        // the price fell below it).
        yAxis: {
          type: "value",
          min: 0,
          ...(days.every((x) => x.priceHigh === null || Number(x.priceHigh) < launch) ? { max: launch * 1.2 } : {}),
          axisLabel: { formatter: (v: number) => decimal(String(v), 4) },
        },
        series: [
          {
            name: "price",
            type: "candlestick",
            barMaxWidth: 18,
            // ECharts' order: open, close, low, high.
            data: days.map((x) => [price(x.priceOpen), price(x.priceClose), price(x.priceLow), price(x.priceHigh)]),
            itemStyle: { color: "#16a34a", color0: "#dc2626", borderColor: "#16a34a", borderColor0: "#dc2626" },
            markLine: {
              symbol: "none",
              silent: true,
              lineStyle: { type: "dashed", color: "#f59e0b", width: 1.5 },
              label: { formatter: "launch price", position: "insideEndTop", color: "#b45309" },
              data: [{ name: "launch price", yAxis: launch }],
            },
          },
        ],
      });
      draw(app, "project-depth", {
        xAxis: { type: "category", data: labels },
        yAxis: [
          { type: "value", name: "wstETH" },
          {
            type: "value",
            name: "POL share",
            min: 0,
            max: 1,
            splitLine: { show: false },
            axisLabel: { formatter: (v: number) => percent(v, 0) },
          },
        ],
        tooltip: {
          trigger: "axis",
          valueFormatter: (v: unknown) => (v === null || v === undefined ? "—" : decimal(String(v))),
        },
        series: [
          {
            name: "wstETH reserve",
            type: "line",
            areaStyle: { opacity: 0.1 },
            data: days.map((x) => num(x.reserveWstEth)),
          },
          {
            name: "POL share",
            type: "line",
            step: "end",
            yAxisIndex: 1,
            lineStyle: { type: "dashed" },
            data: days.map((x) => (x.polShareDecimal === null ? null : Number(x.polShareDecimal))),
            tooltip: { valueFormatter: (v: unknown) => (v === null || v === undefined ? "—" : percent(Number(v), 4)) },
          },
        ],
      });
      draw(app, "project-pending", {
        xAxis: { type: "category", data: labels },
        yAxis: { type: "value", name: "wstETH" },
        tooltip: { trigger: "axis", valueFormatter: (v: unknown) => `${decimal(String(v))} wstETH` },
        series: [
          {
            name: "deployed (since launch)",
            type: "line",
            areaStyle: { opacity: 0.12 },
            data: days.map((x) => num(x.cumulativeWstEthDeployed)),
          },
          { name: "pending", type: "bar", barMaxWidth: 18, data: days.map((x) => num(x.pendingWstEth)) },
        ],
      });
      draw(app, "project-emissions", {
        xAxis: { type: "category", data: labels },
        yAxis: { type: "value", name: p.symbol, axisLabel: { formatter: (v: number) => decimal(String(v), 0) } },
        tooltip: { trigger: "axis", valueFormatter: (v: unknown) => `${decimal(String(v), 2)} ${p.symbol}` },
        series: [
          {
            name: "schedule",
            type: "line",
            lineStyle: { type: "dashed" },
            data: days.map((x) => num(x.emissionScheduled, dec)),
          },
          {
            name: "minted",
            type: "line",
            areaStyle: { opacity: 0.12 },
            data: days.map((x) => num(x.emissionMinted, dec)),
          },
          {
            name: "to contributors",
            type: "line",
            data: days.map((x) => num(x.cumulativeContributorClaimed, dec)),
          },
        ],
      });
    }
    if (harvests.length === 0 && steps.length === 0)
      emptyChart(app, "project-timeline", "No harvests or deploy steps yet.");
    else {
      const harvestTip = (h: Harvest) =>
        `<b>harvest</b> · ${time(h.timestamp)}<br>yield ${amount(h.yieldStEth)} stETH (bounty ${amount(h.bountyStEth)})<br>wrapped ${amount(h.wstEthWrapped)} wstETH<br>pending after ${amount(h.pendingWstEth)} wstETH`;
      const stepTip = (s: Step) =>
        `<b>${s.opening ? "opening step" : "deploy step"}</b>${s.traded ? " (traded)" : ""} · ${time(s.timestamp)}<br>deployed ${amount(s.deployedWstEth)} wstETH: swapped ${amount(s.wstEthSwapped)} for ${amount(s.tokensBought, dec)} ${esc(p.symbol)}, added ${amount(s.wstEthAdded)} + ${amount(s.tokensAdded, dec)} ${esc(p.symbol)}<br>pending ${amount(s.pendingIn)} → ${amount(s.pendingOut)} wstETH<br>LP minted ${amount(s.liquidityMinted)} · bounty ${amount(s.bounty)} wstETH<br>spot before ${amount(s.spotPrice, 18, 6)} · pool price after ${amount(s.poolPrice, 18, 6)}`;
      draw(app, "project-timeline", {
        tooltip: {
          trigger: "item",
          formatter: (item: { seriesIndex: number; dataIndex: number }) =>
            item.seriesIndex === 0 ? harvestTip(harvests[item.dataIndex]!) : stepTip(steps[item.dataIndex]!),
        },
        xAxis: { type: "time", axisLabel: TIME_LABELS },
        yAxis: { type: "value", name: "wstETH" },
        dataZoom: [{ type: "inside" }],
        series: [
          {
            name: "harvests",
            type: "scatter",
            symbolSize: 10,
            data: harvests.map((h) => [Number(h.timestamp) * 1000, num(h.pendingWstEth)]),
          },
          {
            name: "deploy steps",
            type: "scatter",
            symbol: "diamond",
            symbolSize: 8,
            data: steps.map((s) => [Number(s.timestamp) * 1000, num(s.pendingOut)]),
          },
        ],
      });
    }
  };
};
