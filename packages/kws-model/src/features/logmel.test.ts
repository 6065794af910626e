import { describe, expect, it } from 'vitest';
import { Rng } from '@kws/tensor';
import { HOP, LogMel, N_FFT, N_MELS, SAMPLE_RATE, hannWindow, logClamp, melFilterbank } from './logmel.js';

// ---- slow, independent float64 reference, written from the definition -------------------------

/** Triangle m of the HTK bank at frequency f, as a piecewise-linear function (not max/min). */
function refFilterbank(nMels: number, bins: number, sr: number): Float64Array {
  const topMel = 2595 * Math.log(1 + sr / 2 / 700) / Math.LN10;
  const edges: number[] = [];
  for (let i = 0; i <= nMels + 1; i++) edges.push(700 * (Math.pow(10, (topMel * i) / (nMels + 1) / 2595) - 1));
  edges[nMels + 1] = sr / 2; // the band ends at Nyquist by definition
  const fb = new Float64Array(bins * nMels);
  for (let k = 0; k < bins; k++) {
    const f = (k * (sr / 2)) / (bins - 1);
    for (let m = 0; m < nMels; m++) {
      const [lo, mid, hi] = [edges[m], edges[m + 1], edges[m + 2]];
      let v = 0;
      if (f > lo && f <= mid) v = (f - lo) / (mid - lo);
      else if (f > mid && f < hi) v = (hi - f) / (hi - mid);
      fb[k * nMels + m] = v;
    }
  }
  return fb;
}

/** numpy.pad(x, pad, mode='reflect') -> sin² window -> O(n²) DFT -> |X|² -> fb -> ln clamp. */
function refLogMel(x: Float32Array, nFft = 400, hop = 160, nMels = 40, sr = 16000): { data: Float64Array; frames: number } {
  const pad = nFft / 2, len = x.length, bins = nFft / 2 + 1;
  const padded = new Float64Array(len + 2 * pad);
  for (let j = 0; j < padded.length; j++) {
    if (j < pad) padded[j] = x[pad - j];
    else if (j < pad + len) padded[j] = x[j - pad];
    else padded[j] = x[len - 2 - (j - pad - len)];
  }
  const frames = 1 + Math.floor((padded.length - nFft) / hop);
  const cos = new Float64Array(nFft), sin = new Float64Array(nFft);
  for (let i = 0; i < nFft; i++) [cos[i], sin[i]] = [Math.cos((2 * Math.PI * i) / nFft), Math.sin((2 * Math.PI * i) / nFft)];
  const fb = refFilterbank(nMels, bins, sr);
  const data = new Float64Array(nMels * frames);
  const seg = new Float64Array(nFft);
  for (let t = 0; t < frames; t++) {
    for (let n = 0; n < nFft; n++) seg[n] = padded[t * hop + n] * Math.sin((Math.PI * n) / nFft) ** 2;
    for (let k = 0; k < bins; k++) {
      let re = 0, im = 0;
      for (let n = 0; n < nFft; n++) {
        re += seg[n] * cos[(n * k) % nFft];
        im -= seg[n] * sin[(n * k) % nFft];
      }
      const p = re * re + im * im;
      for (let m = 0; m < nMels; m++) data[m * frames + t] += p * fb[k * nMels + m];
    }
  }
  for (let i = 0; i < data.length; i++) data[i] = Math.log(Math.min(Math.max(data[i], 1e-9), 1e9));
  return { data, frames };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

function noise(rng: Rng, n: number, std = 0.1): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal(0, std);
  return x;
}

// ---- tests -------------------------------------------------------------------------------------

describe('hannWindow', () => {
  it('is the periodic Hann window sin²(πn/N)', () => {
    const w4 = hannWindow(4);
    [0, 0.5, 1, 0.5].forEach((v, i) => expect(w4[i]).toBeCloseTo(v, 15));
    const w = hannWindow(400);
    expect(w.length).toBe(400);
    for (let n = 0; n < 400; n++) expect(w[n]).toBeCloseTo(Math.sin((Math.PI * n) / 400) ** 2, 14);
    expect(w[0]).toBe(0);
    expect(w[200]).toBe(1);
    expect(w[1]).toBeCloseTo(w[399], 14); // periodic: symmetric about n = N/2, no final zero
  });
});

describe('melFilterbank', () => {
  const fb = melFilterbank();
  const col = (m: number): number[] => Array.from({ length: 201 }, (_, k) => fb[k * 40 + m]);

  it('has shape (201, 40) and equals a piecewise re-derivation of the HTK triangles', () => {
    expect(fb.length).toBe(201 * 40);
    expect(maxAbsDiff(fb, refFilterbank(40, 201, 16000))).toBeLessThan(1e-6);
  });

  it('matches values of torchaudio-style float32 maths (numpy mirror of melscale_fbanks)', () => {
    expect(fb[1 * 40 + 0]).toBeCloseTo(0.9014285, 5);
    expect(fb[2 * 40 + 0]).toBeCloseTo(0.2450054, 5);
    expect(fb[100 * 40 + 29]).toBeCloseTo(0.01889101, 5);
    expect(fb[100 * 40 + 30]).toBeCloseTo(0.98110896, 5);
    expect(col(0).reduce((a, b) => a + b)).toBeCloseTo(1.146434, 4);
    expect(col(39).reduce((a, b) => a + b)).toBeCloseTo(12.582111, 4);
  });

  it('first and last filters sit at the ends of the band', () => {
    const first = col(0), last = col(39);
    expect(first.flatMap((v, k) => (v > 0 ? [k] : []))).toEqual([1, 2]);
    const lastBins = last.flatMap((v, k) => (v > 0 ? [k] : []));
    expect(lastBins[0]).toBe(175);
    expect(lastBins[lastBins.length - 1]).toBe(199);
    expect(last[200]).toBe(0); // 8000 Hz is the right edge of the last triangle: exactly 0
  });

  it('peaks are at most 1, and interior rows sum to 1 (adjacent triangles share edges)', () => {
    for (let m = 0; m < 40; m++) {
      const peak = Math.max(...col(m));
      expect(peak).toBeLessThanOrEqual(1);
      expect(peak).toBeGreaterThan(0.5);
    }
    const rowSum = (k: number): number => Array.from({ length: 40 }, (_, m) => fb[k * 40 + m]).reduce((a, b) => a + b);
    expect(rowSum(0)).toBe(0);
    expect(rowSum(200)).toBe(0);
    // filter 0 peaks at 44.37 Hz, filter 39 at 7481 Hz: bins 2 (80 Hz) .. 187 (7480 Hz) in between
    for (let k = 2; k <= 187; k++) expect(rowSum(k)).toBeCloseTo(1, 5);
  });
});

