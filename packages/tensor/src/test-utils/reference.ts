/**
 * Naive reference kernels for the backend conformance suite: plain loops over logical values
 * (read element by element), computed in float64, each returning the magnitude Σ|terms| that
 * the tolerance is judged against where a value is a sum.
 */
import type { ConvGeometry } from '../backend.js';
import type { NDArray } from '../ndarray.js';
import { convOutSize, reducedShape, sizeOf } from '../shape.js';
import { forEachIndex, logical } from './views.js';

/** Naive reduction over `axes` with kept dims: the result and Σ|terms| per output. */
export function reduceRef(x: NDArray, axes: readonly number[], init: number, step: (acc: number, v: number) => number): { want: number[]; scale: number[] } {
  const outShape = reducedShape(x.shape, axes, true);
  const want = new Array<number>(sizeOf(outShape)).fill(init);
  const scale = new Array<number>(want.length).fill(0);
  const vals = logical(x);
  forEachIndex(x.shape, (idx, flat) => {
    let o = 0;
    idx.forEach((v, d) => (o = o * outShape[d] + (axes.includes(d) ? 0 : v)));
    want[o] = step(want[o], vals[flat]);
    scale[o] += Math.abs(vals[flat]);
  });
  return { want, scale };
}

export const maxStep = (m: number, v: number): number => (Number.isNaN(m) || Number.isNaN(v) ? NaN : Math.max(m, v));

/** Naive batched matmul on logical values: C[t,i,j] = Σ_k A[t,i,k] B[t,k,j], with Σ|terms|. */
export function matmulRef(a: NDArray, b: NDArray): { want: number[]; scale: number[] } {
  const nd = a.ndim;
  const [M, K, N] = [a.shape[nd - 2], a.shape[nd - 1], b.shape[nd - 1]];
  const [av, bv] = [logical(a), logical(b)];
  const batch = sizeOf(a.shape.slice(0, -2));
  const want: number[] = [];
  const scale: number[] = [];
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        let m = 0;
        for (let k = 0; k < K; k++) {
          const p = av[(t * M + i) * K + k] * bv[(t * K + k) * N + j];
          s += p;
          m += Math.abs(p);
        }
        want.push(s);
        scale.push(m);
      }
    }
  }
  return { want, scale };
}

/** Naive im2col: row (b, oh, ow), column (c, i, j), zero outside the input. */
export function im2colRef(x: NDArray, g: ConvGeometry): number[] {
  const [B, C, H, W] = x.shape;
  const [Ho, Wo] = [convOutSize(H, g.kh, g.sh, g.ph), convOutSize(W, g.kw, g.sw, g.pw)];
  const xv = logical(x);
  const out: number[] = [];
  for (let b = 0; b < B; b++)
    for (let oh = 0; oh < Ho; oh++)
      for (let ow = 0; ow < Wo; ow++)
        for (let c = 0; c < C; c++)
          for (let i = 0; i < g.kh; i++)
            for (let j = 0; j < g.kw; j++) {
              const [h, w] = [oh * g.sh + i - g.ph, ow * g.sw + j - g.pw];
              out.push(h >= 0 && h < H && w >= 0 && w < W ? xv[((b * C + c) * H + h) * W + w] : 0);
            }
  return out;
}

/** Naive col2im in gather form: x[b,c,h,w] sums every (oh, i), (ow, j) with oh·sh + i - ph = h. */
export function col2imRef(cols: NDArray, shape: readonly number[], g: ConvGeometry): { want: number[]; scale: number[] } {
  const [, C, H, W] = shape;
  const [Ho, Wo] = [convOutSize(H, g.kh, g.sh, g.ph), convOutSize(W, g.kw, g.sw, g.pw)];
  const cv = logical(cols);
  const K = C * g.kh * g.kw;
  const want: number[] = [];
  const scale: number[] = [];
  forEachIndex(shape, ([b, c, h, w]) => {
    let s = 0;
    let m = 0;
    for (let i = 0; i < g.kh; i++) {
      const oh = (h + g.ph - i) / g.sh;
      if (!Number.isInteger(oh) || oh < 0 || oh >= Ho) continue;
      for (let j = 0; j < g.kw; j++) {
        const ow = (w + g.pw - j) / g.sw;
        if (!Number.isInteger(ow) || ow < 0 || ow >= Wo) continue;
        const v = cv[((b * Ho + oh) * Wo + ow) * K + (c * g.kh + i) * g.kw + j];
        s += v;
        m += Math.abs(v);
      }
    }
    want.push(s);
    scale.push(m);
  });
  return { want, scale };
}

/** Σ a_i·b_i and Σ|a_i·b_i|. */
export function dot(a: readonly number[], b: readonly number[]): { value: number; terms: number } {
  let value = 0;
  let terms = 0;
  a.forEach((v, i) => {
    value += v * b[i];
    terms += Math.abs(v * b[i]);
  });
  return { value, terms };
}
