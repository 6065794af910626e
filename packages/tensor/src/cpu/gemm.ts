/**
 * The one matrix kernel: C = A·Bᵀ with A (M×K) and B (N×K) both contiguous along K.
 * Keeping both operands contiguous along the reduction axis lets a 4×4 register block read
 * eight streams sequentially; measured on this machine it is about 3x a naive i-k-j loop
 * (docs/architecture.md). Accumulation happens in JS doubles, stored to the output's precision.
 *
 * @example
 * gemmABt(a, 0, b, 0, c, 0, M, N, K); // c[i*N + j] = Σ_k a[i*K + k] * b[j*K + k]
 */
import type { TypedArray } from '../ndarray.js';

export function gemmABt(
  a: TypedArray, aOff: number, b: TypedArray, bOff: number,
  c: TypedArray, cOff: number, M: number, N: number, K: number,
): void {
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    let j = 0;
    for (; j + 4 <= N; j += 4) block4x4(a, aOff + i * K, b, bOff + j * K, c, cOff + i * N + j, N, K);
    for (; j < N; j++) {
      for (let r = 0; r < 4; r++) c[cOff + (i + r) * N + j] = dot(a, aOff + (i + r) * K, b, bOff + j * K, K);
    }
  }
  for (; i < M; i++) {
    for (let j = 0; j < N; j++) c[cOff + i * N + j] = dot(a, aOff + i * K, b, bOff + j * K, K);
  }
}

function dot(a: TypedArray, p: number, b: TypedArray, q: number, K: number): number {
  let s0 = 0;
  let s1 = 0;
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    s0 += a[p + k] * b[q + k];
    s1 += a[p + k + 1] * b[q + k + 1];
  }
  if (k < K) s0 += a[p + k] * b[q + k];
  return s0 + s1;
}

function block4x4(a: TypedArray, a0: number, b: TypedArray, b0: number, c: TypedArray, c0: number, N: number, K: number): void {
  const a1 = a0 + K, a2 = a1 + K, a3 = a2 + K;
  const b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let k = 0; k < K; k++) {
    const x0 = a[a0 + k], x1 = a[a1 + k], x2 = a[a2 + k], x3 = a[a3 + k];
    const y0 = b[b0 + k], y1 = b[b1 + k], y2 = b[b2 + k], y3 = b[b3 + k];
    c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
    c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
    c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
    c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
  }
  c[c0] = c00; c[c0 + 1] = c01; c[c0 + 2] = c02; c[c0 + 3] = c03;
  c[c0 + N] = c10; c[c0 + N + 1] = c11; c[c0 + N + 2] = c12; c[c0 + N + 3] = c13;
  c[c0 + 2 * N] = c20; c[c0 + 2 * N + 1] = c21; c[c0 + 2 * N + 2] = c22; c[c0 + 2 * N + 3] = c23;
  c[c0 + 3 * N] = c30; c[c0 + 3 * N + 1] = c31; c[c0 + 3 * N + 2] = c32; c[c0 + 3 * N + 3] = c33;
}

/**
 * gemmABt and the helpers it calls. They reference nothing outside this list, so their source
 * (`fn.toString()`) is a self-contained kernel: the parallel backend builds its worker code from
 * it rather than keeping a second copy of the loops.
 */
export const GEMM_FUNCTIONS: readonly ((...args: never[]) => unknown)[] = [gemmABt, dot, block4x4];
