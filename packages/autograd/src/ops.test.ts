import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { crossEntropy, dropout, klDiv } from './functional.js';
import { gradcheck } from './gradcheck.js';
import { Tensor } from './tensor.js';
import { GRADCHECK_CASES } from './test-utils/gradcheck-cases.js';
import { rand64 } from './test-utils/rand.js';

const rng = new Rng(123);

function check(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts = {}): void {
  const r = gradcheck(fn, inputs, opts);
  expect(r.worst).toBe('');
  expect(r.ok).toBe(true);
}

describe('gradcheck of every exported op (rows in test-utils/gradcheck-cases.ts)', () => {
  it.each(GRADCHECK_CASES.map((c) => [c.api, c.what, c] as const))('%s, %s', (_api, _what, c) => {
    check(c.fn, c.inputs(rng), c.opts);
  });
});

describe('composites', () => {
  it('crossEntropy equals the hand-computed value', () => {
    const z = Tensor.from([2, 0, 0, 1], [2, 2], { dtype: 'float64' });
    const expected = -(Math.log(Math.exp(2) / (Math.exp(2) + 1)) + Math.log(Math.exp(1) / (1 + Math.exp(1)))) / 2;
    expect(crossEntropy(z, Int32Array.from([0, 1])).item()).toBeCloseTo(expected, 12);
  });

  it('klDiv is zero for equal distributions and matches the formula', () => {
    const p = Tensor.from([0.2, 0.8, 0.5, 0.5], [2, 2], { dtype: 'float64' });
    expect(klDiv(p.log(), p).item()).toBeCloseTo(0, 12);
    const q = Tensor.from([0.5, 0.5, 0.9, 0.1], [2, 2], { dtype: 'float64' });
    const expected = (0.2 * Math.log(0.2 / 0.5) + 0.8 * Math.log(0.8 / 0.5) + 0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1)) / 2;
    expect(klDiv(q.log(), p).item()).toBeCloseTo(expected, 12);
  });

  it('dropout keeps the expectation and is reproducible', () => {
    const x = Tensor.full([10000], 1);
    const y1 = dropout(x, 0.25, new Rng(5)).toArray();
    const y2 = dropout(x, 0.25, new Rng(5)).toArray();
    expect(y1).toEqual(y2);
    const meanY = y1.reduce((s, v) => s + v, 0) / y1.length;
    expect(meanY).toBeGreaterThan(0.95);
    expect(meanY).toBeLessThan(1.05);
    expect(y1.filter((v) => v === 0).length / y1.length).toBeCloseTo(0.25, 1);
    expect(dropout(x, 0.25, new Rng(5), false)).toBe(x);
  });
});

describe('the backward engine', () => {
  it('accumulates gradients of a tensor used twice (diamond graph)', () => {
    const x = Tensor.from([0.5, -1.5, 2], [3], { dtype: 'float64', requiresGrad: true });
    const a = x.mul(3);
    const b = x.tanh();
    a.mul(b).sum().backward();
    const xs = [0.5, -1.5, 2];
    const expected = xs.map((v) => 3 * Math.tanh(v) + 3 * v * (1 - Math.tanh(v) ** 2));
    x.grad!.toArray().forEach((g, i) => expect(g).toBeCloseTo(expected[i], 12));
    check((x) => { const y = x.exp(); return y.mul(y).add(y.tanh()); }, [rand64([4], rng)]);
  });

  it('leaf gradients accumulate across backward calls until zeroed', () => {
    const x = Tensor.from([1, 2], [2], { requiresGrad: true });
    x.mul(2).sum().backward();
    x.mul(2).sum().backward();
    expect(x.grad!.toArray()).toEqual([4, 4]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });

  it('noGrad records no graph and detach cuts it', async () => {
    const { noGrad } = await import('./engine.js');
    const x = Tensor.from([1, 2], [2], { requiresGrad: true });
    expect(noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(x.detach().mul(2).requiresGrad).toBe(false);
    expect(() => x.detach().sum().backward()).toThrow();
  });
});

describe('halfPrecision (emulated fp16 compute)', () => {
  it('rounds leaf inputs, outputs and gradients through float16, keeping float32 storage', async () => {
    const { halfPrecision } = await import('./engine.js');
    const { floatToHalfBits, halfBitsToFloat } = await import('@kws/tensor');
    const h = (v: number): number => halfBitsToFloat(floatToHalfBits(v));
    const x = Tensor.from([1.0001, 3.14159], [2], { requiresGrad: true });
    const y = halfPrecision(() => x.mul(x));
    expect(y.dtype).toBe('float32');
    expect(y.toArray()).toEqual([h(h(1.0001) * h(1.0001)), h(h(3.14159) * h(3.14159))]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([h(2 * h(1.0001)), h(2 * h(3.14159))]);
    expect(x.toArray()[0]).toBeCloseTo(1.0001, 6);
    const big = Tensor.from([300], [1], { requiresGrad: true });
    expect(halfPrecision(() => big.mul(big)).toArray()[0]).toBe(Infinity);
  });
});
