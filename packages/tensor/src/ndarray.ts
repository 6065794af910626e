/**
 * NDArray: typed-array storage plus shape, strides and offset. Views (reshape of a contiguous
 * array, permute, expand, slice) share storage; `contiguous()` copies into row-major order.
 * Compute lives in backends; this file only moves data.
 */
import { inferShape, normAxis, sameShape, shapeStr, sizeOf, stridesOf, type Shape } from './shape.js';

export type DType = 'float32' | 'float64';
export type TypedArray = Float32Array | Float64Array;

export function allocate(dtype: DType, n: number): TypedArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

export function dtypeOf(data: TypedArray): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

export class NDArray {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly size: number;

  constructor(
    readonly data: TypedArray,
    shape: Shape,
    strides?: Shape,
    readonly offset = 0,
  ) {
    this.shape = [...shape];
    this.strides = strides ? [...strides] : stridesOf(shape);
    this.size = sizeOf(shape);
    if (!strides && offset === 0 && data.length < this.size) {
      throw new RangeError(`NDArray: ${data.length} values cannot fill shape ${shapeStr(shape)}`);
    }
  }

  get dtype(): DType {
    return dtypeOf(this.data);
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** @example NDArray.zeros([2, 3]) */
  static zeros(shape: Shape, dtype: DType = 'float32'): NDArray {
    return new NDArray(allocate(dtype, sizeOf(shape)), shape);
  }

  static full(shape: Shape, value: number, dtype: DType = 'float32'): NDArray {
    const a = NDArray.zeros(shape, dtype);
    a.data.fill(value);
    return a;
  }

  /** @example NDArray.from([1, 2, 3, 4], [2, 2]) */
  static from(values: ArrayLike<number>, shape?: Shape, dtype: DType = 'float32'): NDArray {
    const data = allocate(dtype, values.length);
    data.set(values);
    return new NDArray(data, shape ?? [values.length]);
  }

  static scalar(value: number, dtype: DType = 'float32'): NDArray {
    return NDArray.from([value], [], dtype);
  }

  isContiguous(): boolean {
    let s = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this.strides[i] !== s) return false;
      s *= this.shape[i];
    }
    return true;
  }

  /** True when `data` holds exactly this array in row-major order from index 0. */
  isPacked(): boolean {
    return this.offset === 0 && this.data.length === this.size && this.isContiguous();
  }

  /** A row-major copy (or this array, when it is already packed). */
  contiguous(): NDArray {
    if (this.isPacked()) return this;
    const out = allocate(this.dtype, this.size);
    copyStrided(this, out);
    return new NDArray(out, this.shape);
  }

  /** A fresh packed copy, never sharing storage. */
  clone(): NDArray {
    const out = allocate(this.dtype, this.size);
    copyStrided(this, out);
    return new NDArray(out, this.shape);
  }

  astype(dtype: DType): NDArray {
    if (dtype === this.dtype) return this;
    const src = this.contiguous();
    const out = allocate(dtype, this.size);
    out.set(src.data);
    return new NDArray(out, this.shape);
  }

  /** Reshape: a view of a contiguous array, otherwise a copy. One entry may be -1. */
  reshape(shape: Shape): NDArray {
    const target = inferShape(shape, this.size);
    if (this.isContiguous()) return new NDArray(this.data, target, stridesOf(target), this.offset);
    return this.contiguous().reshape(target);
  }

  /** @example x.permute([0, 2, 1]) // swap the last two axes (a view) */
  permute(axes: readonly number[]): NDArray {
    const ax = axes.map((a) => normAxis(a, this.ndim));
    if (ax.length !== this.ndim || new Set(ax).size !== ax.length) throw new RangeError(`bad permutation [${axes.join(', ')}]`);
    return new NDArray(this.data, ax.map((a) => this.shape[a]), ax.map((a) => this.strides[a]), this.offset);
  }

  transpose(a = -2, b = -1): NDArray {
    const axes = Array.from({ length: this.ndim }, (_, i) => i);
    const i = normAxis(a, this.ndim);
    const j = normAxis(b, this.ndim);
    [axes[i], axes[j]] = [axes[j], axes[i]];
    return this.permute(axes);
  }

  /** Broadcast view: size-1 (or missing leading) axes get stride 0. */
  expand(shape: Shape): NDArray {
    if (sameShape(shape, this.shape)) return this;
    const lead = shape.length - this.ndim;
    if (lead < 0) throw new RangeError(`cannot expand ${shapeStr(this.shape)} to ${shapeStr(shape)}`);
    const strides = shape.map((d, i) => {
      if (i < lead) return 0;
      const own = this.shape[i - lead];
      if (own === d) return this.strides[i - lead];
      if (own === 1) return 0;
      throw new RangeError(`cannot expand ${shapeStr(this.shape)} to ${shapeStr(shape)}`);
    });
    return new NDArray(this.data, shape, strides, this.offset);
  }

  /** View of `start:end:step` along one axis (step > 0). */
  slice(axis: number, start: number, end: number, step = 1): NDArray {
    const ax = normAxis(axis, this.ndim);
    const n = this.shape[ax];
    if (step < 1 || start < 0 || end > n || start > end) throw new RangeError(`bad slice ${start}:${end}:${step} of axis size ${n}`);
    const shape = [...this.shape];
    shape[ax] = Math.ceil((end - start) / step);
    const strides = [...this.strides];
    strides[ax] = this.strides[ax] * step;
    return new NDArray(this.data, shape, strides, this.offset + start * this.strides[ax]);
  }

  get(...index: number[]): number {
    let p = this.offset;
    index.forEach((v, i) => (p += v * this.strides[i]));
    return this.data[p];
  }

  /** The values in logical row-major order. */
  toArray(): number[] {
    return Array.from(this.contiguous().data.subarray(0, this.size));
  }
}

/** Copy a strided array into packed row-major `out` (the inner axis is a tight loop). */
export function copyStrided(src: NDArray, out: TypedArray): void {
  const { shape, strides, data } = src;
  const nd = shape.length;
  if (nd === 0) {
    out[0] = data[src.offset];
    return;
  }
  const inner = shape[nd - 1];
  const innerStride = strides[nd - 1];
  const outer = src.size / Math.max(inner, 1);
  const idx = new Array<number>(nd - 1).fill(0);
  let base = src.offset;
  let o = 0;
  for (let r = 0; r < outer; r++) {
    for (let k = 0, p = base; k < inner; k++, p += innerStride) out[o++] = data[p];
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      base += strides[d];
      if (idx[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** Write packed row-major `src` into the (possibly strided) view `dst`. */
export function writeStrided(dst: NDArray, src: TypedArray): void {
  const { shape, strides, data } = dst;
  const nd = shape.length;
  if (nd === 0) {
    data[dst.offset] = src[0];
    return;
  }
  const inner = shape[nd - 1];
  const innerStride = strides[nd - 1];
  const outer = inner === 0 ? 0 : dst.size / inner;
  const idx = new Array<number>(nd - 1).fill(0);
  let base = dst.offset;
  let o = 0;
  for (let r = 0; r < outer; r++) {
    for (let k = 0, p = base; k < inner; k++, p += innerStride) data[p] = src[o++];
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      base += strides[d];
      if (idx[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}
