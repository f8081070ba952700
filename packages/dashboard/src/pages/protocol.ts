import { type GqlError, query } from "../api.js";
import { amount, day, decimal, esc, num, percent } from "../format.js";
import { emptyChart, figure, panel, partialNotice } from "../ui.js";

/** Live chain state (fast): painted first. */
export const PROTOCOL_LIVE_QUERY = `query DashboardProtocolLive {
  apiVersion { chainId schema }
  protocol { block { number timestamp } projectCount totalPrincipal totalLockedLiquidityValueWstEth deficit { inDeficit } }
  projects(first: 100) { nodes { projectId name symbol seeded spotPriceDecimal allocatedPrincipal lockedLiquidityValueWstEth pendingWstEth apr } }
}`;

/** The subgraph's history (slower on a cold API): filled in when it arrives. */
export const PROTOCOL_HISTORY_QUERY = `query DashboardProtocolHistory {
  protocol {
    totals { totalYieldStEth totalWstEthWrapped totalWstEthDeployed deploymentRatioDecimal depositorCount harvestCount deployStepCount }
    daily(first: 100) { dayId dailyYieldStEth dailyWstEthWrapped dailyWstEthDeployed deploymentRatioDecimal depositorCount projectCount totalPrincipal inDeficit }
  }
  projects(first: 100) { nodes { projectId deployment { deploymentRatioDecimal } } }
}`;

interface ProtocolDay {
  dayId: number;
  dailyYieldStEth: string;
  dailyWstEthWrapped: string;
  dailyWstEthDeployed: string;
  deploymentRatioDecimal: string | null;
  depositorCount: number;
  projectCount: number;
  totalPrincipal: string;
  inDeficit: boolean | null;
}
interface Totals {
  totalYieldStEth: string;
  totalWstEthWrapped: string;
  totalWstEthDeployed: string;
  deploymentRatioDecimal: string | null;
  depositorCount: number;
  harvestCount: number;
  deployStepCount: number;
}
export interface ProtocolLive {
  apiVersion: { chainId: number; schema: string };
  protocol: {
    block: { number: string; timestamp: string };
    projectCount: number;
    totalPrincipal: string;
    totalLockedLiquidityValueWstEth: string;
    deficit: { inDeficit: boolean };
  };
  projects: {
    nodes: Array<{
      projectId: number;
      name: string;
      symbol: string;
      seeded: boolean;
      spotPriceDecimal: string | null;
      allocatedPrincipal: string;
      lockedLiquidityValueWstEth: string;
      pendingWstEth: string;
      apr: number | null;
    }>;
  };
}
export interface ProtocolHistory {
  protocol: { totals: Totals | null; daily: ProtocolDay[] | null };
  projects: { nodes: Array<{ projectId: number; deployment: { deploymentRatioDecimal: string | null } | null }> };
}

const WAIT = `<span class="muted">…</span>`;
const DEFICIT_KEY = `<span class="deficit-key">red bands</span>: days the machine was in deficit (it held less stETH than its principal needs)`;

