import { cpuBackend, Rng, type Backend } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { withBackend } from './engine.js';
import { conv2d, crossEntropy } from './functional.js';
import { Tensor } from './tensor.js';

/** The cpu backend behind a Proxy that counts every kernel looked up on it (nested tables too). */
function counting(name: string): Backend & { calls: number } {
  const box = { calls: 0 };
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, k, r) {
        const v = Reflect.get(t, k, r) as unknown;
        if (typeof v === 'function') {
          box.calls++;
          return v;
        }
        return v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) ? wrap(v) : v;
      },
    });
  const be = wrap({ ...cpuBackend, name });
  return Object.defineProperty(be, 'calls', { get: () => box.calls }) as Backend & { calls: number };
}

describe('backward runs on the backend the forward ran on', () => {
  it('withBackend(b, () => loss) then loss.backward() outside it uses b, not the current backend', () => {
    const rng = new Rng(5);
    const x = Tensor.randn([2, 1, 6, 6], rng);
    const w = Tensor.randn([3, 1, 3, 3], rng, { requiresGrad: true });
    const v = Tensor.randn([3 * 4 * 4, 2], rng, { requiresGrad: true });
    const forwardOn = counting('forward-backend');
    const elsewhere = counting('current-at-backward');
    const loss = withBackend(forwardOn, () => crossEntropy(conv2d(x, w).relu().reshape([2, 48]).matmul(v), Int32Array.from([0, 1])));
    const afterForward = forwardOn.calls;
    expect(afterForward).toBeGreaterThan(0);
    withBackend(elsewhere, () => loss.backward());
    expect(forwardOn.calls).toBeGreaterThan(afterForward);
    expect(elsewhere.calls).toBe(0);
    // and the gradients are the ones a plain cpu run gives
    const w2 = new Tensor(w.data.clone(), { requiresGrad: true });
    const v2 = new Tensor(v.data.clone(), { requiresGrad: true });
    crossEntropy(conv2d(x, w2).relu().reshape([2, 48]).matmul(v2), Int32Array.from([0, 1])).backward();
    expect(Array.from(w.grad?.data ?? [])).toEqual(Array.from(w2.grad?.data ?? []));
    expect(Array.from(v.grad?.data ?? [])).toEqual(Array.from(v2.grad?.data ?? []));
  });
});
