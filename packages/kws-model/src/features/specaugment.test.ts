import { describe, expect, it } from 'vitest';
import { Rng } from '@kws/tensor';
import { drawMask, specAugment } from './specaugment.js';

const N_MELS = 40, FRAMES = 101;

function ones(n: number): Float32Array {
  return new Float32Array(n).fill(1);
}

/** The zeroed rows (all frames zero) and zeroed columns (all mels zero) of a (nMels, frames) map. */
function zeroBands(x: Float32Array, nMels: number, frames: number): { rows: number[]; cols: number[] } {
  const rows: number[] = [], cols: number[] = [];
  for (let m = 0; m < nMels; m++) if (x.subarray(m * frames, (m + 1) * frames).every((v) => v === 0)) rows.push(m);
  for (let t = 0; t < frames; t++) {
    let all = true;
    for (let m = 0; m < nMels; m++) all &&= x[m * frames + t] === 0;
    if (all) cols.push(t);
  }
  return { rows, cols };
}

const isRun = (xs: number[]): boolean => xs.every((v, i) => i === 0 || v === xs[i - 1] + 1);

describe('drawMask', () => {
  it('follows torchaudio mask_along_axis: value = u·max, start = floor(u2·(size - value))', () => {
    const a = new Rng(11), b = new Rng(11);
    const u1 = b.uniform(), u2 = b.uniform();
    const value = u1 * 35;
    expect(drawMask(a, FRAMES, 35)).toEqual({ start: Math.floor(u2 * (FRAMES - value)), width: Math.floor(value) });
  });

  it('widths cover 0 .. max-1 and every band fits inside the axis', () => {
    const rng = new Rng(3);
    const seen = new Set<number>();
    let outside = 0;
    for (let i = 0; i < 4000; i++) {
      const { start, width } = drawMask(rng, N_MELS, 15);
      if (!(width >= 0 && width < 15 && start >= 0 && start + width <= N_MELS)) outside++;
      seen.add(width);
    }
    expect(outside).toBe(0);
    expect([...seen].sort((p, q) => p - q)).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });

  it('stays inside an axis shorter than the maximum width', () => {
    const rng = new Rng(4);
    for (let i = 0; i < 500; i++) {
      const { start, width } = drawMask(rng, 10, 35);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(start + width).toBeLessThanOrEqual(10);
    }
  });
});

describe('specAugment', () => {
  it('zeroes exactly one band of mel rows and one span of frames, nothing else', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const x = ones(N_MELS * FRAMES);
      specAugment(x, N_MELS, FRAMES, rng);
      const { rows, cols } = zeroBands(x, N_MELS, FRAMES);
      expect(isRun(rows) && isRun(cols)).toBe(true);
      expect(rows.length).toBeLessThan(15);
      expect(cols.length).toBeLessThan(35);
      // every zero lies in a zeroed row or column; every other value is untouched
      let wrong = 0;
      for (let m = 0; m < N_MELS; m++) {
        for (let t = 0; t < FRAMES; t++) {
          const masked = rows.includes(m) || cols.includes(t);
          if (x[m * FRAMES + t] !== (masked ? 0 : 1)) wrong++;
        }
      }
      expect(wrong).toBe(0);
    }
  });

  it('uses the masks drawn in the order frequency then time', () => {
    const x = ones(N_MELS * FRAMES);
    specAugment(x, N_MELS, FRAMES, new Rng(21));
    const twin = new Rng(21);
    const f = drawMask(twin, N_MELS, 15), t = drawMask(twin, FRAMES, 35);
    const { rows, cols } = zeroBands(x, N_MELS, FRAMES);
    expect(rows).toEqual(Array.from({ length: f.width }, (_, i) => f.start + i));
    expect(cols).toEqual(Array.from({ length: t.width }, (_, i) => t.start + i));
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const run = (seed: number): Float32Array => {
      const x = ones(N_MELS * FRAMES);
      const rng = new Rng(seed);
      for (let i = 0; i < 3; i++) specAugment(x, N_MELS, FRAMES, rng);
      return x;
    };
    expect(Array.from(run(5))).toEqual(Array.from(run(5)));
    const distinct = new Set([1, 2, 3, 4, 5, 6].map((s) => run(s).join(',')));
    expect(distinct.size).toBeGreaterThan(1);
  });

  it('honours the width options and shares masks across clips when asked', () => {
    const x = ones(2 * N_MELS * FRAMES);
    specAugment(x, N_MELS, FRAMES, new Rng(9), { freqMaskMax: 1, timeMaskMax: 1, clips: 2 });
    expect(x.every((v) => v === 1)).toBe(true); // widths in [0, 1): nothing masked
    const y = ones(2 * N_MELS * FRAMES);
    specAugment(y, N_MELS, FRAMES, new Rng(9), { freqMaskMax: 40, timeMaskMax: 101, clips: 2 });
    const size = N_MELS * FRAMES;
    expect(Array.from(y.subarray(0, size))).toEqual(Array.from(y.subarray(size)));
    expect(y.some((v) => v === 0)).toBe(true);
    expect(() => specAugment(new Float32Array(10), N_MELS, FRAMES, new Rng(1))).toThrow(/smaller/);
  });

  it('with iid, gives each clip its own masks: the same as one call per clip from the same rng', () => {
    const n = 6, size = N_MELS * FRAMES;
    const x = ones(n * size);
    specAugment(x, N_MELS, FRAMES, new Rng(4), { clips: n, iid: true });
    const y = ones(n * size);
    const rng = new Rng(4);
    for (let c = 0; c < n; c++) specAugment(y.subarray(c * size, (c + 1) * size), N_MELS, FRAMES, rng);
    expect(Array.from(x)).toEqual(Array.from(y));
    const masks = new Set(Array.from({ length: n }, (_, c) => JSON.stringify(zeroBands(x.subarray(c * size, (c + 1) * size), N_MELS, FRAMES))));
    expect(masks.size).toBeGreaterThan(1);
    const shared = ones(n * size);
    specAugment(shared, N_MELS, FRAMES, new Rng(4), { clips: n });
    expect(Array.from(shared.subarray(0, size))).toEqual(Array.from(x.subarray(0, size))); // clip 0 draws first either way
  });
});
