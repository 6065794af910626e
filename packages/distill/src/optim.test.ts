import { Tensor } from '@kws/autograd';
import { describe, expect, it } from 'vitest';
import { Adam, clipGradNorm, gradNorm } from './optim.js';

describe('Adam (PyTorch semantics)', () => {
  it('matches the update written out by hand for two steps, with L2 weight decay in the gradient', () => {
    const p = Tensor.from([1, -2], [2], { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.1, weightDecay: 0.01 });
    const w = [1, -2];
    const m = [0, 0];
    const v = [0, 0];
    for (let t = 1; t <= 2; t++) {
      const grads = [0.5 * t, -0.25];
      p.grad = Tensor.from(grads, [2]).data;
      opt.update();
      for (let i = 0; i < 2; i++) {
        const g = grads[i] + 0.01 * w[i];
        m[i] = 0.9 * m[i] + 0.1 * g;
        v[i] = 0.999 * v[i] + 0.001 * g * g;
        w[i] -= (0.1 * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
      }
      p.toArray().forEach((x, i) => expect(x).toBeCloseTo(w[i], 6));
    }
  });

  it('minimises a quadratic', () => {
    const p = Tensor.from([3, -4], [2], { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.1 });
    for (let i = 0; i < 300; i++) {
      opt.zeroGrad();
      p.mul(p).sum().backward();
      opt.update();
    }
    p.toArray().forEach((x) => expect(Math.abs(x)).toBeLessThan(0.05));
  });
});

describe('clipGradNorm', () => {
  it('scales all gradients together to the max norm and reports the norm before', () => {
    const a = Tensor.from([0, 0], [2], { requiresGrad: true });
    const b = Tensor.from([0], [1], { requiresGrad: true });
    a.grad = Tensor.from([3, 4], [2]).data;
    b.grad = Tensor.from([12], [1]).data;
    expect(clipGradNorm([a, b], 6.5)).toBeCloseTo(13, 6);
    expect(gradNorm([a, b])).toBeCloseTo(6.5, 4);
    expect(a.grad.toArray()[0]).toBeCloseTo(1.5, 4);
    expect(clipGradNorm([a, b], 100)).toBeCloseTo(6.5, 4);
    expect(gradNorm([a, b])).toBeCloseTo(6.5, 4);
  });
});
