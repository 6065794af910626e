/**
 * Helpers for the backend conformance suite: the same logical values laid out in memory four
 * ways (packed, permuted, strided slice with an offset, stride-0 broadcast), a reader that walks
 * shape/strides/offset element by element (independent of `copyStrided`), and a closeness check
 * with a stated tolerance.
 */
import { allocate, NDArray, type DType } from '../ndarray.js';
import type { Rng } from '../rng.js';
import { sizeOf, stridesOf } from '../shape.js';

/** Draws one input value. */
export type Gen = (rng: Rng) => number;

export const uniform =
  (lo: number, hi: number): Gen =>
  (rng) =>
    rng.uniform(lo, hi);

/** Small integers in [lo, hi]: ties for comparisons, maximum/minimum and eq. */
export const ints =
  (lo: number, hi: number): Gen =>
  (rng) =>
    lo + rng.int(hi - lo + 1);

/** Values away from zero: magnitude in [lo, hi), random sign. */
export const awayFromZero =
  (lo: number, hi: number): Gen =>
  (rng) =>
    (rng.uniform() < 0.5 ? -1 : 1) * rng.uniform(lo, hi);

/** Calls `visit` with every multi-index of `shape` in row-major order. */
export function forEachIndex(shape: readonly number[], visit: (idx: readonly number[], flat: number) => void): void {
  const n = sizeOf(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    visit(idx, flat);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

function position(x: NDArray, idx: readonly number[]): number {
  let p = x.offset;
  for (let d = 0; d < idx.length; d++) p += idx[d] * x.strides[d];
  return p;
}

/** The logical values of `x` in row-major order, read one element at a time. */
export function logical(x: NDArray): number[] {
  const out: number[] = [];
  forEachIndex(x.shape, (idx) => out.push(x.data[position(x, idx)]));
  return out;
}

/** Writes row-major `values` into the view `x`, one element at a time. */
function place(x: NDArray, values: readonly number[]): void {
  forEachIndex(x.shape, (idx, flat) => (x.data[position(x, idx)] = values[flat]));
}

function draw(n: number, rng: Rng, gen: Gen): number[] {
  return Array.from({ length: n }, () => gen(rng));
}

export interface Layout {
  readonly name: string;
  /** An array of `shape` with values from `gen`, or null where this layout does not apply. */
  make(shape: readonly number[], dtype: DType, rng: Rng, gen: Gen): NDArray | null;
}

export const packed: Layout = {
  name: 'packed',
  make: (shape, dtype, rng, gen) => NDArray.from(draw(sizeOf(shape), rng, gen), shape, dtype),
};

/** Stored with the axes reversed (a transpose for matrices), viewed back in logical order. */
export const permuted: Layout = {
  name: 'permuted',
  make: (shape, dtype, rng, gen) => {
    if (shape.filter((d) => d > 1).length < 2) return null;
    const nd = shape.length;
    const storage = stridesOf([...shape].reverse());
    const x = new NDArray(allocate(dtype, sizeOf(shape)), shape, shape.map((_, d) => storage[nd - 1 - d]));
    place(x, draw(x.size, rng, gen));
    return x;
  },
};

/** Every other element of every axis, starting at 1 (an offset), NaN in the gaps. */
export const sliced: Layout = {
  name: 'sliced',
  make: (shape, dtype, rng, gen) => {
    if (shape.length === 0) return null;
    const big = shape.map((d) => 2 * d + 1);
    const bigStrides = stridesOf(big);
    const data = allocate(dtype, sizeOf(big)).fill(NaN);
    const offset = bigStrides.reduce((p, s) => p + s, 0);
    const x = new NDArray(data, shape, bigStrides.map((s) => 2 * s), offset);
    place(x, draw(x.size, rng, gen));
    return x;
  },
};

/** A stride-0 broadcast along the first axis longer than 1 (values repeat along it). */
export const expanded: Layout = {
  name: 'expanded',
  make: (shape, dtype, rng, gen) => {
    const axis = shape.findIndex((d) => d > 1);
    if (axis < 0) return null;
    const small = shape.map((d, i) => (i === axis ? 1 : d));
    return NDArray.from(draw(sizeOf(small), rng, gen), small, dtype).expand(shape);
  },
};

export const LAYOUTS: readonly Layout[] = [packed, permuted, sliced, expanded];

/** Every layout that applies to `shape`, with its array. */
export function variants(shape: readonly number[], dtype: DType, rng: Rng, gen: Gen): { name: string; x: NDArray }[] {
  const out: { name: string; x: NDArray }[] = [];
  for (const layout of LAYOUTS) {
    const x = layout.make(shape, dtype, rng, gen);
    if (x) out.push({ name: layout.name, x });
  }
  return out;
}

/** Throws `what: why` unless `ok`: plain errors, so the suite also runs where vitest does not (a page). */
function check(ok: boolean, what: string, why: string): void {
  if (!ok) throw new Error(`${what}: ${why}`);
}

/**
 * Checks |got - want| <= tol · max(|want|, scale) elementwise (NaN must match NaN, infinities
 * must match exactly). `scale` is the magnitude of the terms that formed each value (Σ|terms|
 * for sums and dot products), so cancellation is judged against what was summed.
 * Returns the worst error seen in the same measure, |got - want| / max(|want|, scale) (0 when
 * every value is exact), so a run can report how far inside its tolerance it stayed.
 */
export function expectClose(got: readonly number[], want: readonly number[], tol: number, what: string, scale: number | readonly number[] = 0): number {
  check(got.length === want.length, what, `length ${got.length}, expected ${want.length}`);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i], want[i]];
    const s = typeof scale === 'number' ? scale : scale[i];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : Number.isFinite(w) ? Math.abs(g - w) <= tol * Math.max(Math.abs(w), s) : g === w;
    check(ok, what, `element ${i} is ${g}, expected ${w} (tolerance ${tol} relative)`);
    if (Number.isFinite(w) && g !== w) worst = Math.max(worst, Math.abs(g - w) / Math.max(Math.abs(w), s));
  }
  return worst;
}

const sameNumbers = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
  a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

/** A kernel's result: the given shape and dtype, packed, in fresh storage. */
export function expectFreshPacked(out: NDArray, shape: readonly number[], dtype: DType, inputs: readonly NDArray[], what: string): void {
  check(sameNumbers(out.shape, shape), what, `shape [${out.shape.join(',')}], expected [${shape.join(',')}]`);
  check(out.dtype === dtype, what, `dtype ${out.dtype}, expected ${dtype}`);
  check(out.isPacked(), what, 'result is not packed');
  for (const x of inputs) check(out.data !== x.data, what, "shares an input's storage");
}

/** Runs `kernel` and checks that it left every input's storage untouched (NaN gaps included). */
export function runPure<T>(inputs: readonly NDArray[], kernel: () => T, what: string): T {
  const before = inputs.map((x) => Float64Array.from(x.data));
  const out = kernel();
  inputs.forEach((x, i) => check(sameNumbers(x.data, before[i]), what, `input ${i} was modified`));
  return out;
}
