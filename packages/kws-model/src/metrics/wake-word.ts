/**
 * Wake-word figures from streamed tracks: the false-reject rate at a stated number of false
 * accepts per hour, and the curve of both over thresholds.
 *
 * Two tracks are streamed: a negative track (only non-keyword words, `hours` long) and a keyword
 * track whose keyword clips sit at known spans [s, e] (seconds) between other words. At a
 * threshold θ, events are what `EventDetector` fires on each track's probabilities (moving
 * average, rising crossing of θ, refractory time: one utterance fires once).
 *   false accepts per hour = events on the negative track / hours
 *   a keyword clip is hit when an event at time t (the end of its window) has s ≤ t ≤ e + tolerance
 *   (the event's window overlaps the clip, and fired within `tolerance` seconds of its end);
 *   false-reject rate = keyword clips not hit / keyword clips.
 * Events on the keyword track that hit no clip are counted apart (`stray`), not as false accepts:
 * the negative track alone measures those.
 */
import { detectEvents, type DetectOptions } from '../stream/detect.js';
import type { StreamOutput } from '../stream/streaming.js';

export interface WakeWordPoint {
  threshold: number;
  falseAccepts: number;
  faPerHour: number;
  misses: number;
  frr: number;
  /** Events on the keyword track that hit no keyword clip. */
  stray: number;
}

export interface WakeWordTracks {
  negative: readonly StreamOutput[];
  /** Length of the negative track in hours. */
  hours: number;
  keyword: readonly StreamOutput[];
  /** [start, end] seconds of each keyword clip on the keyword track. */
  spans: readonly (readonly [number, number])[];
}

export interface WakeWordOptions extends Omit<DetectOptions, 'threshold'> {
  /** Seconds after a keyword clip's end within which an event still hits it (default 0.5). */
  tolerance?: number;
}

/**
 * A default threshold grid: θ = σ(u) for u = −6 .. 12 in steps of 0.1 (0.0025 .. 0.999994), dense
 * where a good detector's operating points lie, near 1.
 */
export function thresholdGrid(): number[] {
  return Array.from({ length: 181 }, (_, i) => 1 / (1 + Math.exp(-(-6 + 0.1 * i))));
}

/**
 * Keyword clips hit, and stray events, for events sorted by time. Spans are sorted and further
 * apart than the tolerance, so each event can hit at most one: the first span not yet over.
 */
function matchEvents(times: readonly number[], spans: WakeWordTracks['spans'], tolerance: number): { hits: number; stray: number } {
  let hits = 0, stray = 0, j = 0;
  const hit = new Uint8Array(spans.length);
  for (const t of times) {
    while (j < spans.length && spans[j][1] + tolerance < t) j++;
    if (j < spans.length && spans[j][0] <= t) {
      hits += 1 - hit[j];
      hit[j] = 1;
    } else stray++;
  }
  return { hits, stray };
}

/**
 * One point per threshold.
 * @example wakeWordCurve(tracks, thresholdGrid(), { refractorySec: 1 }) // [{ threshold, faPerHour, frr, ... }, ...]
 */
export function wakeWordCurve(tracks: WakeWordTracks, thresholds: readonly number[], opts: WakeWordOptions = {}): WakeWordPoint[] {
  const { tolerance = 0.5, ...detect } = opts;
  if (!(tracks.hours > 0)) throw new RangeError(`wakeWordCurve: the negative track must have a positive length, got ${tracks.hours} h`);
  if (tracks.spans.length === 0) throw new RangeError('wakeWordCurve: the keyword track has no keyword clip');
  tracks.spans.forEach(([s, e], i) => {
    const next = tracks.spans[i + 1];
    if (!(e >= s) || (next !== undefined && !(next[0] > e + tolerance))) throw new RangeError(`wakeWordCurve: keyword spans must be sorted and more than the tolerance (${tolerance} s) apart`);
  });
  return thresholds.map((threshold) => {
    const falseAccepts = detectEvents(tracks.negative, { ...detect, threshold }).length;
    const times = detectEvents(tracks.keyword, { ...detect, threshold }).map((e) => e.time);
    const { hits, stray } = matchEvents(times, tracks.spans, tolerance);
    const misses = tracks.spans.length - hits;
    return { threshold, falseAccepts, faPerHour: falseAccepts / tracks.hours, misses, frr: misses / tracks.spans.length, stray };
  });
}

/**
 * The operating point with the lowest false-reject rate among those with at most `faPerHour`
 * false accepts an hour (the lowest such threshold on a tie); undefined if none is that quiet.
 * @example frAtFaRate(curve, 5)?.frr // 0.067
 */
export function frAtFaRate(curve: readonly WakeWordPoint[], faPerHour: number): WakeWordPoint | undefined {
  let best: WakeWordPoint | undefined;
  for (const p of curve) {
    if (p.faPerHour > faPerHour) continue;
    if (best === undefined || p.frr < best.frr || (p.frr === best.frr && p.threshold < best.threshold)) best = p;
  }
  return best;
}
