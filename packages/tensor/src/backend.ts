/**
 * Backends are data: a `Backend` is a table of kernels, typed so that a backend missing a
 * kernel does not compile. Kernels take NDArrays of equal shapes (callers broadcast with
 * `expand` views first; kernels never broadcast themselves) and return new packed arrays.
 * A backend is passed in by whoever uses it; nothing registers itself on import.
 */
import type { NDArray } from './ndarray.js';

export const UNARY_OPS = ['neg', 'exp', 'log', 'sqrt', 'tanh', 'relu', 'square'] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

/** `ge`, `gt`, `eq` give 1 or 0. `pow` is elementwise a^b. */
export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'maximum', 'pow', 'ge', 'gt', 'eq'] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

export interface ConvGeometry {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
}

export interface Backend {
  readonly name: string;
  readonly unary: { readonly [K in UnaryOp]: (x: NDArray) => NDArray };
  readonly binary: { readonly [K in BinaryOp]: (a: NDArray, b: NDArray) => NDArray };
  /** cond ? a : b, elementwise (cond nonzero means true); all three the same shape. */
  where(cond: NDArray, a: NDArray, b: NDArray): NDArray;
  /** Sum over `axes` (sorted), keeping them as size 1. */
  sum(x: NDArray, axes: readonly number[]): NDArray;
  /** Max over `axes` (sorted), keeping them as size 1. */
  max(x: NDArray, axes: readonly number[]): NDArray;
  /** Batched matrix product (..., M, K) @ (..., K, N); batch dims equal (expand first). */
  matmul(a: NDArray, b: NDArray): NDArray;
  /** (B, C, H, W) -> (B·Ho·Wo, C·kh·kw): each row one receptive field, contiguous along K. */
  im2col(x: NDArray, g: ConvGeometry): NDArray;
  /** The adjoint of im2col: scatter-add rows back into a zero (B, C, H, W) array. */
  col2im(cols: NDArray, inputShape: readonly number[], g: ConvGeometry): NDArray;
  /** out[..., i] = x[..., index[i]] along the last axis; index has x's leading shape. */
  gatherLast(x: NDArray, index: Int32Array): NDArray;
  /** Adjoint of gatherLast: zeros of `shape` with grad[i] added at index[i] along the last axis. */
  scatterAddLast(grad: NDArray, index: Int32Array, shape: readonly number[]): NDArray;
  /** Fill a packed copy (a strided copy, e.g. after permute). */
  copy(x: NDArray): NDArray;
}
