/**
 * `kws-cli eval --stream`: wake-word figures from streamed tracks. Two tracks are glued from one
 * split of a Speech Commands folder (glue.ts): a negative track of other-word clips back to back
 * (each clip once per pass, passes in fresh seeded orders, until --negative-minutes) and a keyword
 * track (each keyword clip once, after --gap other-word clips). Each --modes streaming mode runs
 * over both tracks (the clips pushed one after another into one StreamingKws, as a WAV of the
 * track would be), and `wakeWordCurve` turns the probabilities into false accepts per hour and
 * false-reject rates over a threshold grid (see packages/kws-model/src/metrics/wake-word.ts for
 * the matching rule).
 */
import { writeOutput } from './paths.js';
import { frAtFaRate, streamTracks, thresholdGrid, wakeWordCurve, type CRNN, type ModeSpec, type OperatingPoint, type TrackSetup, type WakeWordPoint, type WakeWordTracks } from '@kws/kws-model';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg, svgToPng } from './report/charts.js';

export interface ModeResult {
  label: string;
  mode: ModeSpec;
  /** Seconds spent streaming both tracks. */
  seconds: number;
  curve: WakeWordPoint[];
  /** The streamed tracks (for a rule other than the curve's). */
  tracks: WakeWordTracks;
}

export interface StreamEvalSetup extends TrackSetup {
  detect: { smoothSteps: number; refractorySec: number; tolerance: number };
}

export const modeLabel = (m: ModeSpec): string => (m.mode === 'staggered' ? `staggered-${m.states}` : m.mode);

/** One mode over both tracks; the curve over the default threshold grid. */
export function evaluateMode(model: CRNN, m: ModeSpec, s: StreamEvalSetup): ModeResult {
  const t0 = performance.now();
  const tracks = streamTracks(model, m, s);
  const seconds = (performance.now() - t0) / 1000;
  const curve = wakeWordCurve(tracks, thresholdGrid(), s.detect);
  return { label: modeLabel(m), mode: m, seconds, curve, tracks };
}

/**
 * The line for a checkpoint's own operating point: its rule run over the tracks of the mode it
 * was chosen for (streamed now, or streamed here for it when --modes left that mode out).
 */
export function operatingPointLine(model: CRNN, op: OperatingPoint, results: readonly ModeResult[], s: StreamEvalSetup): string {
  const m = { mode: op.mode, states: op.states };
  const tracks = results.find((r) => r.mode.mode === m.mode && r.mode.states === m.states)?.tracks ?? streamTracks(model, m, s);
  const [p] = wakeWordCurve(tracks, [op.threshold], { smoothSteps: op.smoothSteps, refractorySec: op.refractorySec, tolerance: s.detect.tolerance });
  return `at the checkpoint's operating point (θ ${op.threshold.toPrecision(4)}, moving average ${op.smoothSteps}, ${modeLabel(m)}; chosen for ${op.targetFaPerHour} FA/h on ${op.data}): ${p.faPerHour.toFixed(1)} FA/h (${p.falseAccepts} false accepts), FR ${pct(p.frr)} (${p.misses} of ${tracks.spans.length} keyword clips missed)`;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** `6.7% (θ 0.9975, 4.2 FA/h)` or `none` when no threshold is that quiet. */
export function operatingPoint(curve: readonly WakeWordPoint[], faPerHour: number): string {
  const p = frAtFaRate(curve, faPerHour);
  return p === undefined ? 'none' : `${pct(p.frr)} (θ ${p.threshold.toPrecision(4)}, ${p.faPerHour.toFixed(1)} FA/h)`;
}

/** The table of FR at each target FA/h, one row per mode. */
export function resultTable(results: readonly ModeResult[], targets: readonly number[]): string[] {
  const head = ['mode', 'stream time', ...targets.map((t) => `FR at ${t} FA/h`)];
  const body = results.map((r) => [r.label, `${r.seconds.toFixed(1)} s`, ...targets.map((t) => operatingPoint(r.curve, t))]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body].map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
}

/** The curves as CSV (`mode,threshold,fa_per_hour,false_accepts,frr,misses,stray`) or JSON lines. */
export function writeCurves(path: string, results: readonly ModeResult[]): void {
  const rows = results.flatMap((r) => r.curve.map((p) => ({ mode: r.label, ...p })));
  if (path.toLowerCase().endsWith('.csv')) {
    const lines = rows.map((p) => [p.mode, p.threshold, p.faPerHour, p.falseAccepts, p.frr, p.misses, p.stray].join(','));
    writeOutput(path, ['mode,threshold,fa_per_hour,false_accepts,frr,misses,stray', ...lines].join('\n') + '\n');
  } else writeOutput(path, rows.map((p) => JSON.stringify(p)).join('\n') + '\n');
}

/**
 * The operating points a user can reach: for each false-accept rate f on the curve, the lowest
 * FR of any threshold with at most f FA/h (a staircase falling with f). The raw curve is not
 * monotone: at low thresholds p stays above θ through whole stretches, so fewer rising crossings
 * fire and both FA/h and FR fall back.
 */
export function reachable(curve: readonly WakeWordPoint[]): { fa: number; frr: number; threshold: number }[] {
  const out: { fa: number; frr: number; threshold: number }[] = [];
  for (const fa of [...new Set(curve.map((p) => p.faPerHour))].sort((x, y) => x - y)) {
    const best = frAtFaRate(curve, fa);
    if (best && (out.length === 0 || best.frr < out[out.length - 1].frr)) out.push({ fa, frr: best.frr, threshold: best.threshold });
  }
  return out;
}

/** The reachable FR against FA/h (log x; 0 FA/h drawn at a tenth of the smallest positive), one line per mode. */
export function curveSpec(results: readonly ModeResult[], title: string): TopLevelSpec {
  const points = results.map((r) => ({ label: r.label, steps: reachable(r.curve) }));
  const pos = points.flatMap((r) => r.steps.map((p) => p.fa)).filter((v) => v > 0);
  const floor = pos.length > 0 ? Math.min(...pos) / 10 : 0.01;
  const top = pos.length > 0 ? Math.max(...pos) * 2 : 1;
  // Each staircase runs on to the right edge at its last (lowest) FR.
  const values = points.flatMap((r) => [...r.steps, ...r.steps.slice(-1).map((p) => ({ ...p, fa: top }))].map((p) => ({ mode: r.label, fa: Math.max(p.fa, floor), frr: p.frr })));
  return {
    width: 520, height: 300, title,
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', view: { stroke: '#ccc' } },
    data: { values },
    mark: { type: 'line', point: { size: 16 }, interpolate: 'step-after' },
    encoding: {
      x: { field: 'fa', type: 'quantitative', title: `false accepts per hour (log; 0 drawn at ${floor.toPrecision(2)})`, scale: { type: 'log' } },
      y: { field: 'frr', type: 'quantitative', title: 'false-reject rate (lowest reachable)', axis: { format: '%' }, scale: { domain: [0, 1] } },
      color: { field: 'mode', type: 'nominal', title: 'mode', legend: { orient: 'bottom' } },
      order: { field: 'fa', type: 'quantitative' },
    },
  };
}

export async function writeCurvePlot(path: string, results: readonly ModeResult[], title: string): Promise<void> {
  const svg = await renderSvg(curveSpec(results, title));
  writeOutput(path, path.toLowerCase().endsWith('.png') ? await svgToPng(svg) : svg);
}
