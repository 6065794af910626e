/**
 * Batched matmul, conv lowering (im2col / col2im) and last-axis gather for the reference backend.
 * matmul(A, B) = gemmABt(A, Bᵀ): B is transposed once into a packed copy so both operands run
 * contiguously along K.
 */
import type { ConvGeometry } from '../backend.js';
import { allocate, NDArray } from '../ndarray.js';
import { convOutSize, shapeStr } from '../shape.js';
import { gemmABt } from './gemm.js';

export interface MatmulDims {
  M: number;
  K: number;
  N: number;
  /** Number of (M×K)·(K×N) products. */
  batch: number;
  batchShape: number[];
}

/** Checks (..., M, K) @ (..., K, N) and returns the sizes (shared with the parallel backend). */
export function matmulDims(a: NDArray, b: NDArray): MatmulDims {
  const nd = a.ndim;
  if (nd < 2 || b.ndim !== nd) throw new RangeError(`matmul needs equal ranks >= 2, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  const M = a.shape[nd - 2];
  const K = a.shape[nd - 1];
  const N = b.shape[nd - 1];
  if (b.shape[nd - 2] !== K) throw new RangeError(`matmul shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} do not match`);
  const batchShape = a.shape.slice(0, nd - 2);
  return { M, K, N, batch: batchShape.reduce((p, d) => p * d, 1), batchShape };
}

export function matmulKernel(a: NDArray, b: NDArray): NDArray {
  const { M, K, N, batch, batchShape } = matmulDims(a, b);
  const A = a.contiguous();
  const Bt = b.transpose(-2, -1).contiguous();
  const out = allocate(a.dtype, batch * M * N);
  for (let t = 0; t < batch; t++) gemmABt(A.data, t * M * K, Bt.data, t * N * K, out, t * M * N, M, N, K);
  return new NDArray(out, [...batchShape, M, N]);
}

/**
 * Each output row is one receptive field; per kernel row i the columns j with w = w0 + j inside
 * [0, W) form one run [jLo, jHi) copied without per-element bounds tests, zeros around it.
 */
export function im2colKernel(x: NDArray, g: ConvGeometry): NDArray {
  const [B, C, H, W] = x.shape;
  const Ho = convOutSize(H, g.kh, g.sh, g.ph);
  const Wo = convOutSize(W, g.kw, g.sw, g.pw);
  const K = C * g.kh * g.kw;
  const src = x.contiguous().data;
  const out = allocate(x.dtype, B * Ho * Wo * K);
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < Ho; oh++) {
      for (let ow = 0; ow < Wo; ow++) {
        const w0 = ow * g.sw - g.pw;
        const jLo = Math.max(0, -w0);
        const jHi = Math.min(g.kw, W - w0);
        for (let c = 0; c < C; c++) {
          const plane = (b * C + c) * H;
          for (let i = 0; i < g.kh; i++, o += g.kw) {
            const h = oh * g.sh + i - g.ph;
            if (h < 0 || h >= H) continue; // the row stays zero (fresh storage)
            const row = (plane + h) * W + w0;
            for (let j = jLo; j < jHi; j++) out[o + j] = src[row + j];
          }
        }
      }
    }
  }
  return new NDArray(out, [B * Ho * Wo, K]);
}

export function col2imKernel(cols: NDArray, inputShape: readonly number[], g: ConvGeometry): NDArray {
  const [B, C, H, W] = inputShape;
  const Ho = convOutSize(H, g.kh, g.sh, g.ph);
  const Wo = convOutSize(W, g.kw, g.sw, g.pw);
  const src = cols.contiguous().data;
  const out = allocate(cols.dtype, B * C * H * W);
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < Ho; oh++) {
      for (let ow = 0; ow < Wo; ow++) {
        for (let c = 0; c < C; c++) {
          const plane = (b * C + c) * H;
          for (let i = 0; i < g.kh; i++) {
            const h = oh * g.sh + i - g.ph;
            const inside = h >= 0 && h < H;
            const row = (plane + h) * W;
            const w0 = ow * g.sw - g.pw;
            for (let j = 0; j < g.kw; j++, o++) {
              const w = w0 + j;
              if (inside && w >= 0 && w < W) out[row + w] += src[o];
            }
          }
        }
      }
    }
  }
  return new NDArray(out, inputShape);
}

export function gatherLastKernel(x: NDArray, index: Int32Array): NDArray {
  const n = x.shape[x.ndim - 1];
  const src = x.contiguous().data;
  const rows = x.size / n;
  if (index.length !== rows) throw new RangeError(`gather: ${index.length} indices for ${rows} rows`);
  const out = allocate(x.dtype, rows);
  for (let r = 0; r < rows; r++) {
    const k = index[r];
    if (k < 0 || k >= n) throw new RangeError(`gather: index ${k} out of range [0, ${n})`);
    out[r] = src[r * n + k];
  }
  return new NDArray(out, x.shape.slice(0, -1));
}

export function scatterAddLastKernel(grad: NDArray, index: Int32Array, shape: readonly number[]): NDArray {
  const n = shape[shape.length - 1];
  const g = grad.contiguous().data;
  const out = allocate(grad.dtype, index.length * n);
  for (let r = 0; r < index.length; r++) out[r * n + index[r]] += g[r];
  return new NDArray(out, shape);
}
