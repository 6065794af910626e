/**
 * Training-time waveform augmentation, as the course recipe does it: per clip, one of four
 * transforms chosen uniformly:
 *   0. identity;
 *   1. x + e, e ~ N(0, 0.01^2) per sample (std 0.01), clamped to [-1, 1];
 *   2. volume: 0.25 x (clamped to [-1, 1] like torchaudio's Vol, a no-op for audio in range);
 *   3. background noise: x + alpha n, where n is a random segment (the clip's length, random start)
 *      of a random noise file N and alpha = (||x|| / ||N||) * 10^(-1/20) (L2 norms, ||N|| over the
 *      whole file: a 1 dB level below the clip relative to the whole file), clamped to [-1, 1].
 * Every transform returns a new array; the input is never modified.
 *
 * ||N|| is the same number on every call for a file, so it is computed once per noise array
 * (`noiseNorm`): summed over a 60 s file it was 1.26 ms of a 1.4 ms call on a 1 s clip.
 */
import type { Rng } from '@kws/tensor';

function clampInPlace(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = x[i] > 1 ? 1 : x[i] < -1 ? -1 : x[i];
  return x;
}

function l2(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

/**
 * ||N|| of each noise array seen, kept for as long as the array lives. It is `l2` itself, the
 * same sum in the same order, so a cached norm is the very number a fresh one would be. Noise
 * arrays are read-only once used (loadNoise's are never written): one changed in place after a
 * call would keep its old norm.
 */
const noiseNorms = new WeakMap<Float32Array, number>();

function noiseNorm(noise: Float32Array): number {
  let norm = noiseNorms.get(noise);
  if (norm === undefined) {
    norm = l2(noise);
    noiseNorms.set(noise, norm);
  }
  return norm;
}

/**
 * Adds Gaussian noise of standard deviation `std` (default 0.01) and clamps to [-1, 1].
 *
 * @example
 * const y = addGaussianNoise(x, new Rng(0)); // y[i] = clamp(x[i] + N(0, 0.01^2))
 */
export function addGaussianNoise(x: Float32Array, rng: Rng, std = 0.01): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] + rng.normal(0, std);
  return clampInPlace(y);
}

/**
 * Multiplies by `gain` (default 0.25) and clamps to [-1, 1].
 *
 * @example
 * changeVolume(Float32Array.from([0.8]))[0]; // 0.2
 */
export function changeVolume(x: Float32Array, gain = 0.25): Float32Array {
  return clampInPlace(x.map((v) => v * gain));
}

/**
 * Adds a random segment of a random noise file at alpha = (||x|| / ||noise||) * 10^(-1/20),
 * clamped to [-1, 1]. A noise file shorter than the clip is repeated. With no noise files (or
 * silent noise) the clip is returned unchanged, as a copy. ||noise|| is computed on a file's
 * first use only, so a call costs O(clip), not O(noise file); the noise arrays must not change
 * after it.
 *
 * @example
 * const y = addBackgroundNoise(x, rng, loadNoise(sc.noiseFiles));
 */
export function addBackgroundNoise(x: Float32Array, rng: Rng, noises: Float32Array[]): Float32Array {
  if (noises.length === 0) return x.slice();
  const noise = rng.choice(noises);
  const norm = noiseNorm(noise);
  if (noise.length === 0 || norm === 0) return x.slice();
  const alpha = (l2(x) / norm) * 10 ** (-1 / 20);
  const start = rng.int(Math.max(noise.length - x.length + 1, 1));
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] + alpha * noise[(start + i) % noise.length];
  return clampInPlace(y);
}

/**
 * One of the four augmentations, chosen uniformly by `rng`. Training only.
 * Without noise files the fourth choice is the identity (so identity then has probability 1/2).
 *
 * @example
 * const batch = clips.map((x) => augmentClip(x, rng, noises));
 */
export function augmentClip(x: Float32Array, rng: Rng, noises: Float32Array[]): Float32Array {
  switch (rng.int(4)) {
    case 0:
      return x.slice();
    case 1:
      return addGaussianNoise(x, rng);
    case 2:
      return changeVolume(x);
    default:
      return addBackgroundNoise(x, rng, noises); // identity (a copy) when there are no noise files
  }
}
