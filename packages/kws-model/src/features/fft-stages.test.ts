import { describe, expect, it } from 'vitest';
import { Rng } from '@kws/tensor';
import { ComplexFFT, RealFFT, factorize, fftPlan } from './fft.js';
import { makeStage } from './fft-stages.js';

function randomArray(rng: Rng, n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

/** max |a - b| over the first `count` entries, divided by max |b|. */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>, count = b.length): number {
  let err = 0, scale = 0;
  for (let k = 0; k < count; k++) {
    err = Math.max(err, Math.abs(a[k] - b[k]));
    scale = Math.max(scale, Math.abs(b[k]));
  }
  return err / scale;
}

/** |Σ_t x[t]·exp(-2πi t k / n)|², k = 0..n/2, direct O(n²) with exact angle reduction. */
function directPower(x: ArrayLike<number>, n: number): Float64Array {
  const p = new Float64Array(Math.floor(n / 2) + 1);
  for (let k = 0; k < p.length; k++) {
    let sr = 0, si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * ((t * k) % n)) / n;
      sr += x[t] * Math.cos(a);
      si += x[t] * Math.sin(a);
    }
    p[k] = sr * sr + si * si;
  }
  return p;
}

const SIZES = [1, 2, 3, 5, 6, 8, 10, 15, 16, 25, 40, 50, 64, 90, 128, 200, 256, 400, 512, 750];

describe('fftPlan', () => {
  it('merges a 4 and the 2 into a leading 8, and multiplies back to n', () => {
    expect(fftPlan(200)).toEqual([8, 5, 5]);
    expect(fftPlan(8)).toEqual([8]);
    expect(fftPlan(512)).toEqual([8, 4, 4, 4]);
    expect(fftPlan(400)).toEqual([4, 4, 5, 5]);
    expect(fftPlan(90)).toEqual([2, 3, 3, 5]);
    for (const n of SIZES) expect(fftPlan(n).reduce((a, r) => a * r, 1)).toBe(n);
  });

  it('ComplexFFT rejects radices that do not multiply to n', () => {
    expect(() => new ComplexFFT(200, [8, 5])).toThrow(/radices/);
    expect(() => new ComplexFFT(49, [7, 7])).toThrow(/radices/);
  });
});

describe('specialised FFT paths equal the general ones', () => {
  it.each(SIZES)('the radix-8 plan equals the plain factorisation, n = %i', (n) => {
    const rng = new Rng(300 + n);
    const xr = randomArray(rng, n), xi = randomArray(rng, n);
    const a = [Float64Array.from(xr), Float64Array.from(xi)], b = [Float64Array.from(xr), Float64Array.from(xi)];
    new ComplexFFT(n).transform(a[0], a[1]);
    new ComplexFFT(n, factorize(n)).transform(b[0], b[1]);
    expect(relDiff(a[0], b[0])).toBeLessThan(1e-13);
    expect(relDiff(a[1], b[1])).toBeLessThan(1e-13);
  });

  it('the twiddle-free radix-5 last stage equals the general radix-5 codelet bit for bit', () => {
    const rng = new Rng(7);
    const s = 40, xr = randomArray(rng, 5 * s), xi = randomArray(rng, 5 * s);
    const run = (general: boolean): Float64Array[] => {
      const st = makeStage(5, 5, s, general);
      const yr = new Float64Array(5 * s), yi = new Float64Array(5 * s);
      st.run(st, xr, xi, yr, yi);
      return [yr, yi];
    };
    const [fast, slow] = [run(false), run(true)];
    expect(relDiff(fast[0], slow[0])).toBe(0);
    expect(relDiff(fast[1], slow[1])).toBe(0);
  });

  it('transformTo leaves its input alone and equals the in-place transform', () => {
    const rng = new Rng(8);
    for (const n of [1, 8, 200, 400]) {
      const fft = new ComplexFFT(n);
      const xr = randomArray(rng, n), xi = randomArray(rng, n);
      const [inR, inI] = [Float64Array.from(xr), Float64Array.from(xi)];
      const outR = new Float64Array(n), outI = new Float64Array(n);
      fft.transformTo(inR, inI, outR, outI);
      expect(Array.from(inR)).toEqual(Array.from(xr));
      fft.transform(xr, xi);
      expect(relDiff(outR, xr)).toBe(0);
      expect(relDiff(outI, xi)).toBe(0);
    }
  });

  it.each([8, 40, 128, 200, 16, 25])('transformPacked (first stage reading the samples) equals packing then transformTo, bit for bit, n = %i', (n) => {
    const rng = new Rng(700 + n);
    const fft = new ComplexFFT(n);
    const at = 5, x = Float32Array.from(randomArray(rng, 2 * n + 9)), w = randomArray(rng, 2 * n);
    const zr = Float64Array.from({ length: n }, (_, j) => x[at + 2 * j] * w[2 * j]);
    const zi = Float64Array.from({ length: n }, (_, j) => x[at + 2 * j + 1] * w[2 * j + 1]);
    const want = [new Float64Array(n), new Float64Array(n)], got = [new Float64Array(n), new Float64Array(n)];
    fft.transformTo(zr, zi, want[0], want[1]);
    fft.transformPacked(x, at, w, got[0], got[1]);
    expect(relDiff(got[0], want[0])).toBe(0);
    expect(relDiff(got[1], want[1])).toBe(0);
  });

  it.each(SIZES)('RealFFT.windowedPower equals |forward(w·x)|² and a direct DFT, n = %i', (n) => {
    const rng = new Rng(500 + n);
    const fft = new RealFFT(n);
    const at = 3, x = Float32Array.from(randomArray(rng, n + 7)), w = randomArray(rng, n);
    const power = new Float64Array(fft.bins);
    fft.windowedPower(x, at, w, power);
    const frame = Float64Array.from({ length: n }, (_, t) => x[at + t] * w[t]);
    const re = new Float64Array(fft.bins), im = new Float64Array(fft.bins);
    fft.forward(frame, re, im);
    expect(relDiff(power, re.map((v, k) => v * v + im[k] * im[k]))).toBeLessThan(1e-12);
    expect(relDiff(power, directPower(frame, n))).toBeLessThan(1e-12);
  });

  it('windowedPower rejects a frame that does not fit and a window of the wrong length', () => {
    const fft = new RealFFT(400);
    const w = new Float64Array(400), p = new Float64Array(201);
    expect(() => fft.windowedPower(new Float32Array(500), 101, w, p)).toThrow(/does not fit/);
    expect(() => fft.windowedPower(new Float32Array(500), -1, w, p)).toThrow(/does not fit/);
    expect(() => fft.windowedPower(new Float32Array(500), 0, new Float64Array(399), p)).toThrow(/window of length 399/);
    expect(() => fft.windowedPower(new Float32Array(500), 0, w, new Float64Array(200))).toThrow(/need >= 201/);
  });
});
