/**
 * Hard-negative mining: the windows of a stream of other words on which a model fires.
 *
 * A model trained on isolated, centred words meets something else in a stream: every 80 ms a 1 s
 * window of connected speech, across word boundaries and through half words. The windows it
 * fires on there are the training negatives it lacks. Mining streams the model over a long
 * track of negative clips glued back to back (as `eval --stream` glues its tracks), exactly as
 * `kws-cli stream` would (StreamingKws, the same mode), and keeps the peaks:
 *   a peak is the step of highest p within one run of consecutive steps with p ≥ floor, and
 *   peaks closer than `spacingSec` keep only the higher one (one utterance, one negative);
 *   the `count` highest peaks are returned, highest first.
 * The window of an output at time t (the centre of its newest frame) is the 1 s of audio ending
 * at t: samples [t·sr − 16000, t·sr), which an offline forward turns into the same 101 frames
 * (up to the reflect padding at its two edges).
 */
import type { CRNN } from '../model/crnn.js';
import { streamClips } from './calibrate.js';
import type { StreamingOptions, StreamOutput } from './streaming.js';

export const WINDOW_SAMPLES = 16000;

/** Clips back to back, each padded with zeros or cut to `clipSamples`. */
export function glueClips(clips: readonly Float32Array[], clipSamples = WINDOW_SAMPLES): Float32Array {
  const out = new Float32Array(clipSamples * clips.length);
  clips.forEach((c, i) => out.set(c.length > clipSamples ? c.subarray(0, clipSamples) : c, i * clipSamples));
  return out;
}

/** The `samples` samples of `wave` that end at `time` seconds (zeros before the start). */
export function windowEndingAt(wave: Float32Array, time: number, sampleRate = 16000, samples = WINDOW_SAMPLES): Float32Array {
  const end = Math.min(wave.length, Math.round(time * sampleRate));
  const out = new Float32Array(samples);
  const start = end - samples;
  out.set(wave.subarray(Math.max(0, start), end), Math.max(0, -start));
  return out;
}

export interface PeakOptions {
  /** Lowest p a peak may have (default 0.5). */
  floor?: number;
  /** Peaks closer than this many seconds keep only the higher (default 1). */
  spacingSec?: number;
  /** At most this many peaks, the highest (default all). */
  count?: number;
}

/**
 * The peaks of a probability stream, highest first (see the file comment).
 * @example peaks(outputs, { floor: 0.5, count: 500 }) // [{ time: 812.4, p: 0.998 }, ...]
 */
export function peaks(outputs: readonly StreamOutput[], opts: PeakOptions = {}): StreamOutput[] {
  const floor = opts.floor ?? 0.5;
  const spacing = opts.spacingSec ?? 1;
  const runs: StreamOutput[] = [];
  let top: StreamOutput | undefined;
  for (const o of outputs) {
    if (o.p >= floor) {
      if (top === undefined || o.p > top.p) top = o;
    } else if (top !== undefined) {
      runs.push(top);
      top = undefined;
    }
  }
  if (top !== undefined) runs.push(top);
  // Highest first; a peak too close to a higher one already kept is dropped.
  const kept: StreamOutput[] = [];
  for (const r of [...runs].sort((a, b) => b.p - a.p || a.time - b.time)) {
    if (opts.count !== undefined && kept.length >= opts.count) break;
    if (kept.every((k) => Math.abs(k.time - r.time) >= spacing)) kept.push(r);
  }
  return kept;
}

export interface MinedWindow {
  /** Seconds into the mined track where the window ends. */
  time: number;
  /** The model's p there when it was mined. */
  p: number;
  wave: Float32Array;
}

/**
 * The `count` windows of `track` (a stream of other words) on which `model` fires hardest.
 * @example mineHardNegatives(model, glueClips(negatives), { count: 1000, mode: 'staggered' })
 */
export function mineHardNegatives(model: CRNN, track: Float32Array, opts: PeakOptions & StreamingOptions = {}): MinedWindow[] {
  const { floor, spacingSec, count, ...stream } = opts;
  const found = peaks(streamClips(model, stream, [track]), { floor, spacingSec, count });
  return found.map((o) => ({ time: o.time, p: o.p, wave: windowEndingAt(track, o.time) }));
}
