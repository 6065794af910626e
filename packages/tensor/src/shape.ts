/**
 * Shape maths, in one place: sizes, row-major strides, broadcasting, reduced shapes and the
 * output size of a strided convolution. Everything else asks here instead of re-deriving.
 */

export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar `[]`). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides of a contiguous array. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Normalise a possibly negative axis against `ndim`, with a clear error when out of range. */
export function normAxis(axis: number, ndim: number): number {
  const a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim || !Number.isInteger(a)) throw new RangeError(`axis ${axis} out of range for ${ndim} dimensions`);
  return a;
}

/** Sorted, de-duplicated, normalised axes; `undefined` means every axis. */
export function normAxes(axes: number | readonly number[] | undefined, ndim: number): number[] {
  if (axes === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  return [...new Set(list.map((a) => normAxis(a, ndim)))].sort((x, y) => x - y);
}

/**
 * NumPy broadcasting: align shapes on the right; each pair of sizes must be equal or one of them 1.
 * @example broadcastShapes([3, 1], [4]) // [3, 4]
 */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new RangeError(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** The shape after reducing `axes` (sorted, normalised), keeping them as size 1 or dropping them. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/**
 * Output length of a convolution along one axis: floor((n + 2·pad - kernel) / stride) + 1.
 * @example convOutSize(101, 20, 8, 0) // 11
 */
export function convOutSize(n: number, kernel: number, stride: number, pad: number): number {
  const out = Math.floor((n + 2 * pad - kernel) / stride) + 1;
  if (out < 1) throw new RangeError(`convolution kernel ${kernel} does not fit an input of ${n} with padding ${pad}`);
  return out;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Resolve one `-1` entry of a reshape target against a total size. */
export function inferShape(shape: Shape, size: number): number[] {
  const out = [...shape];
  const idx = out.indexOf(-1);
  if (idx >= 0) {
    const rest = sizeOf(out.filter((_, i) => i !== idx));
    out[idx] = rest === 0 ? 0 : size / rest;
  }
  if (sizeOf(out) !== size || out.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RangeError(`cannot reshape ${size} elements to [${shape.join(', ')}]`);
  }
  return out;
}

export function shapeStr(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}
