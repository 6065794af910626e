/**
 * gradcheck: compare the analytic gradient from `backward` with float64 central differences,
 *   ∂L/∂x_i ≈ (L(x + ε e_i) − L(x − ε e_i)) / 2ε,
 * where L = Σ y ⊙ c for a fixed random cotangent c (so every output element matters).
 * Inputs must be float64 tensors with requiresGrad; a pass needs
 *   |analytic − numeric| ≤ atol + rtol·|numeric| for every element.
 *
 * @example
 * const x = Tensor.from([0.3, -1.2], [2], { dtype: 'float64', requiresGrad: true });
 * expect(gradcheck((x) => x.tanh(), [x]).ok).toBe(true);
 */
import { NDArray, Rng } from '@kws/tensor';
import { noGrad } from './engine.js';
import { Tensor } from './tensor.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  seed?: number;
}

export interface GradcheckResult {
  ok: boolean;
  maxAbsError: number;
  /** First failing element, for the test's message. */
  worst: string;
}

export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const { eps = 1e-6, atol = 1e-6, rtol = 1e-4, seed = 0 } = opts;
  for (const x of inputs) {
    if (x.dtype !== 'float64') throw new Error('gradcheck: inputs must be float64');
    x.grad = null;
  }
  const out = fn(...inputs);
  const cot = NDArray.zeros(out.shape, 'float64');
  const rng = new Rng(seed);
  for (let i = 0; i < cot.size; i++) cot.data[i] = rng.uniform(-1, 1);
  out.backward(cot);
  const loss = (): number => noGrad(() => dot(fn(...inputs).data, cot));
  let maxAbsError = 0;
  let worst = '';
  inputs.forEach((x, k) => {
    if (!x.requiresGrad) return;
    const d = x.data.data;
    const analytic = x.grad ? x.grad.contiguous().data : new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) {
      const keep = d[i];
      d[i] = keep + eps;
      const up = loss();
      d[i] = keep - eps;
      const down = loss();
      d[i] = keep;
      const numeric = (up - down) / (2 * eps);
      const err = Math.abs(analytic[i] - numeric);
      maxAbsError = Math.max(maxAbsError, err);
      if (!worst && err > atol + rtol * Math.abs(numeric)) worst = `input ${k}[${i}]: analytic ${analytic[i]} vs numeric ${numeric}`;
    }
  });
  return { ok: worst === '', maxAbsError, worst };
}

function dot(a: NDArray, b: NDArray): number {
  const x = a.contiguous().data;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * b.data[i];
  return s;
}
