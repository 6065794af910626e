import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { conv2d } from './functional.js';
import { Tensor } from './tensor.js';
import { rand64 } from './test-utils/rand.js';

/** matmul from primitives only: broadcast multiply then sum over K. */
function matmulComposite(a: Tensor, b: Tensor): Tensor {
  const [M, K] = a.shape;
  const N = b.shape[1];
  return a.reshape([M, K, 1]).expand([M, K, N]).mul(b.reshape([1, K, N]).expand([M, K, N])).sum(1);
}

/** conv2d from primitives only: pad, one strided slice per kernel tap, composite matmuls. */
function conv2dComposite(x: Tensor, w: Tensor, b: Tensor, stride: [number, number], padding: [number, number]): Tensor {
  const [B, Cin, H, W] = x.shape;
  const [Cout, , kh, kw] = w.shape;
  const xp = x.pad([[0, 0], [0, 0], [padding[0], padding[0]], [padding[1], padding[1]]]);
  const Ho = Math.floor((H + 2 * padding[0] - kh) / stride[0]) + 1;
  const Wo = Math.floor((W + 2 * padding[1] - kw) / stride[1]) + 1;
  let acc: Tensor | null = null;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const tap = xp.slice(2, i, i + stride[0] * (Ho - 1) + 1, stride[0]).slice(3, j, j + stride[1] * (Wo - 1) + 1, stride[1]);
      const cols = tap.permute([1, 0, 2, 3]).reshape([Cin, B * Ho * Wo]);
      const wij = w.slice(2, i, i + 1).slice(3, j, j + 1).reshape([Cout, Cin]);
      const term = matmulComposite(wij, cols);
      acc = acc ? acc.add(term) : term;
    }
  }
  return acc!.reshape([Cout, B, Ho, Wo]).permute([1, 0, 2, 3]).add(b.reshape([1, Cout, 1, 1]));
}

function expectClose(a: Tensor | Float64Array | null, b: Tensor | Float64Array | null, tol = 1e-10): void {
  const xa = a instanceof Tensor ? a.toArray() : Array.from(a!);
  const xb = b instanceof Tensor ? b.toArray() : Array.from(b!);
  expect(xa.length).toBe(xb.length);
  xa.forEach((v, i) => expect(Math.abs(v - xb[i])).toBeLessThan(tol));
}

describe('fused ops equal their composites', () => {
  it('matmul: values and gradients', () => {
    const rng = new Rng(9);
    const a = rand64([7, 9], rng);
    const b = rand64([9, 5], rng);
    const fused = a.matmul(b);
    fused.sum().backward();
    const [ga, gb] = [a.grad!.data as Float64Array, b.grad!.data as Float64Array];
    a.zeroGrad();
    b.zeroGrad();
    const comp = matmulComposite(a, b);
    comp.sum().backward();
    expectClose(fused, comp);
    expectClose(ga, a.grad!.data as Float64Array);
    expectClose(gb, b.grad!.data as Float64Array);
  });

  it('conv2d: values and gradients, with stride and padding, on the teacher geometry too', () => {
    const rng = new Rng(10);
    const cases: [number[], number[], [number, number], [number, number]][] = [
      [[2, 3, 8, 10], [4, 3, 3, 4], [2, 3], [1, 2]],
      [[2, 1, 40, 30], [8, 1, 5, 20], [2, 8], [0, 0]],
    ];
    for (const [xs, ws, stride, padding] of cases) {
      const x = rand64(xs, rng);
      const w = rand64(ws, rng);
      const b = rand64([ws[0]], rng);
      const y = conv2d(x, w, b, { stride, padding });
      y.mul(y).sum().backward();
      const grads = [x, w, b].map((t) => t.grad!.data as Float64Array);
      [x, w, b].forEach((t) => t.zeroGrad());
      const yc = conv2dComposite(x, w, b, stride, padding);
      yc.mul(yc).sum().backward();
      expectClose(y, yc, 1e-9);
      [x, w, b].forEach((t, i) => expectClose(grads[i], t.grad!.data as Float64Array, 1e-8));
    }
  });

  it('conv2d output size follows floor((n + 2p - k) / s) + 1', () => {
    const x = Tensor.zeros([1, 1, 40, 101]);
    const w = Tensor.zeros([8, 1, 5, 20]);
    expect(conv2d(x, w, undefined, { stride: [2, 8] }).shape).toEqual([1, 8, 18, 11]);
  });
});
