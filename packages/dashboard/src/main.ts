/**
 * The dashboard: three pages behind a hash router (`#/`, `#/project/<id>`, `#/account/<address>`), each one GraphQL
 * query to the API. The figures paint as soon as the answer arrives; ECharts loads after them and draws the charts.
 * `document.body.dataset.state` says where a page is (loading → ready | error) and performance marks `tcm:figures`
 * and `tcm:charts` time it.
 */
import type {} from "./charts.js";
import { ApiError } from "./api.js";
import { esc } from "./format.js";
import { renderAccount } from "./pages/account.js";
import { renderProject } from "./pages/project.js";
import { renderProtocol } from "./pages/protocol.js";
import "./style.css";
import { message } from "./ui.js";

type Route =
  | { page: "protocol" }
  | { page: "project"; id: string }
  | { page: "account"; address: string }
  | { page: "unknown"; path: string };

export const route = (hash: string): Route => {
  const path = decodeURIComponent(hash.replace(/^#/, "")).trim();
  if (path === "" || path === "/") return { page: "protocol" };
  const project = /^\/project\/(.*)$/.exec(path);
  if (project) return { page: "project", id: project[1]!.trim() };
  const account = /^\/account\/(.*)$/.exec(path);
  if (account) return { page: "account", address: account[1]!.trim() };
  return { page: "unknown", path };
};

const app = document.getElementById("app")!;
let generation = 0;

const badInput = (error: unknown) =>
  error instanceof ApiError &&
  (error.status === 400 ||
    error.errors.some((e) =>
      ["BAD_USER_INPUT", "BAD_REQUEST", "GRAPHQL_VALIDATION_FAILED"].includes(e.extensions?.code ?? ""),
    ));

const failure = (r: Route, error: unknown): string => {
  const detail = `The API says: ${esc(error instanceof Error ? error.message : String(error))}`;
  if (r.page === "account" && badInput(error)) {
    return message(
      "error",
      `“${r.address}” is not an account address`,
      `An address is 0x followed by 40 hex digits (mixed case only with a valid EIP-55 checksum). ${detail}`,
    );
  }
  if (r.page === "project" && badInput(error)) {
    return message(
      "error",
      `No project “${r.id}”`,
      `Projects are numbered 1, 2, 3, … <a href="#/">See them all</a>. ${detail}`,
    );
  }
  return message(
    "error",
    "The API could not answer",
    `${detail}. GraphiQL at <a href="/graphql">/graphql</a> shows what it serves.`,
  );
};

const show = async () => {
  const mine = ++generation;
  const r = route(location.hash);
  document.body.dataset["page"] = r.page;
  document.body.dataset["state"] = "loading";
  // The previous page's charts (ECharts itself is loaded only once a page has its figures on screen).
  for (const chart of Object.values(window.__tcmCharts ?? {})) chart.dispose();
  window.__tcmCharts = {};
  (document.getElementById("account-input") as HTMLInputElement).value = r.page === "account" ? r.address : "";
  try {
    let drawCharts: (() => Promise<void>) | undefined;
    let marked = false;
    const painted = () => {
      if (marked || mine !== generation) return;
      marked = true;
      performance.mark("tcm:figures");
    };
    switch (r.page) {
      case "protocol":
        drawCharts = await renderProtocol(app, painted);
        break;
      case "project":
        drawCharts = await renderProject(app, r.id, painted);
        if (drawCharts === undefined) document.body.dataset["state"] = "empty";
        break;
      case "account":
        drawCharts = await renderAccount(app, r.address);
        break;
      case "unknown":
        app.innerHTML = message(
          "empty",
          "No such page",
          `“${esc(r.path)}” is not a page here. Try <a href="#/">the protocol</a>, <code>#/project/1</code> or <code>#/account/0x…</code>.`,
        );
        document.body.dataset["state"] = "empty";
        return;
    }
    if (mine !== generation) return;
    painted();
    if (drawCharts === undefined) return;
    await drawCharts();
    if (mine !== generation) return;
    performance.mark("tcm:charts");
    document.body.dataset["state"] = "ready";
  } catch (error) {
    if (mine !== generation) return;
    app.innerHTML = failure(r, error);
    if (!performance.getEntriesByName("tcm:figures").length) performance.mark("tcm:figures");
    document.body.dataset["state"] = "error";
  }
};

document.getElementById("account-form")!.addEventListener("submit", (event) => {
  event.preventDefault();
  const value = (document.getElementById("account-input") as HTMLInputElement).value.trim();
  location.hash = `#/account/${encodeURIComponent(value)}`;
});
window.addEventListener("hashchange", () => void show());
void show();
