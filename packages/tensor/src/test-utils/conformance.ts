/**
 * The backend conformance cases, as data: one list, run by conformance.test.ts over every
 * backend available in Node, and by the browser test (packages/cli, `npm run test:browser`) over
 * gpu.js in headless Chromium's WebGL2. Each case checks one kernel of the `Backend` table
 * against tiny naive references (reference.ts) on packed and non-contiguous inputs (views.ts),
 * throws a plain Error on the first value out of tolerance (no vitest: it runs in a page too),
 * and returns the worst error it saw.
 *
 * Tolerance: |got - want| <= tol · max(|want|, scale), where `scale` is Σ|terms| for sums, dot
 * products and the im2col adjoint identity, |a| + |b| for add/sub, 1 for log, and 0 (purely
 * relative) for every other elementwise op. References compute in float64. A backend states
 * TOL per dtype, ACC_TOL (default TOL) for what is summed (sum, matmul, col2im), and OP_TOL
 * (float32 only) for elementwise ops whose float32 implementation is not correctly rounded.
 */
import { BINARY_OPS, UNARY_OPS, type Backend, type BinaryOp, type ConvGeometry, type UnaryOp } from '../backend.js';
import type { DType, NDArray } from '../ndarray.js';
import { Rng } from '../rng.js';
import { convOutSize, reducedShape, sizeOf } from '../shape.js';
import { col2imRef, dot, im2colRef, matmulRef, maxStep, reduceRef } from './reference.js';
import { awayFromZero, expectClose, expectFreshPacked, ints, logical, packed, runPure, uniform, variants, type Gen } from './views.js';

export const DTYPES: readonly DType[] = ['float32', 'float64'];

export interface Tolerances {
  TOL: Record<DType, number>;
  ACC_TOL?: Record<DType, number>;
  /** float32 only: a wider bound for these elementwise ops (e.g. GLSL's exp, log, pow). */
  OP_TOL?: Partial<Record<UnaryOp | BinaryOp, number>>;
}

/** One case: run it on `be` in `dtype`; it throws when out of tolerance, else returns the worst error. */
export interface ConformanceCase {
  title: string;
  run(be: Backend, dtype: DType, tol: Tolerances): number;
}

/** The plain tolerance, the accumulation one, and the one for elementwise `op`. */
function tolsOf(t: Tolerances, dtype: DType, op?: UnaryOp | BinaryOp): { tol: number; accTol: number } {
  const tol = dtype === 'float32' && op !== undefined ? (t.OP_TOL?.[op] ?? t.TOL[dtype]) : t.TOL[dtype];
  return { tol, accTol: (t.ACC_TOL ?? t.TOL)[dtype] };
}

interface UnaryRef { f: (x: number) => number; gen: Gen; scale?: number }
interface BinaryRef { f: (a: number, b: number) => number; genA: Gen; genB: Gen; scale?: (a: number, b: number) => number }

const wide = uniform(-3, 3);
const positive = uniform(0.05, 4);

/** Typed over the op lists: a new op without a reference is a compile error. */
const UNARY_REF: { readonly [K in UnaryOp]: UnaryRef } = {
  neg: { f: (x) => -x, gen: wide },
  exp: { f: Math.exp, gen: wide },
  log: { f: Math.log, gen: positive, scale: 1 },
  sqrt: { f: Math.sqrt, gen: positive },
  tanh: { f: Math.tanh, gen: wide },
  relu: { f: (x) => Math.max(x, 0), gen: wide },
  square: { f: (x) => x * x, gen: wide },
};

const sumScale = (a: number, b: number): number => Math.abs(a) + Math.abs(b);
const smallInts = ints(-2, 2);
const BINARY_REF: { readonly [K in BinaryOp]: BinaryRef } = {
  add: { f: (a, b) => a + b, genA: wide, genB: wide, scale: sumScale },
  sub: { f: (a, b) => a - b, genA: wide, genB: wide, scale: sumScale },
  mul: { f: (a, b) => a * b, genA: wide, genB: wide },
  div: { f: (a, b) => a / b, genA: wide, genB: awayFromZero(0.2, 3) },
  maximum: { f: Math.max, genA: smallInts, genB: smallInts },
  pow: { f: Math.pow, genA: uniform(0.5, 2), genB: uniform(-2, 2) },
  ge: { f: (a, b) => (a >= b ? 1 : 0), genA: smallInts, genB: smallInts },
  gt: { f: (a, b) => (a > b ? 1 : 0), genA: smallInts, genB: smallInts },
  eq: { f: (a, b) => (a === b ? 1 : 0), genA: smallInts, genB: smallInts },
};

