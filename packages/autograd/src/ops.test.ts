import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { conv2d, crossEntropy, dropout, gatherLast, klDiv, linear, mseLoss } from './functional.js';
import { gradcheck } from './gradcheck.js';
import { Tensor } from './tensor.js';
import { rand64 } from './test-utils/rand.js';

const rng = new Rng(123);

function check(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts = {}): void {
  const r = gradcheck(fn, inputs, opts);
  expect(r.worst).toBe('');
  expect(r.ok).toBe(true);
}

describe('gradcheck of every primitive', () => {
  it.each([
    ['neg', (x: Tensor) => x.neg()],
    ['exp', (x: Tensor) => x.exp()],
    ['tanh', (x: Tensor) => x.tanh()],
    ['relu', (x: Tensor) => x.relu()],
    ['sigmoid', (x: Tensor) => x.sigmoid()],
  ])('%s', (_name, fn) => check(fn, [rand64([3, 4], rng)]));

  it('log and sqrt (positive inputs)', () => {
    check((x) => x.log(), [rand64([3, 4], rng, 0.5, 2)]);
    check((x) => x.sqrt(), [rand64([3, 4], rng, 0.5, 2)]);
  });

  it.each([
    ['add', (a: Tensor, b: Tensor) => a.add(b)],
    ['sub', (a: Tensor, b: Tensor) => a.sub(b)],
    ['mul', (a: Tensor, b: Tensor) => a.mul(b)],
    ['div', (a: Tensor, b: Tensor) => a.div(b.add(3))],
    ['maximum', (a: Tensor, b: Tensor) => a.maximum(b)],
  ])('%s, same shape and broadcast', (_name, fn) => {
    check(fn, [rand64([2, 3, 4], rng), rand64([2, 3, 4], rng)]);
    check(fn, [rand64([2, 3, 4], rng), rand64([3, 1], rng)]);
    check(fn, [rand64([4], rng), rand64([2, 3, 1], rng)]);
  });

  it('pow in base and exponent', () => {
    check((a, b) => a.pow(b), [rand64([3, 2], rng, 0.5, 2), rand64([3, 2], rng)]);
    check((a) => a.pow(3), [rand64([5], rng)]);
  });

  it('where sends gradients to the chosen side', () => {
    const a = rand64([3, 4], rng);
    const b = rand64([3, 4], rng);
    const cond = a.data.clone();
    cond.data.forEach((_, i) => (cond.data[i] = i % 3 === 0 ? 1 : 0));
    check((x, y) => Tensor.where(cond, x, y), [a, b]);
  });

  it('sum, max and mean over axes', () => {
    check((x) => x.sum(), [rand64([2, 3, 4], rng)]);
    check((x) => x.sum([0, 2], true), [rand64([2, 3, 4], rng)]);
    check((x) => x.max(1), [rand64([2, 3, 4], rng)]);
    check((x) => x.max(), [rand64([5, 2], rng)]);
    check((x) => x.mean(-1), [rand64([2, 3, 4], rng)]);
  });

  it('movement: reshape, permute, expand, slice, concat, pad', () => {
    check((x) => x.reshape([4, 6]).mul(x.reshape([4, 6])), [rand64([2, 3, 4], rng)]);
    check((x) => x.permute([2, 0, 1]), [rand64([2, 3, 4], rng)]);
    check((x) => x.expand([3, 2, 4]), [rand64([2, 1], rng)]);
    check((x) => x.slice(1, 1, 4, 2), [rand64([2, 5], rng)]);
    check((a, b) => Tensor.concat([a, b], 1), [rand64([2, 3], rng), rand64([2, 2], rng)]);
    check((x) => x.pad([[1, 0], [2, 1]]), [rand64([2, 3], rng)]);
  });

  it('non-contiguous views feed ops correctly', () => {
    check((x) => x.transpose(0, 1).exp().mul(x.transpose(0, 1).slice(0, 0, 3, 2).sum(0, true)), [rand64([4, 3], rng)]);
    check((a, b) => a.transpose(0, 1).matmul(b.permute([1, 0])), [rand64([3, 4], rng), rand64([5, 3], rng)]);
  });

  it('gather (labels)', () => {
    check((x) => gatherLast(x, Int32Array.from([2, 0, 1])), [rand64([3, 4], rng)]);
  });

  it('matmul, 2-D and batched with broadcast batch', () => {
    check((a, b) => a.matmul(b), [rand64([5, 7], rng), rand64([7, 6], rng)]);
    check((a, b) => a.matmul(b), [rand64([2, 3, 4], rng), rand64([4, 5], rng)]);
  });

  it('conv2d with stride and padding', () => {
    const x = rand64([2, 2, 7, 9], rng);
    const w = rand64([3, 2, 3, 4], rng);
    const b = rand64([3], rng);
    check((x, w, b) => conv2d(x, w, b, { stride: [2, 3], padding: [1, 2] }), [x, w, b]);
  });
});

describe('composites', () => {
  it('softmax and logSoftmax', () => {
    check((x) => x.softmax(-1), [rand64([3, 5], rng, -3, 3)]);
    check((x) => x.logSoftmax(0), [rand64([3, 5], rng, -3, 3)]);
  });

  it('crossEntropy, klDiv, mseLoss, linear', () => {
    check((z) => crossEntropy(z, Int32Array.from([1, 0, 1])), [rand64([3, 2], rng)]);
    const p = new Tensor(rand64([3, 4], rng).data).softmax(-1).detach();
    check((z) => klDiv(z.logSoftmax(-1), p), [rand64([3, 4], rng)]);
    check((a, b) => mseLoss(a, b), [rand64([3, 4], rng), rand64([3, 4], rng)]);
    check((x, w, b) => linear(x, w, b), [rand64([2, 3, 4], rng), rand64([5, 4], rng), rand64([5], rng)]);
  });

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
