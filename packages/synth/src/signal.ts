/**
 * Small signal helpers for building clips: trimming, colouring, placing, mixing, levelling, and
 * the three coloured noises. All work on Float32Array samples in [-1, 1].
 */
import type { SynthRng } from './rng.js';

/** Root mean square of `x` (0 for an empty array). */
export function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return x.length === 0 ? 0 : Math.sqrt(s / x.length);
}

/** Largest absolute sample. */
export function peak(x: Float32Array): number {
  let p = 0;
  for (let i = 0; i < x.length; i++) p = Math.max(p, Math.abs(x[i]));
  return p;
}

/**
 * Cuts leading and trailing near-silence (below `rel` times the peak), keeping `margin` samples
 * either side, so that a word's placement inside the 1 s window is ours, not the synthesizer's.
 *
 * @example
 * trimSilence(new Float32Array([0, 0, 0.5, 0.2, 0, 0]), 0.01, 0); // [0.5, 0.2]
 */
export function trimSilence(x: Float32Array, rel = 0.02, margin = 0): Float32Array {
  const thr = rel * peak(x);
  let a = 0;
  while (a < x.length && Math.abs(x[a]) <= thr) a++;
  let b = x.length - 1;
  while (b > a && Math.abs(x[b]) <= thr) b--;
  if (a >= x.length) return new Float32Array(0);
  return x.slice(Math.max(0, a - margin), Math.min(x.length, b + 1 + margin));
}

/**
 * One-pole low-pass y[n] = (1 - a)·x[n] + a·y[n-1] (unit gain at DC): a = 0 is transparent,
 * larger a dulls the highs, like a cheaper microphone.
 *
 * @example
 * const dull = onePole(x, 0.5);
 */
export function onePole(x: Float32Array, a: number): Float32Array {
  const y = new Float32Array(x.length);
  let prev = 0;
  for (let i = 0; i < x.length; i++) {
    prev = (1 - a) * x[i] + a * prev;
    y[i] = prev;
  }
  return y;
}

/**
 * One-pole high-pass at corner `hz` (y[n] = a·(y[n-1] + x[n] - x[n-1]), a = RC / (RC + 1/rate)):
 * removes the low end as small microphones and phone lines do.
 *
 * @example
 * const thin = highPass(x, 200, 16000);
 */
export function highPass(x: Float32Array, hz: number, rate: number): Float32Array {
  const rc = 1 / (2 * Math.PI * hz);
  const a = rc / (rc + 1 / rate);
  const y = new Float32Array(x.length);
  let prevX = 0;
  let prevY = 0;
  for (let i = 0; i < x.length; i++) {
    prevY = a * (prevY + x[i] - prevX);
    prevX = x[i];
    y[i] = prevY;
  }
  return y;
}

/**
 * Puts `x` at a uniformly random offset inside a zeroed window of `length` samples. The offset
 * may push up to `overhang` of the word past either edge (real 1 s recordings often cut a word's
 * start or end); a word longer than the window is cropped to a random `length`-long stretch.
 *
 * @example
 * const clip = placeInWindow(word, 16000, rng); // clip.length === 16000
 */
export function placeInWindow(x: Float32Array, length: number, rng: SynthRng, overhang = 0): Float32Array {
  const out = new Float32Array(length);
  const over = Math.floor(overhang * Math.min(x.length, length));
  // at = where x[0] lands; from -(excess + over) when x is longer, up to length - x.length + over.
  const lo = Math.min(0, length - x.length) - over;
  const hi = Math.max(0, length - x.length) + over;
  const at = lo + rng.int(hi - lo + 1);
  const from = Math.max(0, -at);
  const to = Math.min(x.length, length - at);
  if (to > from) out.set(x.subarray(from, to), at + from);
  return out;
}

/**
 * A small Schroeder reverberator: four parallel feedback combs (delays scaled by `size`, feedback
 * 0.7-0.8) into two series all-passes, mixed in at `wet`. O(n) per clip, enough to suggest a
 * room without the cost of convolving a measured impulse response.
 *
 * @example
 * const roomy = reverb(clip, 1.2, 0.3);
 */
export function reverb(x: Float32Array, size: number, wet: number): Float32Array {
  const combs = [1116, 1188, 1277, 1356].map((d) => ({ d: Math.round(d * size * 0.5), g: 0.7 + 0.1 * Math.min(1, size / 2) }));
  const acc = new Float32Array(x.length);
  for (const { d, g } of combs) {
    const y = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) y[i] = x[i] + (i >= d ? g * y[i - d] : 0);
    for (let i = 0; i < x.length; i++) acc[i] += y[i] / combs.length;
  }
  let tail = acc;
  for (const d of [225, 556]) {
    const y = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) y[i] = -0.5 * tail[i] + (i >= d ? tail[i - d] + 0.5 * y[i - d] : 0);
    tail = y;
  }
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (1 - wet) * x[i] + wet * tail[i];
  return out;
}

/** Adds `noise` in place so that rms(signal) / rms(noise) is `snrDb` decibels. */
export function addAtSnr(x: Float32Array, noise: Float32Array, snrDb: number, signalRms: number): void {
  const nr = rms(noise);
  if (nr === 0) return;
  const scale = signalRms / nr / 10 ** (snrDb / 20);
  for (let i = 0; i < x.length; i++) x[i] += scale * noise[i];
}

/** Scales `x` in place so that its peak is `target` (no-op for silence), then clamps to [-1, 1]. */
export function setPeak(x: Float32Array, target: number): void {
  const p = peak(x);
  if (p === 0) return;
  const g = target / p;
  for (let i = 0; i < x.length; i++) x[i] = Math.max(-1, Math.min(1, g * x[i]));
}

/** The noise colours the background folder and the clip noise use. */
export type NoiseColour = 'white' | 'pink' | 'brown';

/**
 * `n` samples of unit-RMS noise: white (Gaussian), pink (1/f: Paul Kellet's economy filter, three
 * one-pole stages fed by white noise) or brown (1/f²: leaky integration of white noise).
 *
 * @example
 * const hiss = noise(rng, 'pink', 16000);
 */
export function noise(rng: SynthRng, colour: NoiseColour, n: number): Float32Array {
  const out = new Float32Array(n);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < n; i++) {
    const w = rng.normal();
    if (colour === 'white') out[i] = w;
    else if (colour === 'brown') out[i] = b0 = 0.995 * b0 + w;
    else {
      b0 = 0.99765 * b0 + w * 0.099046;
      b1 = 0.963 * b1 + w * 0.2965164;
      b2 = 0.57 * b2 + w * 1.0526913;
      out[i] = b0 + b1 + b2 + w * 0.1848;
    }
  }
  const r = rms(out);
  if (r > 0) for (let i = 0; i < n; i++) out[i] /= r;
  return out;
}
