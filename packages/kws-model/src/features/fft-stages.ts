/**
 * The stages of the mixed-radix Stockham autosort FFT in fft.ts: one butterfly "codelet" per radix.
 *
 * One decimation-in-frequency stage of radix r splits each of the s sub-problems of size
 * size = r·m (the input of sub-problem q sits at x[q + s·t], t in [0, size)) into r sub-problems
 * of size m:
 *   y_k1[p] = W_size^(p·k1) · Σ_j x[q + s·(p + j·m)] · W_r^(j·k1),   p in [0, m), k1 in [0, r),
 * and stores y_k1[p] at q + s·(r·p + k1), so that after the last stage (m = 1) X[k] sits at k:
 * natural order without a bit-reversal pass. W_N = exp(-2πi/N).
 *
 * Every codelet loads the r inputs x[i0 + j·s·m], computes their r-point DFT in registers (the
 * r-point DFT written out by hand: no inner loop, no table of W_r), multiplies output k1 by the
 * twiddle W_size^(p·k1) read from a table laid out in the order the loops read it, and stores.
 * The last stage of a plan always has m = 1, so all its twiddles are 1; radix 5 (the last stage
 * of the 200-point transform behind the 400-point front end) has a twiddle-free codelet for it.
 */

export type Butterfly = (st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array) => void;

export interface Stage {
  readonly radix: number;
  /** Length of each sub-problem after this stage (size / radix). */
  readonly m: number;
  /** Number of independent sub-problems going into this stage. */
  readonly s: number;
  /** Twiddles W_size^(p·k), p in [0, m), k in [1, radix): re at 2·(p·(radix-1) + k-1), im next. */
  readonly tw: Float64Array;
  /** The codelet that runs this stage. */
  readonly run: Butterfly;
}

/** Store b·w at y[o] (complex multiply by a twiddle). */
function put(yr: Float64Array, yi: Float64Array, o: number, br: number, bi: number, wr: number, wi: number): void {
  yr[o] = br * wr - bi * wi;
  yi[o] = br * wi + bi * wr;
}

function radix2(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, s, tw } = st;
  for (let p = 0; p < m; p++) {
    const w1r = tw[2 * p], w1i = tw[2 * p + 1];
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p, i1 = i0 + s * m;
      const o0 = q + s * 2 * p, o1 = o0 + s;
      const ar = xr[i0], ai = xi[i0], br = xr[i1], bi = xi[i1];
      yr[o0] = ar + br;
      yi[o0] = ai + bi;
      put(yr, yi, o1, ar - br, ai - bi, w1r, w1i);
    }
  }
}

const SIN3 = Math.sqrt(3) / 2;

function radix3(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, s, tw } = st;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const w1r = tw[4 * p], w1i = tw[4 * p + 1], w2r = tw[4 * p + 2], w2i = tw[4 * p + 3];
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p, o0 = q + s * 3 * p;
      const a0r = xr[i0], a0i = xi[i0];
      const a1r = xr[i0 + sm], a1i = xi[i0 + sm], a2r = xr[i0 + 2 * sm], a2i = xi[i0 + 2 * sm];
      const sr = a1r + a2r, si = a1i + a2i;
      const dr = SIN3 * (a1r - a2r), di = SIN3 * (a1i - a2i);
      const cr = a0r - 0.5 * sr, ci = a0i - 0.5 * si;
      yr[o0] = a0r + sr;
      yi[o0] = a0i + si;
      put(yr, yi, o0 + s, cr + di, ci - dr, w1r, w1i);
      put(yr, yi, o0 + 2 * s, cr - di, ci + dr, w2r, w2i);
    }
  }
}

function radix4(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, s, tw } = st;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const t = 6 * p;
    const w1r = tw[t], w1i = tw[t + 1], w2r = tw[t + 2], w2i = tw[t + 3], w3r = tw[t + 4], w3i = tw[t + 5];
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p, o0 = q + s * 4 * p;
      const a0r = xr[i0], a0i = xi[i0], a1r = xr[i0 + sm], a1i = xi[i0 + sm];
      const a2r = xr[i0 + 2 * sm], a2i = xi[i0 + 2 * sm], a3r = xr[i0 + 3 * sm], a3i = xi[i0 + 3 * sm];
      const t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
      const t2r = a1r + a3r, t2i = a1i + a3i, t3r = a1r - a3r, t3i = a1i - a3i;
      yr[o0] = t0r + t2r;
      yi[o0] = t0i + t2i;
      put(yr, yi, o0 + s, t1r + t3i, t1i - t3r, w1r, w1i); // t1 - i·t3
      put(yr, yi, o0 + 2 * s, t0r - t2r, t0i - t2i, w2r, w2i);
      put(yr, yi, o0 + 3 * s, t1r - t3i, t1i + t3r, w3r, w3i); // t1 + i·t3
    }
  }
}

