import { query } from "../api.js";
import { amount, bps, esc, num, short, time } from "../format.js";
import { emptyChart, figure, message, panel, partialNotice } from "../ui.js";

export const ACCOUNT_QUERY = `query DashboardAccount($address: Address!) {
  account(address: $address) {
    address hasPosition principal withdrawableNow
    deficit { inDeficit }
    allocations { bps principal pendingRewards project { projectId symbol name token { decimals } } }
    claims(first: 100) { timestamp projectId amount receiver transactionHash }
    deposits(first: 20) { timestamp principalAdded principal transactionHash }
    withdrawals(first: 20) { timestamp principalRemoved stEthPaid deficit transactionHash }
  }
}`;

interface Allocation {
  bps: number;
  principal: string;
  pendingRewards: string;
  project: { projectId: number; symbol: string; name: string; token: { decimals: number } };
}
interface Claim {
  timestamp: string;
  projectId: number;
  amount: string;
  receiver: string;
  transactionHash: string;
}
export interface AccountData {
  account: {
    address: string;
    hasPosition: boolean;
    principal: string;
    withdrawableNow: string;
    deficit: { inDeficit: boolean };
    allocations: Allocation[];
    claims: Claim[] | null;
    deposits: Array<{ timestamp: string; principalAdded: string; principal: string; transactionHash: string }> | null;
    withdrawals: Array<{
      timestamp: string;
      principalRemoved: string;
      stEthPaid: string;
      deficit: boolean;
      transactionHash: string;
    }> | null;
  };
}

