/**
 * The homework's streaming demonstration as a figure: p(keyword) over time, the threshold dashed,
 * each detection a red rule with its label, and, when known (the sidecar JSON of `data glue`),
 * the span of the keyword clip shaded. Rendered with the report's Vega-Lite helpers
 * (report/charts.ts: headless SVG, PNG by resvg).
 */
import { writeOutput } from './paths.js';
import type { DetectionEvent, StreamOutput } from '@kws/kws-model';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg, svgToPng } from './report/charts.js';

export interface StreamPlot {
  steps: readonly StreamOutput[];
  /** Smoothed p per step (drawn only when smoothing is on). */
  smoothed?: readonly number[];
  events: readonly DetectionEvent[];
  threshold: number;
  keyword: string;
  /** Where the keyword really is, in seconds, if known. */
  truth?: { start: number; end: number };
  title?: string;
}

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

function series(plot: StreamPlot): { time: number; p: number; series: string }[] {
  const raw = plot.steps.map((s) => ({ time: s.time, p: s.p, series: 'p' }));
  const sm = plot.smoothed ?? [];
  return sm.length === 0 ? raw : [...raw, ...plot.steps.map((s, i) => ({ time: s.time, p: sm[i], series: 'smoothed' }))];
}

/** The Vega-Lite spec of the figure. */
export function streamSpec(plot: StreamPlot): TopLevelSpec {
  const end = plot.steps.at(-1)?.time ?? 1;
  const x = { field: 'time', type: 'quantitative' as const, title: 'time (s)', scale: { domain: [0, Math.ceil(end)] } };
  const layer: object[] = [];
  if (plot.truth) {
    layer.push({
      data: { values: [{ ...plot.truth, mid: (plot.truth.start + plot.truth.end) / 2, label: `'${plot.keyword}' clip` }] },
      layer: [
        { mark: { type: 'rect', color: '#2ca02c', opacity: 0.15 }, encoding: { x: { ...x, field: 'start' }, x2: { field: 'end' } } },
        { mark: { type: 'text', align: 'center', y: 228, color: '#2ca02c' }, encoding: { x: { ...x, field: 'mid' }, text: { field: 'label' } } },
      ],
    });
  }
  layer.push({
    data: { values: series(plot) },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x,
      y: { field: 'p', type: 'quantitative', title: `p(${plot.keyword})`, scale: { domain: [0, 1] } },
      color: { field: 'series', type: 'nominal', title: null, scale: { range: ['#1f77b4', '#ff7f0e'] }, legend: { orient: 'bottom' } },
    },
  });
  layer.push({ data: { values: [{ threshold: plot.threshold }] }, mark: { type: 'rule', strokeDash: [6, 4], color: '#555' }, encoding: { y: { field: 'threshold', type: 'quantitative' } } });
  if (plot.events.length > 0) {
    // Labels right of their rule, or left of it in the last sixth (they would leave the plot).
    // Alternate rows (at p = 0.96 and 0.9) keep neighbouring labels apart.
    const values = plot.events.map((e, i) => ({ time: e.time, label: `${e.time.toFixed(2)}s p=${e.p.toFixed(2)}`, right: e.time > (5 * end) / 6, row: i % 2 === 0 ? 0.96 : 0.9 }));
    const y = { field: 'row', type: 'quantitative' as const };
    layer.push({
      data: { values },
      layer: [
        { mark: { type: 'rule', color: '#d62728', strokeWidth: 2 }, encoding: { x } },
        { transform: [{ filter: '!datum.right' }], mark: { type: 'text', align: 'left', dx: 4, color: '#d62728' }, encoding: { x, y, text: { field: 'label' } } },
        { transform: [{ filter: 'datum.right' }], mark: { type: 'text', align: 'right', dx: -4, color: '#d62728' }, encoding: { x, y, text: { field: 'label' } } },
      ],
    });
  }
  const title = plot.title ?? `streaming p(${plot.keyword}); ${plot.events.length} detection${plot.events.length === 1 ? '' : 's'} (red)`;
  return { width: 720, height: 240, title, config: { font: FONT, view: { stroke: '#ccc' } }, layer } as TopLevelSpec;
}

/**
 * Write the figure as SVG or PNG, by the file's extension.
 * @example await writeStreamPlot('stream.png', { steps, events, threshold: 0.5, keyword: 'sheila' });
 */
export async function writeStreamPlot(path: string, plot: StreamPlot): Promise<void> {
  const svg = await renderSvg(streamSpec(plot));
  writeOutput(path, path.toLowerCase().endsWith('.png') ? await svgToPng(svg) : svg);
}
