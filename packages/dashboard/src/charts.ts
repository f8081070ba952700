/**
 * ECharts, tree-shaken to the charts and components the pages use. Loaded after the figures have painted (a dynamic
 * import from the pages). Every chart is registered on `window.__tcmCharts` by name so a test can read back the data
 * it drew (`getOption()`).
 */
import { BarChart, LineChart, PieChart, ScatterChart } from "echarts/charts";
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { type EChartsCoreOption, type ECharts, init, use } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

use([
  BarChart,
  LineChart,
  PieChart,
  ScatterChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

declare global {
  interface Window {
    /** The charts on screen, by name (read by the browser test). */
    __tcmCharts: Record<string, ECharts>;
  }
}

window.__tcmCharts ??= {};

let observer: ResizeObserver | undefined;

export const PALETTE = ["#2563eb", "#16a34a", "#f59e0b", "#db2777", "#7c3aed", "#0891b2", "#dc2626", "#65a30d"];

const BASE: EChartsCoreOption = {
  color: PALETTE,
  textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
  grid: { left: 8, right: 16, top: 56, bottom: 8, containLabel: true },
  legend: { top: 0, type: "scroll" },
  tooltip: { trigger: "axis", confine: true },
  animation: false,
};

/** Draws `option` into the element with `data-chart="<name>"` inside `root` and registers it. */
export const draw = (root: ParentNode, name: string, option: EChartsCoreOption): ECharts | undefined => {
  const element = root.querySelector<HTMLElement>(`[data-chart="${name}"]`);
  if (element === null) return undefined;
  const chart = init(element, undefined, { renderer: "canvas" });
  const tooltip = { ...(BASE["tooltip"] as object), ...((option["tooltip"] as object | undefined) ?? {}) };
  chart.setOption({ ...BASE, ...option, tooltip });
  window.__tcmCharts[name] = chart;
  observer ??= new ResizeObserver(() => {
    for (const c of Object.values(window.__tcmCharts)) if (!c.isDisposed()) c.resize();
  });
  observer.observe(element);
  return chart;
};
