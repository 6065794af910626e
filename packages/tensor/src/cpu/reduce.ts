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

export function sumKernel(x: NDArray, axes: readonly number[]): NDArray {
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
