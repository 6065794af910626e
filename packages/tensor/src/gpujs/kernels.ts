/**
 * NDArray-level wrappers around the gpu.js kernels: make every input packed float32, run the
 * cached kernel, wrap the Float32Array it returns. Each returns null where gpu.js should not run
 * (float64, empty arrays, more than 2^24 elements); the backend table then calls the cpu kernel.
 */
import type { BinaryOp, ConvGeometry, UnaryOp } from '../backend.js';
import { matmulDims } from '../cpu/matmul.js';
import { NDArray } from '../ndarray.js';
import { convOutSize, reducedShape, sizeOf } from '../shape.js';
import type { KernelCache } from './cache.js';
import {
  BINARY_EXPR, binarySource, COL2IM_SOURCE, IM2COL_SOURCE, MATMUL_SOURCE, SUM_SOURCE, UNARY_EXPR, unarySource, WHERE_SOURCE,
} from './sources.js';

/** Above this many elements float32 index maths (the GL modes) stops being exact. */
const MAX_ELEMENTS = 2 ** 24;

const fits = (...sizes: number[]): boolean => sizes.every((n) => n > 0 && n <= MAX_ELEMENTS);

/** gpu.js computes in float32: only all-float32 inputs of a size its indices can address run on it. */
function onGpu(xs: readonly NDArray[], outSize: number): boolean {
  return xs.every((x) => x.dtype === 'float32') && fits(outSize, ...xs.map((x) => x.size));
}

/** The packed float32 storage of `x` (a copy only when `x` is a view). */
const packed = (x: NDArray): Float32Array => x.contiguous().data as Float32Array;

export function unaryKernel(cache: KernelCache, op: UnaryOp, x: NDArray): NDArray | null {
  if (!onGpu([x], x.size)) return null;
  return new NDArray(cache.run(`unary-${op}`, unarySource(UNARY_EXPR[op]), x.size, {}, [packed(x)]), x.shape);
}

export function binaryKernel(cache: KernelCache, op: BinaryOp, a: NDArray, b: NDArray): NDArray | null {
  if (!onGpu([a, b], a.size)) return null;
  return new NDArray(cache.run(`binary-${op}`, binarySource(BINARY_EXPR[op]), a.size, {}, [packed(a), packed(b)]), a.shape);
}

/** cond may be float64 (any 0/1 array): it becomes a float32 0/1 mask, since 1e-50 would round to 0. */
export function whereKernel(cache: KernelCache, cond: NDArray, a: NDArray, b: NDArray): NDArray | null {
  if (!onGpu([a, b], a.size) || !fits(cond.size)) return null;
  const c = cond.dtype === 'float32' ? packed(cond) : Float32Array.from(cond.contiguous().data, (v) => (v !== 0 ? 1 : 0));
  return new NDArray(cache.run('where', WHERE_SOURCE, a.size, {}, [c, packed(a), packed(b)]), a.shape);
}

/** The reduced axes are permuted last and packed on the host; gpu.js sums each contiguous block. */
export function sumKernel(cache: KernelCache, x: NDArray, axes: readonly number[]): NDArray | null {
  if (axes.length === 0 || !onGpu([x], x.size)) return null;
  const keep = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const moved = x.permute([...keep, ...axes]);
  const block = sizeOf(axes.map((a) => x.shape[a]));
  const out = cache.run('sum', SUM_SOURCE, x.size / block, { BLOCK: block }, [packed(moved)]);
  return new NDArray(out, reducedShape(x.shape, axes, true));
}

/** (..., M, K) @ (..., K, N): B is transposed once on the host so both operands run along K. */
export function matmulKernel(cache: KernelCache, a: NDArray, b: NDArray): NDArray | null {
  const { M, K, N, batch, batchShape } = matmulDims(a, b);
  const size = batch * M * N;
  if (!onGpu([a, b], size)) return null;
  const bt = packed(b.transpose(-2, -1));
  const out = cache.run('matmul', MATMUL_SOURCE, size, { M, N, K, MN: M * N }, [packed(a), bt]);
  return new NDArray(out, [...batchShape, M, N]);
}

/** The per-shape constants of the conv kernels. */
function convConstants(inputShape: readonly number[], g: ConvGeometry): Record<string, number> {
  const [, C, H, W] = inputShape;
  const [HO, WO] = [convOutSize(H, g.kh, g.sh, g.ph), convOutSize(W, g.kw, g.sw, g.pw)];
  return {
    C, H, W, KH: g.kh, KW: g.kw, SH: g.sh, SW: g.sw, PH: g.ph, PW: g.pw,
    HO, WO, P: HO * WO, HW: H * W, KK: g.kh * g.kw, K: C * g.kh * g.kw,
  };
}

export function im2colKernel(cache: KernelCache, x: NDArray, g: ConvGeometry): NDArray | null {
  const k = convConstants(x.shape, g);
  const rows = x.shape[0] * k.P;
  if (!onGpu([x], rows * k.K)) return null;
  return new NDArray(cache.run('im2col', IM2COL_SOURCE, rows * k.K, k, [packed(x)]), [rows, k.K]);
}

export function col2imKernel(cache: KernelCache, cols: NDArray, inputShape: readonly number[], g: ConvGeometry): NDArray | null {
  const size = sizeOf(inputShape);
  if (!onGpu([cols], size)) return null;
  return new NDArray(cache.run('col2im', COL2IM_SOURCE, size, convConstants(inputShape, g), [packed(cols)]), inputShape);
}
