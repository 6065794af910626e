/**
 * Reductions of the reference backend: the reduced axes are permuted to the end and made
 * contiguous, so each output element reduces one contiguous block.
 */
import { allocate, NDArray } from '../ndarray.js';
import { reducedShape } from '../shape.js';

function toBlocks(x: NDArray, axes: readonly number[]): { src: Float32Array | Float64Array; outSize: number; block: number } {
  const keep = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const moved = x.permute([...keep, ...axes]).contiguous();
  const block = axes.reduce((p, a) => p * x.shape[a], 1);
  return { src: moved.data, outSize: block === 0 ? 0 : x.size / block, block };
}

/** True when `axes` are exactly the leading axes 0..k-1 (k >= 1) of a contiguous x. */
function leadingOfContiguous(x: NDArray, axes: readonly number[]): boolean {
  return axes.length > 0 && axes.length < x.ndim && axes.every((a, i) => a === i) && x.isContiguous();
}

/**
 * Sum over the leading axes of a contiguous array (a bias gradient: (rows, n) -> (1, n)) row by
 * row into doubles: the same additions in the same order as the block loop below (row 0 first),
 * so the same result, without the transposing copy that toBlocks would make.
 */
function sumLeading(x: NDArray, axes: readonly number[]): NDArray {
  const inner = x.shape.slice(axes.length).reduce((p, d) => p * d, 1);
  const rows = inner === 0 ? 0 : x.size / inner;
  const acc = new Float64Array(inner);
  const d = x.data;
  for (let r = 0, p = x.offset; r < rows; r++) {
    for (let j = 0; j < inner; j++) acc[j] += d[p++];
  }
  const out = allocate(x.dtype, inner);
  out.set(acc);
  return new NDArray(out, reducedShape(x.shape, axes, true));
}

export function sumKernel(x: NDArray, axes: readonly number[]): NDArray {
  if (leadingOfContiguous(x, axes)) return sumLeading(x, axes);
  const { src, outSize, block } = toBlocks(x, axes);
  const out = allocate(x.dtype, outSize);
  for (let o = 0, p = 0; o < outSize; o++) {
    let s = 0;
    for (let k = 0; k < block; k++) s += src[p++];
    out[o] = s;
  }
  return new NDArray(out, reducedShape(x.shape, axes, true));
}

export function maxKernel(x: NDArray, axes: readonly number[]): NDArray {
  const { src, outSize, block } = toBlocks(x, axes);
  const out = allocate(x.dtype, outSize);
  for (let o = 0, p = 0; o < outSize; o++) {
    let m = -Infinity;
    for (let k = 0; k < block; k++, p++) if (src[p] > m || Number.isNaN(src[p])) m = src[p];
    out[o] = m;
  }
  return new NDArray(out, reducedShape(x.shape, axes, true));
}