const H = Math.SQRT1_2;

/**
 * Radix 8 as two layers of radix 2 and 4: s_j = a_j + a_(j+4) and d_j = (a_j - a_(j+4))·W_8^j for
 * j < 4 (W_8 = (1-i)/√2, W_8^2 = -i, W_8^3 = -(1+i)/√2), then the even outputs are the 4-point
 * DFT of s and the odd outputs that of d: X[2k] = DFT_4(s)[k], X[2k+1] = DFT_4(d)[k].
 */
function radix8(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, s, tw } = st;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const t = 14 * p;
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p, i4 = i0 + 4 * sm, o = q + s * 8 * p;
      const a0r = xr[i0], a0i = xi[i0], a4r = xr[i4], a4i = xi[i4];
      const a1r = xr[i0 + sm], a1i = xi[i0 + sm], a5r = xr[i4 + sm], a5i = xi[i4 + sm];
      const a2r = xr[i0 + 2 * sm], a2i = xi[i0 + 2 * sm], a6r = xr[i4 + 2 * sm], a6i = xi[i4 + 2 * sm];
      const a3r = xr[i0 + 3 * sm], a3i = xi[i0 + 3 * sm], a7r = xr[i4 + 3 * sm], a7i = xi[i4 + 3 * sm];
      const s0r = a0r + a4r, s0i = a0i + a4i, s1r = a1r + a5r, s1i = a1i + a5i;
      const s2r = a2r + a6r, s2i = a2i + a6i, s3r = a3r + a7r, s3i = a3i + a7i;
      const x1r = a1r - a5r, x1i = a1i - a5i, x3r = a3r - a7r, x3i = a3i - a7i;
      const d0r = a0r - a4r, d0i = a0i - a4i, d1r = H * (x1r + x1i), d1i = H * (x1i - x1r);
      const d2r = a2i - a6i, d2i = a6r - a2r, d3r = H * (x3i - x3r), d3i = -H * (x3r + x3i);
      // 4-point DFTs, as radix4: u0 ± u2 and u1 ∓ i·u3 from u0,2 = s0 ± s2 and u1,3 = s1 ± s3.
      const e0r = s0r + s2r, e0i = s0i + s2i, e1r = s0r - s2r, e1i = s0i - s2i;
      const e2r = s1r + s3r, e2i = s1i + s3i, e3r = s1r - s3r, e3i = s1i - s3i;
      const f0r = d0r + d2r, f0i = d0i + d2i, f1r = d0r - d2r, f1i = d0i - d2i;
      const f2r = d1r + d3r, f2i = d1i + d3i, f3r = d1r - d3r, f3i = d1i - d3i;
      yr[o] = e0r + e2r;
      yi[o] = e0i + e2i;
      put(yr, yi, o + s, f0r + f2r, f0i + f2i, tw[t], tw[t + 1]);
      put(yr, yi, o + 2 * s, e1r + e3i, e1i - e3r, tw[t + 2], tw[t + 3]);
      put(yr, yi, o + 3 * s, f1r + f3i, f1i - f3r, tw[t + 4], tw[t + 5]);
      put(yr, yi, o + 4 * s, e0r - e2r, e0i - e2i, tw[t + 6], tw[t + 7]);
      put(yr, yi, o + 5 * s, f0r - f2r, f0i - f2i, tw[t + 8], tw[t + 9]);
      put(yr, yi, o + 6 * s, e1r - e3i, e1i + e3r, tw[t + 10], tw[t + 11]);
      put(yr, yi, o + 7 * s, f1r - f3i, f1i + f3r, tw[t + 12], tw[t + 13]);
    }
  }
}

/**
 * radix8 as the first stage (s = 1) of the half-size transform of a real frame, reading its input
 * z[t] = w[2t]·x[at+2t] + i·w[2t+1]·x[at+2t+1] straight from the samples: windowing and packing
 * (fft.ts) cost no pass of their own. Bit for bit the packing loop followed by radix8.
 */
