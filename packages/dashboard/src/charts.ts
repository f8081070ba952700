/**
 * ECharts, tree-shaken to the charts and components the pages use. Loaded after the figures have painted (a dynamic
 * import from the pages). Every chart is registered on `window.__tcmCharts` by name so a test can read back the data
 * it drew (`getOption()`).
 */
import { BarChart, CandlestickChart, LineChart, PieChart, ScatterChart } from "echarts/charts";
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
} from "echarts/components";
import { type EChartsCoreOption, type ECharts, init, use } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

use([
  BarChart,
  CandlestickChart,
  LineChart,
  PieChart,
  ScatterChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
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

/** Time-axis labels: days as MM-DD (not a bare day number), hours as HH:MM. */
export const TIME_LABELS = {
  hideOverlap: true,
  formatter: { year: "{yyyy}", month: "{yyyy}-{MM}", day: "{MM}-{dd}", hour: "{HH}:{mm}", minute: "{HH}:{mm}" },
};

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

/**
 * The deficit shading: a light red band per run of consecutive days the API says were in deficit at some time. The
 * charts put each day at its close, so a day's band starts at the previous day's close.
 */
export const deficitAreas = (labels: ReadonlyArray<string>, inDeficit: ReadonlyArray<boolean | null>) => {
  const areas: Array<[{ name: string; xAxis: string }, { xAxis: string }]> = [];
  let start = -1;
  for (let i = 0; i <= labels.length; i++) {
    const marked = i < labels.length && inDeficit[i] === true;
    if (marked && start < 0) start = i;
    if (!marked && start >= 0) {
      areas.push([{ name: "deficit", xAxis: labels[Math.max(start - 1, 0)]! }, { xAxis: labels[i - 1]! }]);
      start = -1;
    }
  }
  return {
    silent: true,
    itemStyle: { color: "rgba(220, 38, 38, 0.12)" },
    label: { show: true, position: "insideTop", color: "#b91c1c", fontSize: 11 },
    data: areas,
  };
};
