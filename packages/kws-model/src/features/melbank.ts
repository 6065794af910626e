/**
 * The mel step of the front end, M[m] = Σ_k P[k]·fb[k, m], over the filterbank's non-zero entries only.
 *
 * The HTK triangles have strictly increasing edges f_0 < f_1 < ... < f_(nMels+1), and filter m is
 * non-zero only strictly between f_m and f_(m+2). So a bin with f_j < f ≤ f_(j+1) is under at most
 * two triangles, adjacent ones: the falling edge of filter j-1 and the rising edge of filter j.
 * Each bin k therefore stores its lowest filter lo[k] (non-decreasing in k) and two weights:
 *   a[k] = fb[k, lo[k]],  b[k] = fb[k, lo[k] + 1]  (0 where there is no such filter),
 * and one pass over the bins in ascending order, with two running sums (filter m and m+1),
 * computes every M[m] in about 2 multiply-adds per bin instead of nMels (201·40 → 402 for the
 * course's bank). Each M[m] adds the same products in the same order (ascending k) as a dense or
 * per-filter sum that skips the zeros, so the result is the same to the last bit (adding P·0 = +0
 * to a sum that is >= 0 changes nothing).
 */

/**
 * @example
 * const bank = new MelBank(melFilterbank(), 201, 40);
 * bank.apply(power, column, 0, 1); // column[m] = Σ_k power[k]·fb[k, m], m = 0..39
 */
export class MelBank {
  readonly bins: number;
  readonly nMels: number;
  /** Bins with lo[k] = m are bins segment[m] .. segment[m+1]-1. */
  private readonly segment: Int32Array;
  private readonly a: Float64Array;
  private readonly b: Float64Array;

  /** From a dense row-major (bins, nMels) filterbank; throws if it is not made of such triangles. */
  constructor(fb: Float32Array, bins: number, nMels: number) {
    if (fb.length !== bins * nMels) throw new RangeError(`MelBank: filterbank of length ${fb.length} is not ${bins}×${nMels}`);
    this.bins = bins;
    this.nMels = nMels;
    this.a = new Float64Array(bins);
    this.b = new Float64Array(bins);
    const lo = new Int32Array(bins);
    for (let k = 0, low = 0; k < bins; k++) {
      let first = -1; // the lowest filter over bin k; a bin under none keeps low (its weights are 0)
      for (let m = 0; m < nMels; m++) {
        if (fb[k * nMels + m] === 0) continue;
        if (first < 0) first = m;
        else if (m > first + 1) throw new RangeError(`MelBank: bin ${k} is under filters ${first} and ${m}, not adjacent`);
      }
      if (first >= 0 && first < low) throw new RangeError(`MelBank: bin ${k} is under filter ${first}, below bin ${k - 1}'s`);
      low = Math.max(low, first);
      lo[k] = low;
      this.a[k] = fb[k * nMels + low];
      this.b[k] = low + 1 < nMels ? fb[k * nMels + low + 1] : 0;
    }
    this.segment = new Int32Array(nMels + 1);
    for (let m = 0, k = 0; m <= nMels; m++) {
      this.segment[m] = k;
      while (k < bins && lo[k] === m) k++;
    }
  }

  /** out[offset + m·stride] = Σ_k power[k]·fb[k, m] for m = 0..nMels-1 (power has >= bins entries). */
  apply(power: Float64Array, out: Float32Array, offset = 0, stride = 1): void {
    const { segment, a, b, nMels } = this;
    let cur = 0, next = 0; // the sums of filters m and m+1 so far
    for (let m = 0; m < nMels; m++) {
      const end = segment[m + 1];
      for (let k = segment[m]; k < end; k++) {
        const p = power[k];
        cur += p * a[k];
        next += p * b[k];
      }
      out[offset + m * stride] = cur; // no later bin is under filter m
      cur = next;
      next = 0;
    }
  }
}