export function radix8Packed(st: Stage, x: ArrayLike<number>, at: number, w: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, tw } = st;
  const d = 2 * m; // z[t + j·m] is at x[at + 2t + j·d]
  for (let p = 0, v = 0, i = at; p < m; p++, v += 2, i += 2) {
    const t = 14 * p, o = 8 * p;
    const a0r = x[i] * w[v], a0i = x[i + 1] * w[v + 1], a1r = x[i + d] * w[v + d], a1i = x[i + d + 1] * w[v + d + 1];
    const a4r = x[i + 4 * d] * w[v + 4 * d], a4i = x[i + 4 * d + 1] * w[v + 4 * d + 1];
    const a5r = x[i + 5 * d] * w[v + 5 * d], a5i = x[i + 5 * d + 1] * w[v + 5 * d + 1];
    const a2r = x[i + 2 * d] * w[v + 2 * d], a2i = x[i + 2 * d + 1] * w[v + 2 * d + 1];
    const a6r = x[i + 6 * d] * w[v + 6 * d], a6i = x[i + 6 * d + 1] * w[v + 6 * d + 1];
    const a3r = x[i + 3 * d] * w[v + 3 * d], a3i = x[i + 3 * d + 1] * w[v + 3 * d + 1];
    const a7r = x[i + 7 * d] * w[v + 7 * d], a7i = x[i + 7 * d + 1] * w[v + 7 * d + 1];
    // From here on, radix8 line for line.
    const s0r = a0r + a4r, s0i = a0i + a4i, s1r = a1r + a5r, s1i = a1i + a5i;
    const s2r = a2r + a6r, s2i = a2i + a6i, s3r = a3r + a7r, s3i = a3i + a7i;
    const x1r = a1r - a5r, x1i = a1i - a5i, x3r = a3r - a7r, x3i = a3i - a7i;
    const d0r = a0r - a4r, d0i = a0i - a4i, d1r = H * (x1r + x1i), d1i = H * (x1i - x1r);
    const d2r = a2i - a6i, d2i = a6r - a2r, d3r = H * (x3i - x3r), d3i = -H * (x3r + x3i);
    const e0r = s0r + s2r, e0i = s0i + s2i, e1r = s0r - s2r, e1i = s0i - s2i;
    const e2r = s1r + s3r, e2i = s1i + s3i, e3r = s1r - s3r, e3i = s1i - s3i;
    const f0r = d0r + d2r, f0i = d0i + d2i, f1r = d0r - d2r, f1i = d0i - d2i;
    const f2r = d1r + d3r, f2i = d1i + d3i, f3r = d1r - d3r, f3i = d1i - d3i;
    yr[o] = e0r + e2r;
    yi[o] = e0i + e2i;
    put(yr, yi, o + 1, f0r + f2r, f0i + f2i, tw[t], tw[t + 1]);
    put(yr, yi, o + 2, e1r + e3i, e1i - e3r, tw[t + 2], tw[t + 3]);
    put(yr, yi, o + 3, f1r + f3i, f1i - f3r, tw[t + 4], tw[t + 5]);
    put(yr, yi, o + 4, e0r - e2r, e0i - e2i, tw[t + 6], tw[t + 7]);
    put(yr, yi, o + 5, f0r - f2r, f0i - f2i, tw[t + 8], tw[t + 9]);
    put(yr, yi, o + 6, e1r - e3i, e1i + e3r, tw[t + 10], tw[t + 11]);
    put(yr, yi, o + 7, f1r - f3i, f1i + f3r, tw[t + 12], tw[t + 13]);
  }
}

const C51 = Math.cos((2 * Math.PI) / 5), C52 = Math.cos((4 * Math.PI) / 5);
const S51 = Math.sin((2 * Math.PI) / 5), S52 = Math.sin((4 * Math.PI) / 5);

/**
 * Radix 5: with s14 = a1 + a4, d14 = a1 - a4, s23 = a2 + a3, d23 = a2 - a3,
 *   b0 = a0 + s14 + s23,  b1,4 = A ∓ i·U,  b2,3 = B ∓ i·V,
 *   A = a0 + c1·s14 + c2·s23,  U = s1·d14 + s2·d23,  B = a0 + c2·s14 + c1·s23,  V = s2·d14 - s1·d23
 * (c_k = cos(2πk/5), s_k = sin(2πk/5)), then b_k1 times the twiddle W^(p·k1).
 */
