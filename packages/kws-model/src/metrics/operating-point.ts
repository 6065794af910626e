/**
 * A wake word's operating point: the detection rule (threshold, moving average, refractory time,
 * streaming mode) chosen on held-out streams to meet a target rate of false accepts per hour,
 * stored in the checkpoint's metadata (`operatingPoint`, a JSON string) so that `stream`, `serve`
 * and library callers detect with it unless told otherwise.
 *
 * Choice: for each candidate moving average m, the curve over the threshold grid
 * (wakeWordCurve); among the points whose false accepts per hour on the held-out negative
 * track are at most the target, the one with the lowest false-reject rate on the held-out keyword
 * track, the highest threshold on a tie (the same FR with fewer false accepts on speech not yet
 * heard); then the m whose point has the lowest FR (the smaller m on a tie: less latency).
 */
import type { GruMode } from '../stream/gru-window.js';
import { thresholdGrid, wakeWordCurve, type WakeWordPoint, type WakeWordTracks } from './wake-word.js';

export interface OperatingPoint {
  threshold: number;
  smoothSteps: number;
  refractorySec: number;
  mode: GruMode;
  states: number;
  /** The false accepts per hour it was chosen for. */
  targetFaPerHour: number;
  /** What it reached on the held-out streams it was chosen on. */
  faPerHour: number;
  frr: number;
  /** Those streams: hours of negatives, keyword clips, and where they came from. */
  negativeHours: number;
  keywordClips: number;
  data: string;
  /** The chosen m's curve, [threshold, FA per hour, FR] per grid point. */
  curve: [number, number, number][];
}

export interface ChooseOptions {
  targetFaPerHour: number;
  /** Candidate moving averages (default [1]). */
  smoothSteps?: readonly number[];
  refractorySec?: number;
  tolerance?: number;
  thresholds?: readonly number[];
}

/** The point of lowest FR with at most `target` FA/h, the highest threshold on a tie; undefined if none. */
export function quietestBest(curve: readonly WakeWordPoint[], target: number): WakeWordPoint | undefined {
  let best: WakeWordPoint | undefined;
  for (const p of curve) {
    if (p.faPerHour > target) continue;
    if (best === undefined || p.frr < best.frr || (p.frr === best.frr && p.threshold > best.threshold)) best = p;
  }
  return best;
}

/**
 * Choose the detection rule on held-out tracks streamed in `stream.mode` (see the file comment).
 * Falls back to the grid's highest threshold when no threshold is quiet enough.
 * @example chooseOperatingPoint(tracks, { mode: 'staggered', states: 4, data: 'synthetic val' }, { targetFaPerHour: 0.5 })
 */
export function chooseOperatingPoint(tracks: WakeWordTracks, stream: { mode: GruMode; states: number; data: string }, opts: ChooseOptions): OperatingPoint {
  const grid = opts.thresholds ?? thresholdGrid();
  const refractorySec = opts.refractorySec ?? 1;
  let chosen: { m: number; point: WakeWordPoint; curve: WakeWordPoint[] } | undefined;
  for (const m of opts.smoothSteps ?? [1]) {
    const curve = wakeWordCurve(tracks, grid, { smoothSteps: m, refractorySec, tolerance: opts.tolerance });
    const point = quietestBest(curve, opts.targetFaPerHour) ?? curve[curve.length - 1];
    if (chosen === undefined || point.frr < chosen.point.frr) chosen = { m, point, curve };
  }
  if (chosen === undefined) throw new RangeError('chooseOperatingPoint: no candidate moving average');
  const { m, point, curve } = chosen;
  return {
    threshold: point.threshold,
    smoothSteps: m,
    refractorySec,
    mode: stream.mode,
    states: stream.states,
    targetFaPerHour: opts.targetFaPerHour,
    faPerHour: point.faPerHour,
    frr: point.frr,
    negativeHours: tracks.hours,
    keywordClips: tracks.spans.length,
    data: stream.data,
    curve: curve.map((p) => [p.threshold, p.faPerHour, p.frr]),
  };
}

const MODES: readonly string[] = ['staggered', 'reset', 'carried'];

/**
 * The operating point a checkpoint's metadata holds, checked; undefined when it has none.
 * @example operatingPointOf(info.metadata, path)?.threshold // 0.9975
 */
export function operatingPointOf(metadata: Record<string, string>, path: string): OperatingPoint | undefined {
  const text = metadata.operatingPoint;
  if (text === undefined) return undefined;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${path}: metadata 'operatingPoint' is not valid JSON`);
  }
  const num = (k: string, lo: number, hi: number): void => {
    const v = o[k];
    if (typeof v !== 'number' || !(v >= lo && v <= hi)) throw new Error(`${path}: metadata 'operatingPoint' has no valid '${k}' (a number in [${lo}, ${hi}])`);
  };
  if (typeof o !== 'object' || o === null) throw new Error(`${path}: metadata 'operatingPoint' is not an object`);
  num('threshold', 0, 1);
  num('refractorySec', 0, 3600);
  num('smoothSteps', 1, 1000);
  num('states', 1, 1000);
  if (!Number.isInteger(o.smoothSteps) || !Number.isInteger(o.states)) throw new Error(`${path}: metadata 'operatingPoint' has a non-integer 'smoothSteps' or 'states'`);
  if (!MODES.includes(o.mode as string)) throw new Error(`${path}: metadata 'operatingPoint' has no valid 'mode' (${MODES.join(', ')})`);
  return o as unknown as OperatingPoint;
}

/** `θ 0.9975, moving average 1, chosen for 0.5 FA/h on synthetic val (0.86 h of negatives: 0.0 FA/h, FR 12.1%)`. */
export function describeOperatingPoint(op: OperatingPoint): string {
  return `θ ${op.threshold.toPrecision(4)}, moving average ${op.smoothSteps}, chosen for ${op.targetFaPerHour} FA/h on ${op.data} (${op.negativeHours.toFixed(2)} h of negatives: ${op.faPerHour.toFixed(1)} FA/h, FR ${(100 * op.frr).toFixed(1)}% of ${op.keywordClips} keyword clips)`;
}
