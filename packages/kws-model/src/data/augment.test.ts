/**
 * Augmentation tests: each transform's statistics and formula (noise std, volume, clamping,
 * the background-noise alpha), the uniform choice among the four, and reproducibility.
 */
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { addBackgroundNoise, addGaussianNoise, augmentClip, changeVolume } from './augment.js';

const l2 = (x: Float32Array): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0));
const wave = (n: number, amp = 0.3): Float32Array => Float32Array.from({ length: n }, (_, i) => amp * Math.sin(i * 0.05));

describe('addGaussianNoise', () => {
  it('adds zero-mean noise of std 0.01 and leaves the input alone', () => {
    const x = wave(100_000);
    const copy = x.slice();
    const y = addGaussianNoise(x, new Rng(1));
    expect(y).not.toBe(x);
    expect(Array.from(x)).toEqual(Array.from(copy));
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < x.length; i++) {
      const d = y[i] - x[i];
      sum += d;
      sq += d * d;
    }
    const mean = sum / x.length;
    expect(Math.abs(mean)).toBeLessThan(2e-4);
    expect(Math.sqrt(sq / x.length - mean * mean)).toBeCloseTo(0.01, 3);
  });

  it('clamps to [-1, 1]', () => {
    const y = addGaussianNoise(new Float32Array(10_000).fill(0.999), new Rng(2));
    expect(Math.max(...y)).toBe(1);
    expect(Math.min(...y)).toBeGreaterThan(0.9);
    const z = addGaussianNoise(new Float32Array(10_000).fill(-1), new Rng(2));
    expect(Math.min(...z)).toBe(-1);
  });
});

describe('changeVolume', () => {
  it('multiplies by 0.25 exactly and clamps larger gains', () => {
    const x = wave(1000, 0.9);
    expect(Array.from(changeVolume(x))).toEqual(Array.from(x).map((v) => v * 0.25));
    expect(Array.from(changeVolume(Float32Array.from([0.5, -0.5, 0.1]), 4))).toEqual([1, -1, Math.fround(0.1) * 4]);
  });
});

describe('addBackgroundNoise', () => {
  // A ramp makes the start of the chosen segment readable from the first sample.
  const noise = Float32Array.from({ length: 48_000 }, (_, i) => (i + 1) / 48_000);

  it('adds a random in-range segment scaled by alpha = (|x| / |noise|) * 10^(-1/20)', () => {
    const x = wave(16_000, 0.2);
    const alpha = (l2(x) / l2(noise)) * 10 ** (-1 / 20);
    const starts = new Set<number>();
    const rng = new Rng(5);
    for (let trial = 0; trial < 50; trial++) {
      const y = addBackgroundNoise(x, rng, [noise]);
      const start = Math.round(((y[0] - x[0]) / alpha) * 48_000) - 1;
      expect(start).toBeGreaterThanOrEqual(0);
      expect(start + x.length).toBeLessThanOrEqual(noise.length);
      for (let i = 0; i < x.length; i += 97) expect(y[i]).toBeCloseTo(x[i] + alpha * noise[start + i], 5);
      starts.add(start);
    }
    expect(starts.size).toBeGreaterThan(45);
  });

  it('chooses among the noise files, clamps, and repeats a short file', () => {
    const up = new Float32Array(100).fill(1);
    const down = new Float32Array(100).fill(-1);
    const x = new Float32Array(300).fill(0.5);
    const rng = new Rng(6);
    const signs = new Set<number>();
    for (let t = 0; t < 20; t++) {
      const y = addBackgroundNoise(x, rng, [up, down]);
      // alpha = |x| / |noise| * 10^(-1/20) = (0.5 * sqrt(300) / 10) * 0.891 ~ 0.77, repeated over 300 samples
      expect(y.every((v) => v === y[0])).toBe(true);
      signs.add(Math.sign(y[0] - 0.5));
      expect(y[0] === 1 || y[0] < 0.5).toBe(true);
    }
    expect(signs).toEqual(new Set([1, -1]));
  });

  it('returns a copy when there are no noise files', () => {
    const x = wave(100);
    const y = addBackgroundNoise(x, new Rng(0), []);
    expect(y).not.toBe(x);
    expect(Array.from(y)).toEqual(Array.from(x));
  });
});

type Kind = 'identity' | 'gauss' | 'volume' | 'background';

function classify(x: Float32Array, y: Float32Array): Kind {
  if (y.every((v, i) => v === x[i])) return 'identity';
  if (y.every((v, i) => v === x[i] * 0.25)) return 'volume';
  const d = y[0] - x[0];
  if (y.every((v, i) => Math.abs(v - x[i] - d) < 1e-6)) return 'background'; // constant noise file
  return 'gauss';
}

describe('augmentClip', () => {
  const x = wave(400, 0.3);
  const constant = new Float32Array(2000).fill(0.2);

  it('picks each of the four transforms about a quarter of the time', () => {
    const rng = new Rng(11);
    const counts: Record<Kind, number> = { identity: 0, gauss: 0, volume: 0, background: 0 };
    for (let t = 0; t < 4000; t++) {
      const y = augmentClip(x, rng, [constant]);
      expect(y).not.toBe(x);
      counts[classify(x, y)]++;
    }
    for (const k of Object.values(counts)) expect(Math.abs(k - 1000)).toBeLessThan(120);
  });

  it('falls back to identity for the fourth choice without noise files', () => {
    const rng = new Rng(12);
    let identity = 0;
    for (let t = 0; t < 4000; t++) if (classify(x, augmentClip(x, rng, [])) === 'identity') identity++;
    expect(Math.abs(identity - 2000)).toBeLessThan(150);
  });

  it('is reproducible from the seed', () => {
    const run = (seed: number): number[] => {
      const rng = new Rng(seed);
      return Array.from({ length: 20 }, () => augmentClip(x, rng, [constant])).flatMap((y) => [y[0], y[7]]);
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });
});
