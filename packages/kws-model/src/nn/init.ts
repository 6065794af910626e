/**
 * PyTorch's default initialisations, drawn from an Rng.
 * - Linear and Conv2d weights: kaiming_uniform(a = √5), i.e. U(-b, b) with
 *   b = gain·√(3/fan_in), gain = √(2/(1+a²)) = √(1/3)  ⇒  b = 1/√fan_in.
 * - Their biases: U(-1/√fan_in, 1/√fan_in).
 * - GRU: every weight and bias U(-1/√H, 1/√H).
 */
import { NDArray, Rng, type Shape } from '@kws/tensor';

export function uniformArray(shape: Shape, bound: number, rng: Rng): NDArray {
  const a = NDArray.zeros(shape);
  for (let i = 0; i < a.size; i++) a.data[i] = rng.uniform(-bound, bound);
  return a;
}

/** Bound of kaiming_uniform(a = √5) and of the matching bias: 1/√fan_in. */
export function defaultBound(fanIn: number): number {
  return fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
}
