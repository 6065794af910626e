/**
 * Turns engine output into Speech Commands material: 1 s word clips at 16 kHz and the long
 * background-noise recordings.
 *
 * A clip's pipeline, each step there to make synthetic speakers differ as real people and
 * recordings do:
 * speak (the speaker's voice, varied per utterance, with a random closing mark) -> trim the
 * synthesizer's own silence -> resample to 16 kHz through the speaker's vocal-tract warp (speed
 * perturbation: pitch and formants scale together), varied ±3% per utterance -> the speaker's
 * microphone (high-pass and low-pass) -> sometimes a room -> a random offset inside the 1 s
 * window (on some clips the word runs past an edge) -> noise on most clips at a random SNR ->
 * a random peak level, as real recordings vary widely in loudness.
 */
import { resample } from '@kws/kws-model';
import type { Engine } from './engine.js';
import { ENGINES } from './engines.js';
import type { SynthRng } from './rng.js';
import { addAtSnr, highPass, noise, onePole, placeInWindow, reverb, rms, setPeak, trimSilence } from './signal.js';
import type { NoiseColour } from './signal.js';
import { utteranceText } from './speakers.js';
import type { SynthSpeaker } from './speakers.js';

/** Output sample rate and clip length (Speech Commands: 1 s at 16 kHz). */
export const RATE = 16000;
export const CLIP = 16000;

/** Share of clips that get background noise, and its signal-to-noise range in dB. */
const NOISY_SHARE = 0.7;
const SNR_DB: readonly [number, number] = [0, 35];
/** Share of clips whose word may run past the window's edge, and by how much at most. */
const CUT_SHARE = 0.15;
const CUT_MAX = 0.2;

/**
 * Parts of the pipeline (and of the vocabulary, see generate.ts) that a data set can be made
 * without, to measure what each one contributes (an ablation). A clip made without a part still
 * draws that part's random numbers, so the other parts of every clip stay exactly as they were.
 */
export const PARTS = ['homophones', 'common', 'warp', 'mic', 'room', 'noise', 'level', 'position'] as const;
export type Part = (typeof PARTS)[number];
/** The pipeline's parts left out of one clip. */
export type Without = ReadonlySet<Part>;
const NONE: Without = new Set();

/** Loaded engines by name (a worker holds one instance of each engine it uses). */
export type Engines = Readonly<Record<string, Engine<unknown>>>;

/**
 * The vocal-tract warps: 8 levels 3% apart. Few, because each level is its own resampling kernel
 * and building one costs as much as resampling a clip (the resampler caches 8).
 */
export const WARPS: readonly number[] = [0.895, 0.925, 0.955, 0.985, 1.015, 1.045, 1.075, 1.105];

/**
 * Speaks one word as `speaker` and returns it at 16 kHz, trimmed, warped and coloured, not yet
 * placed. The warp is applied by resampling from a source rate of `engineRate · warp` (rounded
 * to 100 Hz); each utterance takes the speaker's level or a neighbour.
 */
export function speakWord(engines: Engines, rng: SynthRng, speaker: SynthSpeaker, word: string, without: Without = NONE): Float32Array {
  const engine = engines[speaker.engine];
  const raw = engine.speak(utteranceText(rng, word), ENGINES[speaker.engine].jitter(rng, speaker.voice));
  // Keep 10 ms either side of the voiced part so that onsets and releases stay intact.
  const trimmed = trimSilence(raw, 0.02, Math.round(0.01 * engine.sampleRate));
  const level = Math.max(0, Math.min(WARPS.length - 1, speaker.warp + rng.int(3) - 1));
  const from = without.has('warp') ? engine.sampleRate : Math.round((engine.sampleRate * WARPS[level]) / 100) * 100;
  const voiced = resample(trimmed, from, RATE);
  return without.has('mic') ? voiced : onePole(highPass(voiced, speaker.highpassHz, RATE), speaker.tone);
}

