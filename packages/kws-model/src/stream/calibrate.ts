/**
 * Wake-word tracks from labelled clips, streamed: the measurement behind `eval --stream` and the
 * operating point a trained model ships with.
 *   negative track: the other-word clips back to back, each once, in a seeded order;
 *   keyword track:  each keyword clip once (seeded order), after `gap` random other-word clips,
 *                   and `gap` more at the end; keyword clip i sits at [at_i, at_i + 1) seconds.
 * Each track is pushed clip by clip into one StreamingKws, as a WAV of the track would be.
 */
import { Rng } from '@kws/tensor';
import { chooseOperatingPoint, type ChooseOptions, type OperatingPoint } from '../metrics/operating-point.js';
import type { WakeWordTracks } from '../metrics/wake-word.js';
import type { CRNN } from '../model/crnn.js';
import type { GruMode } from './gru-window.js';
import { StreamingKws, type StreamingOptions, type StreamOutput } from './streaming.js';

export interface TrackSetup {
  /** 16 kHz waves of the negative track's clips, in track order (repeats may share an array). */
  negative: readonly Float32Array[];
  keyword: readonly Float32Array[];
  /** Indices into `keyword` of the keyword clips (each 1 s long, so clip i spans [i, i + 1) s). */
  at: readonly number[];
}

export interface ModeSpec {
  mode: GruMode;
  states: number;
}

/** Every output of one stream over the clips, back to back (then the end of the stream). */
export function streamClips(model: CRNN, opts: StreamingOptions, clips: readonly Float32Array[]): StreamOutput[] {
  const kws = new StreamingKws(model, opts);
  const out: StreamOutput[] = [];
  for (const x of clips) for (const o of kws.push(x)) out.push(o);
  for (const o of kws.flush()) out.push(o);
  return out;
}

/** Both tracks streamed in one mode, as wakeWordCurve takes them. */
export function streamTracks(model: CRNN, m: ModeSpec, s: TrackSetup): WakeWordTracks {
  return {
    negative: streamClips(model, { mode: m.mode, states: m.states }, s.negative),
    hours: s.negative.length / 3600,
    keyword: streamClips(model, { mode: m.mode, states: m.states }, s.keyword),
    spans: s.at.map((i) => [i, i + 1] as const),
  };
}

/**
 * The keyword track's order: each keyword item once (shuffled), each after `gap` random others,
 * and `gap` more at the end: [o … o K o … o K … o … o]; `at` holds the keyword items' indices.
 */
export function keywordTrackOrder<T>(keyword: readonly T[], others: readonly T[], gap: number, rng: Rng): { chosen: T[]; at: number[] } {
  const chosen: T[] = [];
  const at: number[] = [];
  for (const k of rng.shuffle([...keyword])) {
    for (let i = 0; i < gap; i++) chosen.push(rng.choice(others));
    at.push(chosen.length);
    chosen.push(k);
  }
  for (let i = 0; i < gap; i++) chosen.push(rng.choice(others));
  return { chosen, at };
}

/** The two tracks of a labelled split (see the file comment). */
export function heldOutTracks(clips: readonly Float32Array[], labels: ArrayLike<number>, seed: number, gap = 2): TrackSetup {
  const rng = new Rng(seed);
  const others = clips.filter((_, i) => labels[i] === 0);
  const keyword = clips.filter((_, i) => labels[i] === 1);
  if (others.length === 0 || keyword.length === 0) throw new RangeError(`heldOutTracks: the clips need both classes (${keyword.length} keyword, ${others.length} other)`);
  const { chosen, at } = keywordTrackOrder(keyword, others, gap, rng);
  return { negative: rng.shuffle([...others]), keyword: chosen, at };
}

export interface CalibrateOptions extends ChooseOptions, ModeSpec {
  /** Names the held-out clips in the stored point (e.g. 'the synthetic validation split'). */
  data: string;
  seed?: number;
}

/**
 * The operating point of `model` on held-out labelled clips (chooseOperatingPoint).
 * @example calibrate(model, val.clips, val.labels, { mode: 'staggered', states: 4, targetFaPerHour: 0.5, data: 'synthetic val' })
 */
export function calibrate(model: CRNN, clips: readonly Float32Array[], labels: ArrayLike<number>, opts: CalibrateOptions): OperatingPoint {
  const { mode, states, data, seed = 0, ...choose } = opts;
  const tracks = streamTracks(model, { mode, states }, heldOutTracks(clips, labels, seed));
  return chooseOperatingPoint(tracks, { mode, states, data }, choose);
}
