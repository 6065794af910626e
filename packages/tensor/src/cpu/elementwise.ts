/**
 * Elementwise kernels of the plain-JS reference backend. Inputs share one shape; any strides
 * (views, stride-0 broadcasts) are walked with a row counter, the innermost axis in a tight loop.
 */
import type { BinaryOp, UnaryOp } from '../backend.js';
import { allocate, NDArray } from '../ndarray.js';

type Fn1 = (x: number) => number;
type Fn2 = (a: number, b: number) => number;

export const unaryFns: { readonly [K in UnaryOp]: Fn1 } = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  relu: (x) => (x > 0 ? x : 0),
  square: (x) => x * x,
};

export const binaryFns: { readonly [K in BinaryOp]: Fn2 } = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  maximum: (a, b) => (a >= b ? a : b),
  pow: Math.pow,
  ge: (a, b) => (a >= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  eq: (a, b) => (a === b ? 1 : 0),
};

/** Visit every row (all axes but the last) of up to three same-shape arrays. */
function forEachRow(
  arrays: readonly NDArray[],
  visit: (bases: number[], inner: number, innerStrides: number[], outBase: number) => void,
): void {
  const shape = arrays[0].shape;
  const nd = shape.length;
  const inner = nd === 0 ? 1 : shape[nd - 1];
  const innerStrides = arrays.map((a) => (nd === 0 ? 0 : a.strides[nd - 1]));
  const rows = inner === 0 ? 0 : arrays[0].size / inner;
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  const bases = arrays.map((a) => a.offset);
  for (let r = 0; r < rows; r++) {
    visit(bases, inner, innerStrides, r * inner);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      arrays.forEach((a, i) => (bases[i] += a.strides[d]));
      if (idx[d] < shape[d]) break;
      arrays.forEach((a, i) => (bases[i] -= a.strides[d] * shape[d]));
      idx[d] = 0;
    }
  }
}

export function mapUnary(x: NDArray, f: Fn1): NDArray {
  const out = allocate(x.dtype, x.size);
  if (x.isPacked()) {
    const d = x.data;
    for (let i = 0; i < out.length; i++) out[i] = f(d[i]);
  } else {
    const d = x.data;
    forEachRow([x], (b, n, s, o) => {
      for (let k = 0, p = b[0]; k < n; k++, p += s[0]) out[o + k] = f(d[p]);
    });
  }
  return new NDArray(out, x.shape);
}

export function mapBinary(a: NDArray, b: NDArray, f: Fn2): NDArray {
  const out = allocate(a.dtype, a.size);
  const da = a.data;
  const db = b.data;
  if (a.isPacked() && b.isPacked()) {
    for (let i = 0; i < out.length; i++) out[i] = f(da[i], db[i]);
  } else {
    forEachRow([a, b], (base, n, s, o) => {
      for (let k = 0, p = base[0], q = base[1]; k < n; k++, p += s[0], q += s[1]) out[o + k] = f(da[p], db[q]);
    });
  }
  return new NDArray(out, a.shape);
}

export function whereKernel(c: NDArray, a: NDArray, b: NDArray): NDArray {
  const out = allocate(a.dtype, a.size);
  const [dc, da, db] = [c.data, a.data, b.data];
  forEachRow([c, a, b], (base, n, s, o) => {
    for (let k = 0; k < n; k++) {
      out[o + k] = dc[base[0] + k * s[0]] !== 0 ? da[base[1] + k * s[1]] : db[base[2] + k * s[2]];
    }
  });
  return new NDArray(out, a.shape);
}

/**
 * Specialised add/mul loops: the hot binary ops avoid a function call per element, packed or
 * strided (a conv bias added to a permuted view, a broadcast gradient).
 */
export function addKernel(a: NDArray, b: NDArray): NDArray {
  const out = allocate(a.dtype, a.size);
  const da = a.data;
  const db = b.data;
  if (a.isPacked() && b.isPacked()) {
    for (let i = 0; i < out.length; i++) out[i] = da[i] + db[i];
  } else {
    forEachRow([a, b], (base, n, s, o) => {
      for (let k = 0, p = base[0], q = base[1]; k < n; k++, p += s[0], q += s[1]) out[o + k] = da[p] + db[q];
    });
  }
  return new NDArray(out, a.shape);
}

export function mulKernel(a: NDArray, b: NDArray): NDArray {
  const out = allocate(a.dtype, a.size);
  const da = a.data;
  const db = b.data;
  if (a.isPacked() && b.isPacked()) {
    for (let i = 0; i < out.length; i++) out[i] = da[i] * db[i];
  } else {
    forEachRow([a, b], (base, n, s, o) => {
      for (let k = 0, p = base[0], q = base[1]; k < n; k++, p += s[0], q += s[1]) out[o + k] = da[p] * db[q];
    });
  }
  return new NDArray(out, a.shape);
}
