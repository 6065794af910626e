import { describe, expect, it } from 'vitest';
import { Rng } from '@kws/tensor';
import { ComplexFFT, RealFFT, factorize } from './fft.js';

/** Direct O(n²) float64 DFT, X[k] = Σ x[t]·exp(-2πi t k / n), with exact angle reduction. */
function directDft(xr: ArrayLike<number>, xi: ArrayLike<number>, n: number): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(n), im = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * ((t * k) % n)) / n;
      const c = Math.cos(a), s = Math.sin(a);
      sr += xr[t] * c - xi[t] * s;
      si += xr[t] * s + xi[t] * c;
    }
    re[k] = sr;
    im[k] = si;
  }
  return { re, im };
}

function randomArray(rng: Rng, n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

/** max |a - b| over the first `count` complex entries, divided by max |b|. */
function relError(ar: Float64Array, ai: Float64Array, br: Float64Array, bi: Float64Array, count: number): number {
  let err = 0, scale = 0;
  for (let k = 0; k < count; k++) {
    err = Math.max(err, Math.hypot(ar[k] - br[k], ai[k] - bi[k]));
    scale = Math.max(scale, Math.hypot(br[k], bi[k]));
  }
  return err / scale;
}

const SIZES = [1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 25, 27, 30, 45, 50, 64, 75, 90, 128, 200, 256, 320, 400, 512, 750];

describe('factorize', () => {
  it('splits into radices 4, 2, 3, 5 whose product is n', () => {
    expect(factorize(400)).toEqual([4, 4, 5, 5]);
    expect(factorize(200)).toEqual([4, 2, 5, 5]);
    expect(factorize(90)).toEqual([2, 3, 3, 5]);
    expect(factorize(1)).toEqual([]);
  });

  it('rejects other primes and non-integers with a clear error', () => {
    expect(() => new RealFFT(7)).toThrow(/prime factors are 2, 3 and 5/);
    expect(() => new RealFFT(2 * 11 * 5)).toThrow(/left 11/);
    expect(() => new ComplexFFT(0)).toThrow(/positive integer/);
    expect(() => new RealFFT(2.5)).toThrow(/positive integer/);
  });
});

describe('ComplexFFT', () => {
  it.each(SIZES)('matches a direct DFT on random complex input, n = %i', (n) => {
    const rng = new Rng(1000 + n);
    const xr = randomArray(rng, n), xi = randomArray(rng, n);
    const want = directDft(xr, xi, n);
    const re = Float64Array.from(xr), im = Float64Array.from(xi);
    new ComplexFFT(n).transform(re, im);
    expect(relError(re, im, want.re, want.im, n)).toBeLessThan(1e-12);
  });

  it('is reusable: a second call on new data is still right', () => {
    const fft = new ComplexFFT(400);
    const rng = new Rng(5);
    for (let rep = 0; rep < 3; rep++) {
      const xr = randomArray(rng, 400), xi = randomArray(rng, 400);
      const want = directDft(xr, xi, 400);
      fft.transform(xr, xi);
      expect(relError(xr, xi, want.re, want.im, 400)).toBeLessThan(1e-12);
    }
  });
});

describe('RealFFT', () => {
  it.each(SIZES)('matches a direct DFT on random real input, n = %i', (n) => {
    const rng = new Rng(n);
    const x = randomArray(rng, n);
    const want = directDft(x, new Float64Array(n), n);
    const fft = new RealFFT(n);
    expect(fft.bins).toBe(Math.floor(n / 2) + 1);
    const re = new Float64Array(fft.bins), im = new Float64Array(fft.bins);
    fft.forward(x, re, im);
    expect(relError(re, im, want.re, want.im, fft.bins)).toBeLessThan(1e-12);
  });

  it('gives the analytic spectrum of a cosine plus a sine on exact bins (n = 400)', () => {
    const n = 400;
    const x = new Float32Array(n);
    for (let t = 0; t < n; t++) x[t] = 2 + Math.cos((2 * Math.PI * 3 * t) / n) + 0.5 * Math.sin((2 * Math.PI * 7 * t) / n);
    const fft = new RealFFT(n);
    const re = new Float64Array(201), im = new Float64Array(201);
    fft.forward(x, re, im);
    const want = (k: number): [number, number] => (k === 0 ? [2 * n, 0] : k === 3 ? [n / 2, 0] : k === 7 ? [0, -n / 4] : [0, 0]);
    for (let k = 0; k <= 200; k++) {
      const [wr, wi] = want(k);
      // x is float32, so allow float32 rounding of the input
      expect(Math.abs(re[k] - wr)).toBeLessThan(1e-4);
      expect(Math.abs(im[k] - wi)).toBeLessThan(1e-4);
    }
  });

  it('rejects inputs and outputs of the wrong length', () => {
    const fft = new RealFFT(400);
    const re = new Float64Array(201), im = new Float64Array(201);
    expect(() => fft.forward(new Float64Array(399), re, im)).toThrow(/expected 400/);
    expect(() => fft.forward(new Float64Array(400), new Float64Array(200), im)).toThrow(/>= 201/);
  });
});