export const renderAccount = async (app: HTMLElement, address: string) => {
  const { data, partial } = await query<AccountData>(ACCOUNT_QUERY, { address });
  const a = data.account;
  const symbols = new Map(a.allocations.map((x) => [x.project.projectId, x.project.symbol]));
  const decimals = new Map(a.allocations.map((x) => [x.project.projectId, x.project.token.decimals]));
  const claims = [...(a.claims ?? [])].reverse();
  const events = [
    ...(a.deposits ?? []).map((x) => ({
      at: x.timestamp,
      what: "deposit",
      detail: `+${amount(x.principalAdded)} stETH → principal ${amount(x.principal)}`,
      tx: x.transactionHash,
    })),
    ...(a.withdrawals ?? []).map((x) => ({
      at: x.timestamp,
      what: x.deficit ? "withdrawal (deficit)" : "withdrawal",
      detail: `−${amount(x.principalRemoved)} principal, paid ${amount(x.stEthPaid)} stETH`,
      tx: x.transactionHash,
    })),
    ...(a.claims ?? []).map((x) => ({
      at: x.timestamp,
      what: "claim",
      detail: `${amount(x.amount, decimals.get(x.projectId) ?? 18)} ${esc(symbols.get(x.projectId) ?? `project ${x.projectId}`)}`,
      tx: x.transactionHash,
    })),
  ].sort((x, y) => Number(y.at) - Number(x.at));

  app.innerHTML = `
    <h1>Account <code class="address">${esc(a.address)}</code></h1>
    ${partialNotice(partial)}
    ${
      a.hasPosition
        ? ""
        : message(
            "empty",
            "No position",
            `This account has no deposit in the machine${events.length > 0 ? " now (its history is below)" : ""}. Paste another address above, or see <a href="#/">the protocol</a>.`,
          )
    }
    ${a.deficit.inDeficit ? `<div class="message error" role="alert"><p><b>The machine is in deficit</b>: a withdrawal now pays ${amount(a.withdrawableNow)} stETH and closes the position.</p></div>` : ""}
    <div class="figures">
      ${figure("principal", "Position", `${amount(a.principal)} <small>stETH</small>`, "principal, withdrawable")}
      ${figure("withdrawable", "Withdrawable now", `${amount(a.withdrawableNow)} <small>stETH</small>`, "what a full withdrawal pays")}
      ${figure("split", "Split", a.allocations.length === 0 ? "—" : a.allocations.map((x) => `${esc(x.project.symbol)} ${bps(x.bps)}`).join(" · "), "of the position's yield")}
      ${figure("claims", "Claims", String(a.claims?.length ?? "—"), "project tokens claimed (newest 100)")}
    </div>
    <div class="panels">
      ${panel("account-split", "Split of the yield", "the position's allocation, by project")}
      ${panel("account-pending", "Pending rewards", "project tokens claimable now")}
      ${panel("account-claims", "Claim history", "tokens claimed per claim", true)}
    </div>
    ${
      a.allocations.length === 0
        ? ""
        : `<h2>Allocations</h2><div class="table-wrap"><table data-table="allocations"><thead><tr><th>Project</th><th class="num">Share</th><th class="num">Principal <small>stETH</small></th><th class="num">Pending rewards</th></tr></thead><tbody>${a.allocations
            .map(
              (x) =>
                `<tr><td><a href="#/project/${x.project.projectId}"><b>${esc(x.project.symbol)}</b> ${esc(x.project.name)}</a></td><td class="num">${bps(x.bps)}</td><td class="num">${amount(x.principal)}</td><td class="num">${amount(x.pendingRewards, x.project.token.decimals)} ${esc(x.project.symbol)}</td></tr>`,
            )
            .join("")}</tbody></table></div>`
    }
    ${
      events.length === 0
        ? ""
        : `<h2>History</h2><div class="table-wrap"><table data-table="history"><thead><tr><th>When</th><th>What</th><th>Numbers</th><th>Transaction</th></tr></thead><tbody>${events
            .map(
              (e) =>
                `<tr><td>${time(e.at)}</td><td>${esc(e.what)}</td><td>${e.detail}</td><td><code title="${esc(e.tx)}">${esc(short(e.tx))}</code></td></tr>`,
            )
            .join("")}</tbody></table></div>`
    }`;

  return async () => {
    const { TIME_LABELS, draw } = await import("../charts.js");
    if (a.allocations.length === 0) {
      emptyChart(app, "account-split", "No allocation: no position.");
      emptyChart(app, "account-pending", "No allocation: no rewards accrue.");
    } else {
      draw(app, "account-split", {
        tooltip: {
          trigger: "item",
          formatter: (x: { name: string; value: number }) => `${esc(x.name)}: ${bps(x.value)}`,
        },
        legend: { show: false },
        series: [
          {
            name: "split",
            type: "pie",
            radius: ["45%", "75%"],
            label: { formatter: (x: { name: string; value: number }) => `${x.name} ${bps(x.value)}`, fontSize: 13 },
            labelLine: { length: 12, length2: 12 },
            data: a.allocations.map((x) => ({ name: x.project.symbol, value: x.bps })),
          },
        ],
      });
      draw(app, "account-pending", {
        legend: { show: false },
        xAxis: { type: "category", data: a.allocations.map((x) => x.project.symbol) },
        yAxis: { type: "value", name: "tokens" },
        series: [
          {
            name: "pending rewards",
            type: "bar",
            colorBy: "data",
            data: a.allocations.map((x) => num(x.pendingRewards, x.project.token.decimals)),
            label: {
              show: true,
              position: "top",
              formatter: (x: { dataIndex: number }) =>
                amount(
                  a.allocations[x.dataIndex]!.pendingRewards,
                  a.allocations[x.dataIndex]!.project.token.decimals,
                  2,
                ),
            },
          },
        ],
      });
    }
    if (claims.length === 0) emptyChart(app, "account-claims", "No claims yet.");
    else {
      const projects = [...new Set(claims.map((c) => c.projectId))].sort((x, y) => x - y);
      draw(app, "account-claims", {
        tooltip: {
          trigger: "item",
          formatter: (x: { seriesName: string; value: [number, number] }) =>
            `${esc(x.seriesName)}: ${x.value[1]} tokens<br>${time(String(x.value[0] / 1000))}`,
        },
        xAxis: { type: "time", axisLabel: TIME_LABELS },
        yAxis: { type: "value", name: "tokens" },
        series: projects.map((id) => ({
          name: symbols.get(id) ?? `project ${id}`,
          type: "bar",
          barMaxWidth: 18,
          data: claims
            .filter((c) => c.projectId === id)
            .map((c) => [Number(c.timestamp) * 1000, num(c.amount, decimals.get(id) ?? 18)]),
        })),
      });
    }
  };
};
