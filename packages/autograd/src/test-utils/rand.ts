import { Rng } from '@kws/tensor';
import { Tensor } from '../tensor.js';

/** A float64 leaf with uniform values in [lo, hi), for gradchecks. */
export function rand64(shape: number[], rng: Rng, lo = -1, hi = 1): Tensor {
  return Tensor.uniform(shape, lo, hi, rng, { dtype: 'float64', requiresGrad: true });
}
