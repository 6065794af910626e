/**
 * The report's figures as Vega-Lite specs, rendered to SVG in Node (vega's headless View,
 * renderer 'none') and to PNG by resvg:
 *   curves   validation au_fa_fr per epoch of every model (log scale), the pass line dashed
 *   macs     au_fa_fr of each model's best epoch against its MACs per 1 s clip (log-log)
 *   memory   the same against its state_dict bytes (log-log)
 * A log scale cannot show 0 (a perfect val set, common on small data): such values are drawn
 * at `floor` = a tenth of the smallest positive value, and the caption says so. Each figure has
 * its title in the image (a PNG travels without the page around it), and the dashed pass-mark
 * line carries its own label.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ModelRow } from './models.js';

export interface Figure {
  id: 'curves' | 'macs' | 'memory';
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

const WIDTH = 520;
const HEIGHT = 300;
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const CONFIG = { font: FONT, view: { stroke: '#ccc' }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11 } };

/** Where a log axis draws 0: a tenth of the smallest positive value. @example logFloor([0, 1e-3]) // 1e-4 */
export function logFloor(values: readonly number[]): number {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  return pos.length > 0 ? Math.min(...pos) / 10 : 1e-6;
}

function zeroNote(values: readonly number[], floor: number): string {
  return values.some((v) => v <= 0) ? ` Values of 0 are drawn at ${floor.toExponential(1)} (a log axis has no 0).` : '';
}

const logY = (title: string) => ({ field: 'auFaFr', type: 'quantitative' as const, title, scale: { type: 'log' as const }, axis: { format: '.0e' } });

/** The dashed pass-mark line, labelled at its right end: `pass mark 1.10e-3 (1.1 × teacher)`. */
function thresholdRule(threshold: number, drawnAt: number) {
  const data = { values: [{ threshold: drawnAt, label: `pass mark ${threshold.toExponential(2)} (1.1 × teacher)` }] };
  const y = { field: 'threshold', type: 'quantitative' as const };
  return {
    data,
    layer: [
      { mark: { type: 'rule' as const, strokeDash: [6, 4], color: '#555' }, encoding: { y } },
      { mark: { type: 'text' as const, align: 'right' as const, baseline: 'bottom' as const, dy: -3, color: '#555', fontSize: 11 }, encoding: { y, x: { value: WIDTH - 4 }, text: { field: 'label' } } },
    ],
  };
}

/** The figure's title inside the image. */
const titled = (text: string) => ({ text, anchor: 'start' as const, fontSize: 14 });

/**
 * Training curves: au_fa_fr per epoch, one line per model, the baseline's pass mark dashed.
 * @example const svg = await renderSvg(curvesFigure(rows, 1.1 * teacherAuFaFr).spec);
 */
export function curvesFigure(rows: readonly ModelRow[], threshold: number): Figure {
  const all = rows.flatMap((r) => r.history.map((h) => h.auFaFr));
  const floor = logFloor([...all, threshold]);
  const values = rows.flatMap((r) => r.history.map((h) => ({ model: r.name, epoch: h.epoch, auFaFr: Math.max(h.auFaFr, floor) })));
  const title = 'Training curves: validation au_fa_fr per epoch';
  const spec: TopLevelSpec = {
    width: WIDTH, height: HEIGHT, config: CONFIG, title: titled(title),
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
          y: logY('validation au_fa_fr (log scale)'),
          color: { field: 'model', type: 'nominal', title: 'model' },
        },
      },
      thresholdRule(threshold, Math.max(threshold, floor)),
    ],
  };
  const caption = `Validation au_fa_fr after each epoch (lower is better). Dashed: the pass mark ${threshold.toExponential(2)} (1.1 × the teacher's best).${zeroNote(all, floor)}`;
  return { id: 'curves', title, caption, spec };
}

/**
 * au_fa_fr of each model against a cost (MACs or bytes), log-log, labelled points.
 * @example costFigure(rows, threshold, 'memory')
 */