const ELEMENTWISE_SHAPES: readonly number[][] = [[3, 4, 5], [6, 7], [9], [1, 5], []];

const geo = (kh: number, kw: number, sh: number, sw: number, ph: number, pw: number): ConvGeometry => ({ kh, kw, sh, sw, ph, pw });

/** Conv cases: same padding, asymmetric padding and stride, the teacher's kind of kernel, kernel = input, stride > kernel. */
const CONV_CASES: readonly { x: number[]; g: ConvGeometry }[] = [
  { x: [2, 3, 5, 6], g: geo(3, 3, 1, 1, 1, 1) },
  { x: [1, 2, 7, 11], g: geo(2, 4, 2, 3, 0, 2) },
  { x: [2, 1, 9, 21], g: geo(5, 8, 2, 4, 0, 0) },
  { x: [1, 1, 3, 4], g: geo(3, 4, 1, 1, 0, 0) },
  { x: [2, 2, 4, 5], g: geo(2, 2, 3, 3, 1, 1) },
];

function colsShape(x: readonly number[], g: ConvGeometry): number[] {
  const [B, C, H, W] = x;
  return [B * convOutSize(H, g.kh, g.sh, g.ph) * convOutSize(W, g.kw, g.sw, g.pw), C * g.kh * g.kw];
}

/** (batch, M, K, N): odd sizes around the 4x4 register block, K = 1, and batched cases. */
const MATMUL_CASES: readonly [number[], number, number, number][] = [
  [[], 1, 1, 1], [[], 5, 7, 3], [[], 17, 33, 9], [[], 4, 8, 4], [[], 8, 1, 12], [[], 3, 5, 13],
  [[2], 5, 7, 3], [[3], 17, 33, 9], [[2, 3], 6, 5, 7],
];

const unaryCase = (op: UnaryOp): ConformanceCase => ({
  title: `unary ${op}`,
  run(be, dtype, t) {
    const { tol } = tolsOf(t, dtype, op);
    const rng = new Rng(11);
    const { f, gen, scale } = UNARY_REF[op];
    let worst = 0;
    for (const shape of ELEMENTWISE_SHAPES) {
      for (const { name, x } of variants(shape, dtype, rng, gen)) {
        const what = `${op} ${name} [${shape.join(',')}]`;
        const out = runPure([x], () => be.unary[op](x), what);
        expectFreshPacked(out, shape, dtype, [x], what);
        worst = Math.max(worst, expectClose(logical(out), logical(x).map(f), tol, what, scale));
      }
    }
    return worst;
  },
});

const binaryCase = (op: BinaryOp): ConformanceCase => ({
  title: `binary ${op}`,
  run(be, dtype, t) {
    const { tol } = tolsOf(t, dtype, op);
    const rng = new Rng(12);
    const { f, genA, genB, scale } = BINARY_REF[op];
    let worst = 0;
    for (const shape of ELEMENTWISE_SHAPES) {
      for (const { name: na, x: a } of variants(shape, dtype, rng, genA)) {
        for (const { name: nb, x: b } of variants(shape, dtype, rng, genB)) {
          const what = `${op} ${na}/${nb} [${shape.join(',')}]`;
          const out = runPure([a, b], () => be.binary[op](a, b), what);
          expectFreshPacked(out, shape, dtype, [a, b], what);
          const [av, bv] = [logical(a), logical(b)];
          const want = av.map((v, i) => f(v, bv[i]));
          worst = Math.max(worst, expectClose(logical(out), want, tol, what, scale ? av.map((v, i) => scale(v, bv[i])) : 0));
        }
      }
    }
    return worst;
  },
});