function radix5(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, s, tw } = st;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const t = 8 * p;
    const w1r = tw[t], w1i = tw[t + 1], w2r = tw[t + 2], w2i = tw[t + 3];
    const w3r = tw[t + 4], w3i = tw[t + 5], w4r = tw[t + 6], w4i = tw[t + 7];
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p, o0 = q + s * 5 * p;
      const a0r = xr[i0], a0i = xi[i0];
      const a1r = xr[i0 + sm], a1i = xi[i0 + sm], a2r = xr[i0 + 2 * sm], a2i = xi[i0 + 2 * sm];
      const a3r = xr[i0 + 3 * sm], a3i = xi[i0 + 3 * sm], a4r = xr[i0 + 4 * sm], a4i = xi[i0 + 4 * sm];
      const s14r = a1r + a4r, s14i = a1i + a4i, d14r = a1r - a4r, d14i = a1i - a4i;
      const s23r = a2r + a3r, s23i = a2i + a3i, d23r = a2r - a3r, d23i = a2i - a3i;
      yr[o0] = a0r + s14r + s23r;
      yi[o0] = a0i + s14i + s23i;
      const ar = a0r + C51 * s14r + C52 * s23r, ai = a0i + C51 * s14i + C52 * s23i;
      const ur = S51 * d14r + S52 * d23r, ui = S51 * d14i + S52 * d23i;
      const br = a0r + C52 * s14r + C51 * s23r, bi = a0i + C52 * s14i + C51 * s23i;
      const vr = S52 * d14r - S51 * d23r, vi = S52 * d14i - S51 * d23i;
      put(yr, yi, o0 + s, ar + ui, ai - ur, w1r, w1i);
      put(yr, yi, o0 + 2 * s, br + vi, bi - vr, w2r, w2i);
      put(yr, yi, o0 + 3 * s, br - vi, bi + vr, w3r, w3i);
      put(yr, yi, o0 + 4 * s, ar - ui, ai + ur, w4r, w4i);
    }
  }
}

/** radix5 for a last stage (m = 1, p = 0): the same butterflies, all twiddles 1, so no multiply. */
function radix5Last(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { s } = st;
  for (let q = 0; q < s; q++) {
    const a0r = xr[q], a0i = xi[q];
    const a1r = xr[q + s], a1i = xi[q + s], a2r = xr[q + 2 * s], a2i = xi[q + 2 * s];
    const a3r = xr[q + 3 * s], a3i = xi[q + 3 * s], a4r = xr[q + 4 * s], a4i = xi[q + 4 * s];
    const s14r = a1r + a4r, s14i = a1i + a4i, d14r = a1r - a4r, d14i = a1i - a4i;
    const s23r = a2r + a3r, s23i = a2i + a3i, d23r = a2r - a3r, d23i = a2i - a3i;
    yr[q] = a0r + s14r + s23r;
    yi[q] = a0i + s14i + s23i;
    const ar = a0r + C51 * s14r + C52 * s23r, ai = a0i + C51 * s14i + C52 * s23i;
    const ur = S51 * d14r + S52 * d23r, ui = S51 * d14i + S52 * d23i;
    const br = a0r + C52 * s14r + C51 * s23r, bi = a0i + C52 * s14i + C51 * s23i;
    const vr = S52 * d14r - S51 * d23r, vi = S52 * d14i - S51 * d23i;
    yr[q + s] = ar + ui;
    yi[q + s] = ai - ur;
    yr[q + 2 * s] = br + vi;
    yi[q + 2 * s] = bi - vr;
    yr[q + 3 * s] = br - vi;
    yi[q + 3 * s] = bi + vr;
    yr[q + 4 * s] = ar - ui;
    yi[q + 4 * s] = ai + ur;
  }
}

const BUTTERFLIES: Record<number, Butterfly> = { 2: radix2, 3: radix3, 4: radix4, 5: radix5, 8: radix8 };

/**
 * The stage of radix `radix` over sub-problems of size `size`, s of them; its twiddles computed once.
 * A last stage (m = 1) of radix 5 runs the twiddle-free codelet unless `general` is set (for tests).
 */
export function makeStage(radix: number, size: number, s: number, general = false): Stage {
  const m = size / radix;
  const tw = new Float64Array(2 * m * (radix - 1));
  for (let p = 0; p < m; p++) {
    for (let k = 1; k < radix; k++) {
      const a = (-2 * Math.PI * p * k) / size;
      const at = 2 * (p * (radix - 1) + k - 1);
      tw[at] = Math.cos(a);
      tw[at + 1] = Math.sin(a);
    }
  }
  const run = radix === 5 && m === 1 && !general ? radix5Last : BUTTERFLIES[radix];
  return { radix, m, s, tw, run };
}
