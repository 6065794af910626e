/**
 * Turns eSpeak output into Speech Commands material: 1 s word clips at 16 kHz and the long
 * background-noise recordings.
 *
 * A clip's pipeline, each step there to keep the task from being trivially separable:
 * speak (voice setting with per-utterance jitter, random closing mark) -> trim the synthesizer's
 * own silence -> resample 22,050 -> 16,000 Hz -> the speaker's microphone colour -> a small room
 * on some clips -> a random offset inside the 1 s window (cropped if longer; on some clips the
 * word may run past an edge) -> noise on most clips (5-40 dB SNR) -> a random peak level, as real
 * recordings vary widely in loudness.
 */
import { resample } from '@kws/kws-model';
import type { Speaker } from './espeak.js';
import type { SynthRng } from './rng.js';
import { addAtSnr, noise, onePole, placeInWindow, reverb, rms, setPeak, trimSilence } from './signal.js';
import type { NoiseColour } from './signal.js';
import { jitterVoice, utteranceText } from './speakers.js';
import type { SynthSpeaker } from './speakers.js';

/** Output sample rate and clip length (Speech Commands: 1 s at 16 kHz). */
export const RATE = 16000;
export const CLIP = 16000;

/** Share of clips that get background noise, and its signal-to-noise range in dB. */
const NOISY_SHARE = 0.6;
const SNR_DB: readonly [number, number] = [5, 40];
/** Share of clips in a (synthetic) room, and of clips whose word may run past the window's edge. */
const ROOM_SHARE = 0.35;
const CUT_SHARE = 0.15;
const CUT_MAX = 0.2;

/** Speaks one word as `speaker` and returns it at 16 kHz, trimmed, coloured, not yet placed. */
export function speakWord(espeak: Speaker, rng: SynthRng, speaker: SynthSpeaker, word: string): Float32Array {
  const raw = espeak.speak(utteranceText(rng, word), jitterVoice(rng, speaker));
  // Keep 10 ms either side of the voiced part so that onsets and releases stay intact.
  const trimmed = trimSilence(raw, 0.02, Math.round(0.01 * espeak.sampleRate));
  return onePole(resample(trimmed, espeak.sampleRate, RATE), speaker.tone);
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
 * const clip = renderClip(espeak, rng, speakers[0], 'sheila'); // Float32Array(16000)
 */
export function renderClip(espeak: Speaker, rng: SynthRng, speaker: SynthSpeaker, word: string): Float32Array {
  let voiced = speakWord(espeak, rng, speaker, word);
  if (rng.chance(ROOM_SHARE)) voiced = reverb(padTail(voiced, 0.25 * RATE), rng.uniform(0.6, 2), rng.uniform(0.1, 0.4));
  const clip = placeInWindow(voiced, CLIP, rng, rng.chance(CUT_SHARE) ? CUT_MAX : 0);
  if (rng.chance(NOISY_SHARE)) {
    const colour = rng.pick<NoiseColour>(['white', 'pink', 'brown']);
    addAtSnr(clip, noise(rng, colour, CLIP), rng.uniform(SNR_DB[0], SNR_DB[1]), rms(voiced));
  }
  // Log-uniform peak between -26 dBFS and -1 dBFS.
  setPeak(clip, 10 ** (rng.uniform(-26, -1) / 20));
  return clip;
}

/**
 * Babble: `seconds` of voices saying `words` at random, overlapping times, about six words a
 * second (two to three at once). The words come from a pool of eight per babble speaker, each
 * placed several times with its own gain: eSpeak is the slow part, and babble is noise.
 *
 * @example
 * const crowd = renderBabble(espeak, rng, babblers, ['yes', 'no'], 45);
 */
export function renderBabble(
  espeak: Speaker,
  rng: SynthRng,
  babblers: readonly SynthSpeaker[],
  words: readonly string[],
  seconds: number,
): Float32Array {
  const pool = babblers.flatMap((b) => Array.from({ length: 8 }, () => speakWord(espeak, rng, b, rng.pick(words))));
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
 * const files = renderBackground(espeak, rng, babblers, ['yes', 'no'], 45); // { white_noise: ..., ... }
 */
export function renderBackground(
  espeak: Speaker,
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
  files.babble = renderBabble(espeak, rng, babblers, words, seconds);
  return files;
}