// cond may come in either dtype (Tensor.where takes any 0/1 NDArray); the result has a's.
const whereCase = (condDtype: DType): ConformanceCase => ({
  title: `where, cond ${condDtype}`,
  run(be, dtype) {
    const rng = new Rng(13);
    const cond: Gen = (r) => r.choice([0, 0, 1, 2, -0.5]);
    for (const shape of ELEMENTWISE_SHAPES) {
      for (const { name: nc, x: c } of variants(shape, condDtype, rng, cond)) {
        for (const { name: na, x: a } of variants(shape, dtype, rng, wide)) {
          for (const { name: nb, x: b } of variants(shape, dtype, rng, wide)) {
            const what = `where ${nc}/${na}/${nb} [${shape.join(',')}]`;
            const out = runPure([c, a, b], () => be.where(c, a, b), what);
            expectFreshPacked(out, shape, dtype, [c, a, b], what);
            const [cv, av, bv] = [logical(c), logical(a), logical(b)];
            expectClose(logical(out), cv.map((v, i) => (v !== 0 ? av[i] : bv[i])), 0, what);
          }
        }
      }
    }
    return 0;
  },
});

const AXES: readonly number[][] = [[], [0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]];

const reductionCase = (name: 'sum' | 'max'): ConformanceCase => ({
  title: `${name} over every axis subset`,
  run(be, dtype, t) {
    const { tol, accTol } = tolsOf(t, dtype);
    const run = (x: NDArray, ax: number[]): NDArray => (name === 'sum' ? be.sum(x, ax) : be.max(x, ax));
    const ref = (x: NDArray, ax: number[]): { want: number[]; scale: number[] } => (name === 'sum' ? reduceRef(x, ax, 0, (s, v) => s + v) : reduceRef(x, ax, -Infinity, maxStep));
    const [bound, scaled] = name === 'sum' ? [accTol, true] : [tol, false];
    const rng = new Rng(14);
    const cases: [number[], Gen][] = [[[3, 4, 5], wide], [[2, 7, 3], uniform(-5, -1)], [[5, 1, 6], wide]];
    let worst = 0;
    for (const [shape, gen] of cases) {
      for (const { name: layout, x } of variants(shape, dtype, rng, gen)) {
        for (const axes of AXES) {
          const what = `${name} ${layout} [${shape.join(',')}] axes [${axes.join(',')}]`;
          const out = runPure([x], () => run(x, axes), what);
          expectFreshPacked(out, reducedShape(shape, axes, true), dtype, [x], what);
          const { want, scale } = ref(x, axes);
          worst = Math.max(worst, expectClose(logical(out), want, bound, what, scaled ? scale : 0));
        }
      }
    }
    // the conv bias gradient: a 4-D sum over (0, 2, 3)
    for (const { name: layout, x } of variants([4, 3, 5, 6], dtype, rng, wide)) {
      const { want, scale } = ref(x, [0, 2, 3]);
      worst = Math.max(worst, expectClose(logical(run(x, [0, 2, 3])), want, bound, `${name} ${layout} 4-D`, scaled ? scale : 0));
    }
    return worst;
  },
});

const maxNaNCase: ConformanceCase = {
  title: 'max propagates NaN',
  run(be, dtype, t) {
    const x = packed.make([2, 3], dtype, new Rng(15), wide)!;
    x.data[4] = NaN;
    return expectClose(logical(be.max(x, [1])), [Math.max(...logical(x).slice(0, 3)), NaN], tolsOf(t, dtype).tol, 'max NaN');
  },
};

const matmulCase = ([batch, M, K, N]: [number[], number, number, number]): ConformanceCase => ({
  title: `matmul batch ${JSON.stringify(batch)}, M=${M} K=${K} N=${N}`,
  run(be, dtype, t) {
    const { accTol } = tolsOf(t, dtype);
    const rng = new Rng(16);
    let worst = 0;
    for (const { name: na, x: a } of variants([...batch, M, K], dtype, rng, wide)) {
      for (const { name: nb, x: b } of variants([...batch, K, N], dtype, rng, wide)) {
        const what = `matmul ${na}/${nb}`;
        const out = runPure([a, b], () => be.matmul(a, b), what);
        expectFreshPacked(out, [...batch, M, N], dtype, [a, b], what);
        const { want, scale } = matmulRef(a, b);
        worst = Math.max(worst, expectClose(logical(out), want, accTol, what, scale));
      }
    }
    return worst;
  },
});

