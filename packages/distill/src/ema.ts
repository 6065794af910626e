/**
 * Weight averaging: an exponential moving average (EMA) of the parameters over training steps,
 * used for validation and for the saved `best` model instead of the raw weights.
 *
 *   after update t:   a ← d_t · a + (1 − d_t) · θ,   d_t = min(d, (1 + t) / (10 + t))
 *
 * The warm-up d_t (TensorFlow's ExponentialMovingAverage with num_updates) lets the average
 * follow the weights closely in the first steps instead of remembering the random
 * initialisation for ~1/(1 − d) steps. It also makes the average shorter than d alone says: the
 * built-in recipe's 12 epochs are ~2,250 steps, and at step t the decay is still (1 + t)/(10 + t)
 * (0.996 at the end), never d = 0.999, so step s weighs about as s^8: the average's mean age is
 * ~225 steps (~1.2 epochs at batch 32) and 99% of its weight lies in the last ~950 (computed
 * from the formula). A bias-corrected average (mean age ~730 steps) was measured and not adopted
 * (README, the built-in data).
 *
 * Why: on the built-in synthetic data, the weights at the end of one epoch score very
 * differently on real speech from those one epoch later (a factor 2-10), and the validation
 * split cannot tell which epoch carries over. The average over many steps sits in the middle of
 * that wandering, which is what the issue asked for instead of trusting one lucky epoch.
 *
 * The average is plain float32 arrays beside the model: the model itself always holds the raw
 * weights that Adam updates; `swapped` puts the average in for the length of a callback.
 */
import type { Tensor } from '@kws/autograd';

export class WeightAverage {
  /** The averaged values, one array per parameter, in `params` order. */
  readonly values: Float32Array[];
  /** Updates folded in so far (the t of the warm-up). */
  updates = 0;

  /** @example const ema = new WeightAverage(model.parameters(), 0.999); */
  constructor(readonly params: readonly Tensor[], readonly decay: number) {
    if (!(decay > 0 && decay < 1)) throw new RangeError(`weight average: decay ${decay} is not in (0, 1)`);
    this.values = params.map((p) => Float32Array.from(p.data.data));
  }

  /** The decay used at the next update: min(d, (1 + t) / (10 + t)). */
  nextDecay(): number {
    return Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
  }

  /** Fold the current parameters into the average (call after each optimiser step). */
  update(): void {
    const d = this.nextDecay();
    this.params.forEach((p, k) => {
      const a = this.values[k];
      const w = p.data.data;
      for (let i = 0; i < a.length; i++) a[i] = d * a[i] + (1 - d) * w[i];
    });
    this.updates++;
  }

  /**
   * Runs `fn` with the averaged values in the parameters, then puts the raw weights back (also
   * when `fn` throws).
   *
   * @example const v = ema.swapped(() => validate(model, x, labels));
   */
  swapped<T>(fn: () => T): T {
    const raw = this.params.map((p) => Float32Array.from(p.data.data));
    this.params.forEach((p, k) => p.data.data.set(this.values[k]));
    try {
      return fn();
    } finally {
      this.params.forEach((p, k) => p.data.data.set(raw[k]));
    }
  }
}
