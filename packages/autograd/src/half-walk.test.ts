/**
 * Walks every primitive (each Op exported by ops/) and shows that `halfPrecision` changes its
 * rounding: under it, the output and the gradients sent to the inputs are exactly representable
 * in float16; without it, on the same float32 data, they are not (they differ from their own
 * float16 rounding). A new primitive without a case here fails the first test.
 */
import { NDArray, Rng, roundToHalf } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { apply, halfPrecision, runBackward, type Op } from './engine.js';
import * as elementwise from './ops/elementwise.js';
import * as linalg from './ops/linalg.js';
import * as movement from './ops/movement.js';
import * as reduce from './ops/reduce.js';
import { Tensor } from './tensor.js';

type Case = { inputs: (rng: Rng) => Tensor[]; attrs?: unknown };

const leaf = (shape: number[], rng: Rng, lo = -1, hi = 1): Tensor => Tensor.uniform(shape, lo, hi, rng, { requiresGrad: true });
const pair = (rng: Rng): Tensor[] => [leaf([3, 4], rng), leaf([3, 4], rng)];
const one = (rng: Rng): Tensor[] => [leaf([3, 4], rng)];
const positive = (rng: Rng): Tensor[] => [leaf([3, 4], rng, 0.5, 2)];

const CASES: Record<string, Case> = {
  neg: { inputs: one },
  exp: { inputs: one },
  log: { inputs: positive },
  sqrt: { inputs: positive },
  tanh: { inputs: one },
  relu: { inputs: one },
  add: { inputs: pair },
  sub: { inputs: pair },
  mul: { inputs: pair },
  div: { inputs: (rng) => [leaf([3, 4], rng), leaf([3, 4], rng, 0.5, 2)] },
  maximum: { inputs: pair },
  pow: { inputs: (rng) => [leaf([3, 4], rng, 0.5, 2), leaf([3, 4], rng)] },
  where: { inputs: pair, attrs: NDArray.from([1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0], [3, 4]) },
  matmul: { inputs: (rng) => [leaf([3, 5], rng), leaf([5, 4], rng)] },
  conv2d: { inputs: (rng) => [leaf([2, 2, 5, 5], rng), leaf([3, 2, 3, 3], rng), leaf([3], rng)], attrs: { stride: [1, 1], padding: [1, 1] } },
  gather: { inputs: one, attrs: Int32Array.from([0, 3, 2]) },
  reshape: { inputs: one, attrs: [4, 3] },
  permute: { inputs: one, attrs: [1, 0] },
  expand: { inputs: (rng) => [leaf([1, 4], rng)], attrs: [3, 4] },
  slice: { inputs: one, attrs: { axis: 1, start: 1, end: 4, step: 1 } },
  concat: { inputs: pair, attrs: 0 },
  pad: { inputs: one, attrs: { pads: [[1, 0], [0, 2]], value: 0 } },
  sum: { inputs: one, attrs: { axes: [1], keepDims: false } },
  max: { inputs: one, attrs: { axes: [1], keepDims: false } },
};

const ops = [elementwise, linalg, movement, reduce].flatMap((m): unknown[] => Object.values(m)).filter((v): v is Op<unknown, unknown> => typeof v === 'object' && v !== null && 'forward' in v && 'backward' in v);

/** True when every value equals its float16 rounding. */
function isHalf(a: NDArray): boolean {
  const d = Float32Array.from(a.contiguous().data);
  const r = roundToHalf(Float32Array.from(d));
  return d.every((v, i) => Object.is(v, r[i]));
}

function run(op: Op<unknown, unknown>, half: boolean): { out: NDArray; grads: NDArray[] } {
  const c = CASES[op.name];
  const rng = new Rng(11);
  const inputs = c.inputs(rng);
  const forward = (): Tensor => apply(op, inputs, c.attrs);
  const out = half ? halfPrecision(forward) : forward();
  const g = NDArray.from(Array.from({ length: out.size }, () => rng.uniform(-1, 1)), out.shape);
  runBackward(out, g);
  return { out: out.data, grads: inputs.map((t) => t.grad ?? NDArray.zeros(t.shape)) };
}

describe('halfPrecision changes the rounding of every primitive', () => {
  it('has a case for every exported op', () => {
    expect(ops.map((o) => o.name).sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(ops.map((o) => [o.name, o] as const))('%s', (_name, op) => {
    const h = run(op, true);
    expect(isHalf(h.out)).toBe(true);
    h.grads.forEach((g) => expect(isHalf(g)).toBe(true));
    const f = run(op, false);
    expect(isHalf(f.out)).toBe(false);
    expect(f.grads.some((g) => !isHalf(g))).toBe(true);
  });
});
