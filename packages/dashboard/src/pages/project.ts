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
    allocatedPrincipal apr pendingWstEth lockedLiquidity lockedLiquidityValueWstEth
    contributorBps contributorRecipient
    emittedSupply emissionCap emissionRatePerDay depositorEmissionPerDay decayBps
    token { address decimals totalSupply maxSupply }
    pair { address reserveTokens reserveWstEth lpHeldByMachine totalSupply }
  }
}`;

/** The subgraph's history of the project: filled in when it arrives. */
export const PROJECT_HISTORY_QUERY = `query DashboardProjectHistory($id: ID!) {
  project(id: $id) {
    deployment { harvestedWstEth deployedWstEth stepBountiesWstEth deploymentRatioDecimal deployStepCount }
    totals { cumulativeYieldStEth cumulativeClaimed depositorCount harvestCount deployStepCount }
    daily(first: 100) { dayId poolPriceClose reserveTokens reserveWstEth pendingWstEth cumulativeWstEthDeployed cumulativeWstEthWrapped }
    harvests(first: 100) { timestamp transactionHash yieldStEth wstEthWrapped bountyStEth pendingWstEth epoch }
    deploySteps(first: 100) { timestamp transactionHash opening traded wstEthSwapped wstEthAdded tokensBought tokensAdded liquidityMinted bounty poolPrice pendingIn pendingOut }
  }
}`;

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
  tokensBought: string;
  tokensAdded: string;
  liquidityMinted: string;
  bounty: string;
  poolPrice: string;
  pendingIn: string;
  pendingOut: string;
}
interface ProjectDay {
  dayId: number;
  poolPriceClose: string | null;
  reserveTokens: string;
  reserveWstEth: string;
  pendingWstEth: string;
  cumulativeWstEthDeployed: string;
  cumulativeWstEthWrapped: string;
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
  harvests: Harvest[] | null;
  deploySteps: Step[] | null;
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

const NO_HISTORY: History = { deployment: null, totals: null, daily: null, harvests: null, deploySteps: null };
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
      ${figure("pol", "POL value", `${amount(p.lockedLiquidityValueWstEth)} <small>wstETH</small>`, `machine holds ${amount(p.pair.lpHeldByMachine)} of ${amount(p.pair.totalSupply)} LP`)}
      ${figure("depth", "Pool depth", `${amount(p.pair.reserveWstEth)} <small>wstETH</small>`, `${amount(p.pair.reserveTokens, dec)} ${esc(p.symbol)}`)}
      ${figure("ratio", "Deployment ratio", later(percent(d?.deploymentRatioDecimal)), later(`${amount(d?.deployedWstEth)} of ${amount(d?.harvestedWstEth)} wstETH harvested`))}
      ${figure("pending", "Pending wstETH", amount(p.pendingWstEth), `waiting for the next deploy steps${loading ? "" : `; bounties paid ${amount(d?.stepBountiesWstEth)}`}`)}
      ${figure("allocated", "Allocated principal", `${amount(p.allocatedPrincipal)} <small>stETH</small>`, `${loading ? "" : `${p.totals?.depositorCount ?? "—"} depositors · `}APR ${p.apr === null ? "—" : percent(p.apr)}`)}
      ${figure("contributors", "Contributor share", bps(p.contributorBps), `of emissions, to ${link(base, "address", p.contributorRecipient)}`)}
      ${figure("emission", "Emission per day", `${amount(p.emissionRatePerDay, dec)} <small>${esc(p.symbol)}</small>`, `${amount(p.depositorEmissionPerDay, dec)} to depositors · decay ${bps(p.decayBps)} a day`)}
    </div>
    <div class="panels">
      ${panel("project-price", "Price, day by day", `pool price at each day's close, wstETH per ${esc(p.symbol)}, and the launch price`)}
      ${panel("project-depth", "Pool depth", "the pair's reserves at each day's close")}
      ${panel("project-timeline", "Harvests and deploy steps", "the pending wstETH after each event (newest 100 of each); hover for its numbers", true)}
      ${panel("project-pending", "Pending vs deployed", "wstETH at each day's close")}
      ${panel(
        "project-emissions",
        "Emissions",
        `${esc(p.symbol)} emitted by the schedule so far, claimed by depositors, and the total supply (depositors' and contributors' claims plus the pool's seed); the cap is ${amount(p.emissionCap, dec, 0)}`,
      )}
    </div>`;
};

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
  const harvests = [...(p.harvests ?? [])].reverse();
  const steps = [...(p.deploySteps ?? [])].reverse();

  return async () => {
    const { draw } = await import("../charts.js");
    if (days.length === 0) {
      for (const name of ["project-price", "project-depth", "project-pending"])
        emptyChart(app, name, "No history yet for this project.");
    } else {
      const labels = days.map((x) => day(x.dayId));
      draw(app, "project-price", {
        tooltip: {
          trigger: "axis",
          valueFormatter: (v: unknown) => (v === null || v === undefined ? "—" : `${decimal(String(v), 6)} wstETH`),
        },
        xAxis: { type: "category", data: labels },
        // From 0, so the launch price's line is always inside the chart and moves read at their true size.
        yAxis: { type: "value", axisLabel: { formatter: (v: number) => decimal(String(v), 3) } },
        series: [
          {
            name: "close price",
            type: "line",
            data: days.map((x) => (x.poolPriceClose === null ? null : Number(x.poolPriceClose))),
            connectNulls: true,
          },
          {
            name: "launch price",
            type: "line",
            symbol: "none",
            lineStyle: { type: "dashed", color: "#64748b", width: 1 },
            itemStyle: { color: "#64748b" },
            data: days.map(() => Number(p.launchPriceDecimal)),
          },
        ],
      });
      draw(app, "project-depth", {
        xAxis: { type: "category", data: labels },
        yAxis: [
          { type: "value", name: "wstETH" },
          { type: "value", name: p.symbol, splitLine: { show: false } },
        ],
        series: [
          {
            name: "wstETH reserve",
            type: "line",
            areaStyle: { opacity: 0.1 },
            data: days.map((x) => num(x.reserveWstEth)),
          },
          {
            name: `${p.symbol} reserve`,
            type: "line",
            yAxisIndex: 1,
            data: days.map((x) => num(x.reserveTokens, dec)),
          },
        ],
      });
      draw(app, "project-pending", {
        xAxis: { type: "category", data: labels },
        yAxis: { type: "value", name: "wstETH" },
        tooltip: { trigger: "axis", valueFormatter: (v: unknown) => `${decimal(String(v))} wstETH` },
        series: [
          {
            name: "deployed (since genesis)",
            type: "line",
            areaStyle: { opacity: 0.12 },
            data: days.map((x) => num(x.cumulativeWstEthDeployed)),
          },
          { name: "pending", type: "bar", data: days.map((x) => num(x.pendingWstEth)) },
        ],
      });
    }
    if (harvests.length === 0 && steps.length === 0)
      emptyChart(app, "project-timeline", "No harvests or deploy steps yet.");
    else {
      const harvestTip = (h: Harvest) =>
        `<b>harvest</b> · ${time(h.timestamp)}<br>yield ${amount(h.yieldStEth)} stETH (bounty ${amount(h.bountyStEth)})<br>wrapped ${amount(h.wstEthWrapped)} wstETH<br>pending after ${amount(h.pendingWstEth)} wstETH`;
      const stepTip = (s: Step) =>
        `<b>${s.opening ? "opening step" : "deploy step"}</b>${s.traded ? " (traded)" : ""} · ${time(s.timestamp)}<br>pending ${amount(s.pendingIn)} → ${amount(s.pendingOut)} wstETH<br>swapped ${amount(s.wstEthSwapped)} wstETH for ${amount(s.tokensBought, dec)} ${esc(p.symbol)}<br>added ${amount(s.wstEthAdded)} wstETH + ${amount(s.tokensAdded, dec)} ${esc(p.symbol)}<br>LP minted ${amount(s.liquidityMinted)} · bounty ${amount(s.bounty)} wstETH<br>pool price after ${amount(s.poolPrice, 18, 6)}`;
      draw(app, "project-timeline", {
        tooltip: {
          trigger: "item",
          formatter: (item: { seriesIndex: number; dataIndex: number }) =>
            item.seriesIndex === 0 ? harvestTip(harvests[item.dataIndex]!) : stepTip(steps[item.dataIndex]!),
        },
        xAxis: { type: "time" },
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
    draw(app, "project-emissions", {
      legend: { show: false },
      grid: { left: 8, right: 90, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: (v: unknown) => `${decimal(String(v), 2)} ${p.symbol}` },
      // Each bar carries its value; an axis of large round numbers only crowds a phone's screen.
      xAxis: { type: "value", axisLabel: { show: false }, splitLine: { show: false } },
      yAxis: { type: "category", data: ["emitted (schedule)", "claimed by depositors", "total supply"], inverse: true },
      series: [
        {
          name: "emissions",
          type: "bar",
          barMaxWidth: 28,
          colorBy: "data",
          data: [
            num(p.emittedSupply, dec),
            p.totals === null ? null : num(p.totals.cumulativeClaimed, dec),
            num(p.token.totalSupply, dec),
          ],
          label: { show: true, position: "right", formatter: (x: { value: number }) => decimal(String(x.value), 2) },
        },
      ],
    });
  };
};