const html = (live: ProtocolLive, history: ProtocolHistory | undefined, partial: ReadonlyArray<GqlError>) => {
  const p = live.protocol;
  const t = history?.protocol.totals;
  const known = history !== undefined;
  const ratios = new Map(
    (history?.projects.nodes ?? []).map((n) => [n.projectId, n.deployment?.deploymentRatioDecimal ?? null]),
  );
  return `
    <h1>The machine at a glance <span class="sub">block ${esc(p.block.number)} · chain ${live.apiVersion.chainId}</span></h1>
    ${partialNotice(partial)}
    ${p.deficit.inDeficit ? `<div class="message error" role="alert" data-message="deficit"><p><b>In deficit now</b>: the machine holds less stETH than its principal; withdrawals are paid pro rata and harvests wait.</p></div>` : ""}
    <div class="figures">
      ${figure("principal", "Principal", `${amount(p.totalPrincipal)} <small>stETH</small>`, "deposited by depositors, withdrawable")}
      ${figure("yield", "Yield routed", known ? `${amount(t?.totalYieldStEth)} <small>stETH</small>` : WAIT, `${t?.harvestCount ?? "—"} harvests since genesis`)}
      ${figure("pol", "wstETH in pools (POL)", `${amount(p.totalLockedLiquidityValueWstEth)} <small>wstETH</small>`, "value of the LP the machine holds, locked forever")}
      ${figure("ratio", "Deployment ratio", known ? percent(t?.deploymentRatioDecimal) : WAIT, `${amount(t?.totalWstEthDeployed)} of ${amount(t?.totalWstEthWrapped)} wstETH harvested is in the pools`)}
      ${figure("depositors", "Depositors", known ? String(t?.depositorCount ?? "—") : WAIT, "accounts with a position")}
      ${figure("projects", "Projects", String(p.projectCount), `${t?.deployStepCount ?? "—"} deploy steps so far`)}
    </div>
    <div class="panels">
      ${panel("protocol-ratio", "Deployment ratio, day by day", `wstETH deployed into the pools ÷ wstETH harvested, at each day's close; ${DEFICIT_KEY}`)}
      ${panel("protocol-flows", "Daily yield harvested and deployed", "wstETH harvested into the projects' pending wstETH, and wstETH the deploy steps put into the pools")}
      ${panel("protocol-principal", "Principal, depositors and projects", "at each day's close", true)}
    </div>
    <h2>Projects</h2>
    <div class="table-wrap"><table class="projects" data-table="projects">
      <thead><tr><th>#</th><th>Project</th><th class="num">Price <small>wstETH</small></th><th class="num">Allocated <small>stETH</small></th><th class="num">POL <small>wstETH</small></th><th class="num">Pending <small>wstETH</small></th><th class="num">Deployed</th><th class="num">APR</th></tr></thead>
      <tbody>${live.projects.nodes
        .map(
          (n) => `<tr data-project="${n.projectId}">
            <td>${n.projectId}</td>
            <td><a href="#/project/${n.projectId}"><b>${esc(n.symbol)}</b> ${esc(n.name)}</a></td>
            <td class="num">${n.seeded ? decimal(n.spotPriceDecimal, 4) : `<span class="muted">not open</span>`}</td>
            <td class="num">${amount(n.allocatedPrincipal)}</td>
            <td class="num">${amount(n.lockedLiquidityValueWstEth)}</td>
            <td class="num">${amount(n.pendingWstEth)}</td>
            <td class="num">${known ? percent(ratios.get(n.projectId)) : WAIT}</td>
            <td class="num">${n.apr === null ? "—" : percent(n.apr)}</td>
          </tr>`,
        )
        .join("")}</tbody>
    </table></div>`;
};

export const renderProtocol = async (app: HTMLElement, painted: () => void) => {
  const historyAnswer = query<ProtocolHistory>(PROTOCOL_HISTORY_QUERY).then(
    (answer) => answer,
    (error: unknown) => ({
      data: undefined,
      partial: [{ message: error instanceof Error ? error.message : String(error) }],
    }),
  );
  const live = await query<ProtocolLive>(PROTOCOL_LIVE_QUERY);
  app.innerHTML = html(live.data, undefined, live.partial);
  painted();
  const history = await historyAnswer;
  app.innerHTML = html(live.data, history.data, [...live.partial, ...history.partial]);
  const days = [...(history.data?.protocol.daily ?? [])].reverse();

  return async () => {
    const { deficitAreas, draw } = await import("../charts.js");
    if (days.length === 0) {
      for (const name of ["protocol-ratio", "protocol-flows", "protocol-principal"])
        emptyChart(app, name, "No history yet: nothing has been indexed.");
      return;
    }
    const labels = days.map((d) => day(d.dayId));
    const deficit = deficitAreas(
      labels,
      days.map((d) => d.inDeficit),
    );
    draw(app, "protocol-ratio", {
      legend: { show: false },
      tooltip: {
        trigger: "axis",
        valueFormatter: (v: unknown) => (v === null || v === undefined ? "—" : percent(Number(v))),
      },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: (v: number) => percent(v, 0) } },
      series: [
        {
          name: "deployment ratio",
          type: "line",
          areaStyle: { opacity: 0.12 },
          data: days.map((d) => (d.deploymentRatioDecimal === null ? null : Number(d.deploymentRatioDecimal))),
          markArea: deficit,
        },
      ],
    });
    draw(app, "protocol-flows", {
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", name: "wstETH" },
      tooltip: { trigger: "axis", valueFormatter: (v: unknown) => `${decimal(String(v))} wstETH` },
      series: [
        { name: "harvested", type: "bar", data: days.map((d) => num(d.dailyWstEthWrapped)) },
        { name: "deployed", type: "bar", data: days.map((d) => num(d.dailyWstEthDeployed)) },
      ],
    });
    draw(app, "protocol-principal", {
      xAxis: { type: "category", data: labels },
      yAxis: [
        { type: "value", name: "stETH" },
        { type: "value", name: "count", minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        {
          name: "principal (stETH)",
          type: "line",
          areaStyle: { opacity: 0.1 },
          data: days.map((d) => num(d.totalPrincipal)),
        },
        { name: "depositors", type: "line", step: "end", yAxisIndex: 1, data: days.map((d) => d.depositorCount) },
        { name: "projects", type: "line", step: "end", yAxisIndex: 1, data: days.map((d) => d.projectCount) },
      ],
    });
  };
};
