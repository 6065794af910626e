import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { apply, type Op } from './engine.js';
import { gradcheck } from './gradcheck.js';
import { Tanh } from './ops/elementwise.js';
import { apiWithoutGradcheck, exportedApi, opsWithoutGradcheck, primitiveOps } from './test-utils/coverage.js';
import { GRADCHECK_CASES, NOT_DIFFERENTIABLE } from './test-utils/gradcheck-cases.js';
import { rand64 } from './test-utils/rand.js';

describe('every exported op has a gradcheck', () => {
  it('finds the exported API and the primitive ops by enumeration', () => {
    const apis = exportedApi();
    expect(apis).toEqual(expect.arrayContaining(['Tensor#tanh', 'Tensor#matmul', 'Tensor.concat', 'conv2d', 'crossEntropy']));
    expect(primitiveOps()).toEqual(expect.arrayContaining(['tanh', 'matmul', 'conv2d', 'gather', 'where', 'pad']));
    expect(primitiveOps().length).toBeGreaterThanOrEqual(24);
  });

  it('each exported function and Tensor method has a gradcheck row or a reason it needs none', () => {
    expect(apiWithoutGradcheck(GRADCHECK_CASES, exportedApi(), NOT_DIFFERENTIABLE)).toEqual([]);
  });

  it('each primitive op in ops/ is in the graph of some gradcheck row', () => {
    expect(opsWithoutGradcheck(GRADCHECK_CASES, primitiveOps())).toEqual([]);
  });

  it('no stale rows: every row and every exemption names something exported, and a row calls what it names', () => {
    const apis = new Set(exportedApi());
    expect(GRADCHECK_CASES.map((c) => c.api).filter((n) => !apis.has(n))).toEqual([]);
    expect(Object.keys(NOT_DIFFERENTIABLE).filter((n) => !apis.has(n))).toEqual([]);
    const lies = GRADCHECK_CASES.filter((c) => !c.fn.toString().includes(c.api.replace(/^Tensor[#.]/, '')));
    expect(lies.map((c) => `${c.api} (${c.what})`)).toEqual([]);
  });

  it('the checks fail when a row is missing: without the tanh rows both report tanh', () => {
    const withoutTanh = GRADCHECK_CASES.filter((c) => c.api !== 'Tensor#tanh');
    expect(apiWithoutGradcheck(withoutTanh, exportedApi(), NOT_DIFFERENTIABLE)).toEqual(['Tensor#tanh']);
    expect(opsWithoutGradcheck(withoutTanh, primitiveOps())).toEqual(['tanh']);
    expect(opsWithoutGradcheck(GRADCHECK_CASES, [...primitiveOps(), 'newOp'])).toEqual(['newOp']);
  });
});

describe('gradcheck catches a wrong backward', () => {
  /** y = x², with the backward given. */
  const square = (backward: (g: number, x: number) => number): Op<undefined, undefined> => ({
    name: 'square',
    forward: (be, [x]) => ({ out: be.unary.square(x), saved: undefined }),
    backward: (_be, g, { inputs: [x] }) => {
      const out = g.contiguous().clone();
      const xs = x.contiguous().data;
      out.data.forEach((v, i) => (out.data[i] = backward(v, xs[i])));
      return [out];
    },
  });

  it('passes the right backward (2·g·x) and fails a factor-of-two slip (g·x), naming the element', () => {
    const x = rand64([3, 4], new Rng(3));
    expect(gradcheck((t) => apply(square((g, v) => 2 * g * v), [t], undefined), [x]).ok).toBe(true);
    const wrong = gradcheck((t) => apply(square((g, v) => g * v), [t], undefined), [x]);
    expect(wrong.ok).toBe(false);
    expect(wrong.worst).toMatch(/^input 0\[\d+\]: analytic .* vs numeric /);
    expect(wrong.maxAbsError).toBeGreaterThan(0.1);
  });

  it('fails tanh with a plausible slip, g·(1 − y) instead of g·(1 − y²)', () => {
    const slip: Op<undefined, undefined> = {
      ...Tanh,
      backward: (be, g, ctx) => [be.binary.sub(g, be.binary.mul(g, ctx.out))],
    };
    const x = rand64([5], new Rng(4));
    expect(gradcheck((t) => apply(Tanh, [t], undefined), [x]).ok).toBe(true);
    expect(gradcheck((t) => apply(slip, [t], undefined), [x]).ok).toBe(false);
  });
});