/** `x` followed by `n` zeros, room for a reverberation tail. */
function padTail(x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(x.length + n);
  out.set(x);
  return out;
}

/**
 * One finished 1 s clip of `word` said by `speaker`.
 *
 * @example
 * const clip = renderClip(engines, rng, speakers[0], 'sheila'); // Float32Array(16000)
 */
export function renderClip(engines: Engines, rng: SynthRng, speaker: SynthSpeaker, word: string, without: Without = NONE): Float32Array {
  let voiced = speakWord(engines, rng, speaker, word, without);
  if (rng.chance(speaker.roomShare)) {
    const [size, wet] = [rng.uniform(0.6, 2), rng.uniform(0.1, 0.4)];
    if (!without.has('room')) voiced = reverb(padTail(voiced, 0.25 * RATE), size, wet);
  }
  const placed = placeInWindow(voiced, CLIP, rng, rng.chance(CUT_SHARE) ? CUT_MAX : 0);
  const clip = without.has('position') ? centred(voiced) : placed;
  if (rng.chance(NOISY_SHARE)) {
    const colour = rng.pick<NoiseColour>(['white', 'pink', 'brown']);
    const n = noise(rng, colour, CLIP);
    const snr = rng.uniform(SNR_DB[0], SNR_DB[1]);
    if (!without.has('noise')) addAtSnr(clip, n, snr, rms(voiced));
  }
  // Log-uniform peak between -30 dBFS and -1 dBFS (without 'level': -6 dBFS).
  const peakDb = rng.uniform(-30, -1);
  setPeak(clip, 10 ** ((without.has('level') ? -6 : peakDb) / 20));
  return clip;
}

/** `x` in the middle of the 1 s window (cut evenly at both ends when longer). */
function centred(x: Float32Array): Float32Array {
  const out = new Float32Array(CLIP);
  const at = Math.floor((CLIP - x.length) / 2);
  for (let i = Math.max(0, -at); i < x.length && at + i < CLIP; i++) out[at + i] = x[i];
  return out;
}

/**
 * Babble: `seconds` of voices saying `words` at random, overlapping times, about six words a
 * second (two to three at once). The words come from a pool of eight per babble speaker, each
 * placed several times with its own gain: synthesis is the slow part, and babble is noise.
 *
 * @example
 * const crowd = renderBabble(engines, rng, babblers, ['yes', 'no'], 45);
 */
export function renderBabble(
  engines: Engines,
  rng: SynthRng,
  babblers: readonly SynthSpeaker[],
  words: readonly string[],
  seconds: number,
): Float32Array {
  const pool = babblers.flatMap((b) => Array.from({ length: 8 }, () => speakWord(engines, rng, b, rng.pick(words))));
  const out = new Float32Array(Math.round(seconds * RATE));
  for (let i = 0; i < Math.round(6 * seconds); i++) {
    const w = rng.pick(pool);
    const at = rng.int(Math.max(1, out.length - w.length));
    const gain = rng.uniform(0.2, 1) / Math.max(1e-6, rms(w));
    for (let j = 0; j < w.length && at + j < out.length; j++) out[at + j] += gain * w[j];
  }
  setPeak(out, 0.5);
  return out;
}

/**
 * The four background recordings of `_background_noise_`, each `seconds` long at 16 kHz.
 *
 * @example
 * const files = renderBackground(engines, rng, babblers, ['yes', 'no'], 45); // { white_noise: ..., ... }
 */
export function renderBackground(
  engines: Engines,
  rng: SynthRng,
  babblers: readonly SynthSpeaker[],
  words: readonly string[],
  seconds: number,
): Record<string, Float32Array> {
  const n = Math.round(seconds * RATE);
  const files: Record<string, Float32Array> = {};
  for (const colour of ['white', 'pink', 'brown'] as const) {
    const x = noise(rng, colour, n);
    setPeak(x, 0.5);
    files[`${colour}_noise`] = x;
  }
  files.babble = renderBabble(engines, rng, babblers, words, seconds);
  return files;
}
