/**
 * Band-limited resampling by a Kaiser-windowed sinc, and clip loading at a fixed rate and length.
 *
 * Why: background-noise files and synthetic speech (22,050 Hz) must reach the model's 16 kHz
 * without aliasing; naive linear interpolation folds energy above the new Nyquist back into band.
 *
 * Maths. With g = gcd(from, to), up = to / g and down = from / g, output sample n sits at input
 * time t_n = n * down / up = b + p / up (b integer, p in [0, up) the polyphase index). Then
 *   y[n] = sum_k x[k] h(t_n - k),   h(t) = fc * sinc(fc * t) * w(t / W),
 * with sinc(u) = sin(pi u) / (pi u), fc = ROLLOFF * min(1, to / from) the cutoff as a fraction of
 * the input Nyquist (a little under min(from, to) / 2), W = ceil(ZEROS / fc) input samples each
 * side, and w the Kaiser window I0(beta sqrt(1 - r^2)) / I0(beta) (beta 8.6: ~86 dB stopband).
 * The taps of each phase are normalised to sum to 1 (unit DC gain); samples outside x are zero.
 * The up x 2W tap table is computed once per rate pair and cached.
 */
import { readWav, type ChannelMix } from './wav.js';

const ZEROS = 32;
const ROLLOFF = 0.9;
const BETA = 8.6;
const MAX_TABLE = 1 << 20;
const CACHE_SIZE = 8;

interface Kernel {
  up: number;
  down: number;
  half: number;
  fc: number;
  table: Float64Array | undefined;
}

const cache = new Map<string, Kernel>();

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind, by its power series. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200 && term > 1e-16 * sum; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

/** Fills `w` with the normalised taps for fractional offset `frac`; tap j reads x[b + j - half + 1]. */
function fillTaps(w: Float64Array, frac: number, half: number, fc: number): Float64Array {
  const i0Beta = besselI0(BETA);
  let sum = 0;
  for (let j = 0; j < w.length; j++) {
    const t = frac + half - 1 - j;
    const r = t / half;
    if (Math.abs(r) >= 1) {
      w[j] = 0;
      continue;
    }
    const u = fc * t;
    const sinc = u === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
    w[j] = fc * sinc * (besselI0(BETA * Math.sqrt(1 - r * r)) / i0Beta);
    sum += w[j];
  }
  for (let j = 0; j < w.length; j++) w[j] /= sum;
  return w;
}

function kernelFor(from: number, to: number): Kernel {
  const key = `${from}/${to}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const g = gcd(from, to);
  const up = to / g;
  const fc = ROLLOFF * Math.min(1, to / from);
  const half = Math.ceil(ZEROS / fc);
  const taps = 2 * half;
  let table: Float64Array | undefined;
  if (up * taps <= MAX_TABLE) {
    table = new Float64Array(up * taps);
    for (let p = 0; p < up; p++) fillTaps(table.subarray(p * taps, (p + 1) * taps), p / up, half, fc);
  }
  const kernel = { up, down: from / g, half, fc, table };
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, kernel);
  return kernel;
}

/**
 * Resamples `x` from `from` Hz to `to` Hz (integer rates); output length round(len * to / from).
 * Equal rates return a copy.
 *
 * @example
 * const y = resample(x44k, 44100, 16000); // y.length === Math.round(x44k.length * 16000 / 44100)
 */
export function resample(x: Float32Array, from: number, to: number): Float32Array {
  for (const rate of [from, to]) {
    if (!(Number.isInteger(rate) && rate > 0)) throw new RangeError(`resample: rates must be positive integers, got ${rate}`);
  }
  if (from === to) return x.slice();
  const { up, down, half, fc, table } = kernelFor(from, to);
  const taps = 2 * half;
  const out = new Float32Array(Math.round((x.length * up) / down));
  const scratch = new Float64Array(taps);
  for (let n = 0; n < out.length; n++) {
    const num = n * down;
    const b = Math.floor(num / up);
    const p = num - b * up;
    const w = table !== undefined ? table.subarray(p * taps, (p + 1) * taps) : fillTaps(scratch, p / up, half, fc);
    const k0 = b - half + 1;
    const jLo = Math.max(0, -k0);
    const jHi = Math.min(taps, x.length - k0);
    let acc = 0;
    for (let j = jLo; j < jHi; j++) acc += w[j] * x[k0 + j];
    out[n] = acc;
  }
  return out;
}

/**
 * Zero-pads or crops (keeping the start) to exactly `length` samples; returns a new array.
 *
 * @example
 * fitLength(new Float32Array(12000), 16000).length; // 16000
 */
export function fitLength(x: Float32Array, length: number): Float32Array {
  const out = new Float32Array(length);
  out.set(x.length > length ? x.subarray(0, length) : x);
  return out;
}

/**
 * Reads a WAV file (channels mixed by `mix`, see wav.ts), resamples it to `rate` and pads or
 * crops it to `length` samples.
 *
 * @example
 * const clip = loadClip('data/sheila/0a7c2a8d_nohash_0.wav'); // Float32Array(16000) at 16 kHz
 */
export function loadClip(path: string, length = 16000, rate = 16000, mix: ChannelMix = 'mean'): Float32Array {
  const { samples, sampleRate } = readWav(path, mix);
  // Crop before resampling: only the input the first `length` outputs read is resampled.
  const x = sampleRate === rate ? samples : resample(samples.subarray(0, resampleReach(length, sampleRate, rate)), sampleRate, rate);
  return fitLength(x, length);
}

/**
 * How many input samples the first `n` outputs of resample(x, from, to) read: output n-1 sits
 * at input time b = floor((n-1) * down / up) and reads up to x[b + half]. Cropping x to this many
 * samples leaves those outputs unchanged (and its output is still at least n long).
 * @example resample(x.subarray(0, resampleReach(16000, 8000, 16000)), 8000, 16000).subarray(0, 16000)
 */
export function resampleReach(n: number, from: number, to: number): number {
  const { up, down, half } = kernelFor(from, to);
  return Math.floor(((n - 1) * down) / up) + half + 1;
}