describe('LogMel', () => {
  const fe = new LogMel();

  it('uses the course defaults and frame counts of torch.stft(center=True)', () => {
    expect([SAMPLE_RATE, N_FFT, HOP, N_MELS]).toEqual([16000, 400, 160, 40]);
    expect([fe.bins, fe.pad]).toEqual([201, 200]);
    expect(fe.frames(16000)).toBe(101);
    expect(fe.frames(8000)).toBe(51);
    expect(fe.compute(new Float32Array(16000)).frames).toBe(101);
    expect(fe.compute(new Float32Array(8000)).data.length).toBe(40 * 51);
  });

  it('equals a slow float64 reference on random audio (1 s), within 1e-4 in log domain', () => {
    const x = noise(new Rng(1), 16000);
    const got = fe.compute(x);
    const want = refLogMel(x);
    expect(got.frames).toBe(want.frames);
    expect(maxAbsDiff(got.data, want.data)).toBeLessThan(1e-4);
  });

  it('equals the reference on a 440 Hz sine and on lengths that are not a multiple of the hop', () => {
    const sine = new Float32Array(16000).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000));
    expect(maxAbsDiff(fe.compute(sine).data, refLogMel(sine).data)).toBeLessThan(1e-4);
    for (const n of [201, 999, 8037]) {
      const x = noise(new Rng(n), n);
      const got = fe.compute(x), want = refLogMel(x);
      expect(got.frames).toBe(want.frames);
      expect(maxAbsDiff(got.data, want.data)).toBeLessThan(1e-4);
    }
  });

  it('clamps silence to ln(1e-9) and rejects clips too short to reflect-pad', () => {
    const { data } = fe.compute(new Float32Array(16000));
    expect(data.every((v) => Math.abs(v - Math.log(1e-9)) < 1e-5)).toBe(true);
    expect(() => fe.compute(new Float32Array(200))).toThrow(/reflect padding/);
  });

  it('melPower is exp of compute where unclamped, and logClamp clamps both ends in place', () => {
    const x = noise(new Rng(3), 4000);
    const p = fe.melPower(x), l = fe.compute(x);
    for (let i = 0; i < p.data.length; i++) expect(Math.log(p.data[i])).toBeCloseTo(l.data[i], 5);
    const v = new Float32Array([0, -1, 1, 1e12, Math.E]);
    expect(logClamp(v)).toBe(v);
    expect(Array.from(v).map((a) => +a.toFixed(4))).toEqual([-20.7233, -20.7233, 0, 20.7233, 1]);
  });

  it('frameMelPower on raw samples equals column t of melPower for frames inside the clip', () => {
    const x = noise(new Rng(4), 16000);
    const { data, frames } = fe.melPower(x);
    const out = new Float32Array(3 + 40 * 2);
    let checked = 0;
    for (let t = 0; t < frames; t++) {
      const start = t * HOP - 200;
      if (start < 0 || start + 400 > x.length) continue;
      fe.frameMelPower(x.subarray(start, start + 400), out, 3, 2);
      for (let m = 0; m < 40; m++) expect(out[3 + 2 * m]).toBeCloseTo(data[m * frames + t], 6);
      checked++;
    }
    expect(checked).toBe(97); // t = 2 .. 98
    expect(() => fe.frameMelPower(x.subarray(0, 399), out)).toThrow(/exactly 400/);
  });

  it('computeInto fills one slice of a (B, 40, 101) batch and nothing else', () => {
    const rng = new Rng(5);
    const clips = [noise(rng, 16000), noise(rng, 16000, 0.5)];
    const size = 40 * 101;
    const batch = new Float32Array(3 * size).fill(7);
    expect(fe.computeInto(clips[1], batch, size)).toBe(101);
    expect(Array.from(batch.subarray(size, 2 * size))).toEqual(Array.from(fe.compute(clips[1]).data));
    expect(batch.subarray(0, size).every((v) => v === 7)).toBe(true);
    expect(batch.subarray(2 * size).every((v) => v === 7)).toBe(true);
    expect(() => fe.computeInto(clips[0], batch, 2 * size + 1)).toThrow(/cannot hold/);
  });

  it('supports other sizes (n_fft 512 = 2^9, 64 mels) against the reference', () => {
    const small = new LogMel({ nFft: 512, hop: 128, nMels: 64 });
    const x = noise(new Rng(6), 3000);
    const got = small.compute(x), want = refLogMel(x, 512, 128, 64);
    expect(got.frames).toBe(want.frames);
    expect(maxAbsDiff(got.data, want.data)).toBeLessThan(1e-4);
  });
});