const im2colCase = ({ x: shape, g }: { x: number[]; g: ConvGeometry }): ConformanceCase => ({
  title: `im2col and col2im, x [${shape.join(',')}]`,
  run(be, dtype, t) {
    const { accTol } = tolsOf(t, dtype);
    const rng = new Rng(17);
    const cshape = colsShape(shape, g);
    let worst = 0;
    for (const { name, x } of variants(shape, dtype, rng, wide)) {
      const what = `im2col ${name}`;
      const cols = runPure([x], () => be.im2col(x, g), what);
      expectFreshPacked(cols, cshape, dtype, [x], what);
      expectClose(logical(cols), im2colRef(x, g), 0, what);
    }
    for (const { name, x: c } of variants(cshape, dtype, rng, wide)) {
      const what = `col2im ${name}`;
      const img = runPure([c], () => be.col2im(c, shape, g), what);
      expectFreshPacked(img, shape, dtype, [c], what);
      const { want, scale } = col2imRef(c, shape, g);
      worst = Math.max(worst, expectClose(logical(img), want, accTol, what, scale));
    }
    return worst;
  },
});

const adjointCase = ({ x: shape, g }: { x: number[]; g: ConvGeometry }): ConformanceCase => ({
  title: `adjoint identity <im2col(x), c> = <x, col2im(c)>, x [${shape.join(',')}]`,
  run(be, dtype, t) {
    const { accTol } = tolsOf(t, dtype);
    const rng = new Rng(18);
    const xs = variants(shape, dtype, rng, wide);
    const cs = variants(colsShape(shape, g), dtype, rng, wide);
    let worst = 0;
    for (const [{ name: nx, x }, { name: nc, x: c }] of xs.map((v, i) => [v, cs[i % cs.length]] as const)) {
      const [lhs, rhs] = [dot(logical(be.im2col(x, g)), logical(c)), dot(logical(x), logical(be.col2im(c, shape, g)))];
      if (!(lhs.terms > 0)) throw new Error(`adjoint ${nx}/${nc}: no terms`);
      worst = Math.max(worst, expectClose([lhs.value], [rhs.value], accTol, `adjoint ${nx}/${nc}`, lhs.terms + rhs.terms));
    }
    return worst;
  },
});

const gatherCase = (shape: number[]): ConformanceCase => ({
  title: `gatherLast and scatterAddLast, shape [${shape.join(',')}]`,
  run(be, dtype) {
    const rng = new Rng(19);
    const n = shape[shape.length - 1];
    const lead = shape.slice(0, -1);
    const index = Int32Array.from({ length: sizeOf(lead) }, () => rng.int(n));
    for (const { name, x } of variants(shape, dtype, rng, wide)) {
      const what = `gatherLast ${name}`;
      const out = runPure([x], () => be.gatherLast(x, index), what);
      expectFreshPacked(out, lead, dtype, [x], what);
      const xv = logical(x);
      expectClose(logical(out), Array.from(index, (k, r) => xv[r * n + k]), 0, what);
    }
    for (const { name, x: gr } of variants(lead, dtype, rng, wide)) {
      const what = `scatterAddLast ${name}`;
      const out = runPure([gr], () => be.scatterAddLast(gr, index, shape), what);
      expectFreshPacked(out, shape, dtype, [gr], what);
      const want = new Array<number>(sizeOf(shape)).fill(0);
      logical(gr).forEach((v, r) => (want[r * n + index[r]] += v));
      expectClose(logical(out), want, 0, what);
    }
    return 0;
  },
});

const copyCase: ConformanceCase = {
  title: 'copy',
  run(be, dtype) {
    const rng = new Rng(20);
    for (const shape of [[3, 4, 5], [2, 1, 3, 2], [7], []]) {
      for (const { name, x } of variants(shape, dtype, rng, wide)) {
        const what = `copy ${name} [${shape.join(',')}]`;
        const out = runPure([x], () => be.copy(x), what);
        expectFreshPacked(out, shape, dtype, [x], what);
        expectClose(logical(out), logical(x), 0, what);
      }
    }
    return 0;
  },
};

/** Every case, in the suite's order. */
export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  ...UNARY_OPS.map(unaryCase),
  ...BINARY_OPS.map(binaryCase),
  ...DTYPES.map(whereCase),
  reductionCase('sum'),
  reductionCase('max'),
  maxNaNCase,
  ...MATMUL_CASES.map(matmulCase),
  ...CONV_CASES.map(im2colCase),
  ...CONV_CASES.map(adjointCase),
  ...[[3, 4, 6], [5, 1], [7]].map(gatherCase),
  copyCase,
];
