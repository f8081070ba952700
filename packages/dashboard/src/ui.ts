import type { GqlError } from "./api.js";
import { esc } from "./format.js";

/** One headline figure: label, value, and a line saying what it is. */
export const figure = (name: string, label: string, value: string, note = "") =>
  `<div class="figure" data-figure="${esc(name)}"><div class="label">${esc(label)}</div><div class="value">${value}</div>${note === "" ? "" : `<div class="note">${note}</div>`}</div>`;

/** A chart panel (ECharts draws into the inner div later). */
export const panel = (name: string, title: string, note = "", wide = false) =>
  `<section class="panel${wide ? " wide" : ""}"><h3>${esc(title)}</h3>${note === "" ? "" : `<p class="note">${note}</p>`}<div class="chart" data-chart="${esc(name)}"></div></section>`;

/** A page-level message: what went wrong, in words, and what to do. */
export const message = (kind: "error" | "empty", title: string, detail: string) =>
  `<div class="message ${kind}" role="${kind === "error" ? "alert" : "status"}" data-message="${kind}"><h2>${esc(title)}</h2><p>${detail}</p></div>`;

/** A notice for partial answers (history down: live figures still shown). */
export const partialNotice = (errors: ReadonlyArray<GqlError>) =>
  errors.length === 0
    ? ""
    : `<div class="message warn" role="status" data-message="partial"><p><b>Some history is unavailable</b>: ${esc(
        [...new Set(errors.map((e) => e.message))].join("; "),
      )}. Live figures are current; charts of history are empty.</p></div>`;

/** An empty-chart placeholder when there is no history yet. */
export const emptyChart = (root: ParentNode, name: string, text: string) => {
  const element = root.querySelector<HTMLElement>(`[data-chart="${name}"]`);
  if (element !== null) {
    element.classList.add("empty");
    element.textContent = text;
  }
};
