/**
 * Class-balanced sampling with replacement (PyTorch `WeightedRandomSampler(weights, count,
 * replacement=True)` with weights[i] = 1 / (count of label[i]'s class)), so every class is drawn
 * equally often in expectation however imbalanced the data ("sheila" is ~3% of Speech Commands).
 *
 * Method: cumulative weights c_i = w_0 + ... + w_i; each draw takes u ~ U[0, c_last) and returns
 * the first i with c_i > u, found by binary search (O(log n) per draw).
 */
import type { Rng } from '@kws/tensor';

function classWeights(labels: ArrayLike<number>): Float64Array {
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isFinite(y)) throw new RangeError(`balancedSample: label ${i} is not a finite number (${y})`);
    counts.set(y, (counts.get(y) ?? 0) + 1);
  }
  const w = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) w[i] = 1 / (counts.get(labels[i]) ?? 1);
  return w;
}

/** First index whose cumulative weight exceeds u. */
function search(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Draws `count` indices with replacement, each clip weighted 1 / (size of its class).
 *
 * @example
 * const order = balancedSample(train.map((c) => c.label), train.length, rng); // ~50% keyword
 */
export function balancedSample(labels: ArrayLike<number>, count: number, rng: Rng): Int32Array {
  if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`balancedSample: count must be a non-negative integer, got ${count}`);
  if (labels.length === 0 && count > 0) throw new RangeError('balancedSample: no labels to draw from');
  const w = classWeights(labels);
  const cum = new Float64Array(w.length);
  let total = 0;
  for (let i = 0; i < w.length; i++) {
    total += w[i];
    cum[i] = total;
  }
  const out = new Int32Array(count);
  for (let k = 0; k < count; k++) out[k] = search(cum, rng.uniform(0, total));
  return out;
}