export function costFigure(rows: readonly ModelRow[], threshold: number, cost: 'macs' | 'memory'): Figure {
  const all = rows.map((r) => r.auFaFr);
  const floor = logFloor([...all, threshold]);
  const field = cost === 'macs' ? 'macs' : 'bytes';
  const xTitle = cost === 'macs' ? 'MACs per 1 s clip (thop rules, log scale)' : 'state_dict bytes (log scale)';
  const points = rows.map((r) => ({ model: r.name, macs: r.macs, bytes: r.bytes, auFaFr: Math.max(r.auFaFr, floor) }));
  const labelY = spreadLabels(points.map((p) => [p[field], p.auFaFr]));
  const side = labelSides(points.map((p) => p[field]));
  const values = points.map((p, i) => ({ ...p, labelY: labelY[i], side: side[i] }));
  const label = (s: 'left' | 'right') => ({
    transform: [{ filter: `datum.side == '${s}'` }],
    mark: { type: 'text' as const, align: s === 'right' ? ('left' as const) : ('right' as const), dx: s === 'right' ? 8 : -8, dy: -8 },
    encoding: { y: { field: 'labelY', type: 'quantitative' as const }, text: { field: 'model' } },
  });
  const title = cost === 'macs' ? 'Best validation au_fa_fr against MACs' : 'Best validation au_fa_fr against memory';
  const x = { field, type: 'quantitative' as const, title: xTitle, scale: { type: 'log' as const, nice: false, padding: 30 } };
  const spec: TopLevelSpec = {
    width: WIDTH, height: HEIGHT, config: CONFIG, title: titled(title),
    layer: [
      {
        data: { values },
        encoding: { x, y: logY('best validation au_fa_fr (log scale)'), color: { field: 'model', type: 'nominal', title: 'model' } },
        layer: [{ mark: { type: 'point', filled: true, size: 90 } }, label('right'), label('left')],
      },
      thresholdRule(threshold, Math.max(threshold, floor)),
    ],
  };
  const what = cost === 'macs' ? 'MACs per 1 s clip' : 'memory (bytes of the saved state_dict, as stored)';
  const caption = `Best validation au_fa_fr against ${what}. Lower left is better; dashed: the pass mark.${zeroNote(all, floor)}`;
  return { id: cost, title, caption, spec };
}

/**
 * Which side of its point each label goes: points in the right third of the (log) x range are
 * labelled on their left, so the rightmost model's name (the teacher's) stays inside the axis.
 * @example labelSides([1e4, 1e5, 1e6]) // ['right', 'right', 'left']
 */
export function labelSides(xs: readonly number[]): ('left' | 'right')[] {
  const logs = xs.map((x) => Math.log(x));
  const lo = Math.min(...logs);
  const span = Math.max(...logs) - lo;
  return logs.map((l) => (span > 0 && (l - lo) / span > 2 / 3 ? 'left' : 'right'));
}

/**
 * Label heights for points [x, y] on log-log axes: a label that would sit on an earlier one (x
 * within a factor 1.2, height within 1.3) moves down by a factor 0.7 until it is clear.
 * @example spreadLabels([[9e4, 6e-4], [9.1e4, 6.2e-4]]) // [6e-4, 4.34e-4]
 */
export function spreadLabels(points: readonly (readonly [number, number])[]): number[] {
  const near = (a: number, b: number, f: number): boolean => Math.abs(Math.log(a / b)) < Math.log(f);
  const out: number[] = [];
  points.forEach(([x, y], i) => {
    let h = y;
    while (points.slice(0, i).some(([xj], j) => near(x, xj, 1.2) && near(h, out[j], 1.3))) h *= 0.7;
    out.push(h);
  });
  return out;
}

/**
 * Render a Vega-Lite spec to an SVG string, headless.
 * @example const svg = await renderSvg(curvesFigure(rows, t).spec);
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded on first use: vega and vega-lite take about 0.5 s to import, which every other
  // command (train, stream, ...) would otherwise pay at start-up.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterise an SVG to PNG at twice its size.
 * @example writeFileSync('curves.png', await svgToPng(svg));
 */
export async function svgToPng(svg: string): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const font = { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' };
  return new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font, background: 'white' }).render().asPng();
}
