/**
 * Training-time waveform augmentation, as the course recipe does it: per clip, one of four
 * transforms chosen uniformly:
 *   0. identity;
 *   1. x + e, e ~ N(0, 0.01^2) per sample (std 0.01), clamped to [-1, 1];
 *   2. volume: 0.25 x (clamped to [-1, 1] like torchaudio's Vol, a no-op for audio in range);
 *   3. background noise: x + alpha n, where n is a random segment (the clip's length, random start)
 *      of a random noise file N and alpha = (||x|| / ||N||) * 10^(-1/20) (L2 norms, ||N|| over the
 *      whole file: a 1 dB level below the clip relative to the whole file), clamped to [-1, 1].
 * Every transform writes its result into `out` (a new array unless one is given: trainingBatch
 * reuses one for a whole batch) and returns it; the input is never modified unless it is `out`.
 *
 * Speed, with the results bit for bit those of the plain code (augment-reference.test.ts):
 * ||N|| is the same number on every call for a file, so it is computed once per noise array
 * (`noiseNorm`; summed over a 60 s file it was 1.26 ms of a 1.4 ms call on a 1 s clip); and the
 * clamp is applied as each sample is made instead of in a second pass, to the float32 value that
 * the pass would have read back (`clamp(fround(v))`); Gaussian noise is drawn by `Rng.fillNormal`,
 * the same numbers as a `normal` call per sample.
 */
import type { Rng } from '@kws/tensor';

/** min(max(v, -1), 1) of a float32 value (NaN and -0 pass through, as the comparisons leave them). */
function clamp(v: number): number {
  return v > 1 ? 1 : v < -1 ? -1 : v;
}

/**
 * addGaussianNoise's noise values, grown to the longest clip seen: float64, as rng.normal returns
 * them, so that x + e is the same double sum as before. Reused call after call (nothing awaits
 * while it is in use).
 */
let normals = new Float64Array(0);

/** The output array: `out` when given (of x's length), else a new one. */
function target(x: Float32Array, out: Float32Array | undefined): Float32Array {
  if (out === undefined) return new Float32Array(x.length);
  if (out.length !== x.length) throw new RangeError(`augment: output of length ${out.length} for a clip of ${x.length} samples`);
  return out;
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
export function addGaussianNoise(x: Float32Array, rng: Rng, std = 0.01, out?: Float32Array): Float32Array {
  const y = target(x, out);
  if (normals.length < x.length) normals = new Float64Array(x.length);
  const e = rng.fillNormal(normals.subarray(0, x.length), 0, std); // = rng.normal(0, std) per sample, in order
  for (let i = 0; i < x.length; i++) y[i] = clamp(Math.fround(x[i] + e[i]));
  return y;
}

/**
 * Multiplies by `gain` (default 0.25) and clamps to [-1, 1].
 *
 * @example
 * changeVolume(Float32Array.from([0.8]))[0]; // 0.2
 */
export function changeVolume(x: Float32Array, gain = 0.25, out?: Float32Array): Float32Array {
  const y = target(x, out);
  for (let i = 0; i < x.length; i++) y[i] = clamp(Math.fround(x[i] * gain));
  return y;
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
export function addBackgroundNoise(x: Float32Array, rng: Rng, noises: Float32Array[], out?: Float32Array): Float32Array {
  const y = target(x, out);
  if (noises.length === 0) return copyInto(x, y);
  const noise = rng.choice(noises);
  const norm = noiseNorm(noise);
  if (noise.length === 0 || norm === 0) return copyInto(x, y);
  const alpha = (l2(x) / norm) * 10 ** (-1 / 20);
  const n = noise.length;
  const start = rng.int(Math.max(n - x.length + 1, 1));
  // j = (start + i) mod n, stepped instead of divided (start < n)
  for (let i = 0, j = start; i < x.length; i++, j = j + 1 === n ? 0 : j + 1) y[i] = clamp(Math.fround(x[i] + alpha * noise[j]));
  return y;
}

function copyInto(x: Float32Array, y: Float32Array): Float32Array {
  if (y !== x) y.set(x);
  return y;
}

/**
 * One of the four augmentations, chosen uniformly by `rng`. Training only.
 * Without noise files the fourth choice is the identity (so identity then has probability 1/2).
 * The result goes into `out` when given (one scratch array reused clip after clip).
 *
 * @example
 * const batch = clips.map((x) => augmentClip(x, rng, noises));
 */
export function augmentClip(x: Float32Array, rng: Rng, noises: Float32Array[], out?: Float32Array): Float32Array {
  const y = target(x, out);
  switch (rng.int(4)) {
    case 0:
      return copyInto(x, y);
    case 1:
      return addGaussianNoise(x, rng, 0.01, y);
    case 2:
      return changeVolume(x, 0.25, y);
    default:
      return addBackgroundNoise(x, rng, noises, y); // identity (a copy) when there are no noise files
  }
}
