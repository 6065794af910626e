/**
 * au_fa_fr: the area under the false-rejection vs false-acceptance curve (lower is better), the
 * course's keyword-spotting metric, to the last bit.
 *
 * For keyword probabilities p_i, labels y_i ∈ {0, 1}, N clips: the thresholds are
 * t_0 = 0, t_1..t_N = the p_i in ascending order, t_{N+1} = 1. A clip is predicted positive when
 * p_i >= t. Both rates divide by the total N, not by the class sizes:
 *   FA(t) = #{p_i >= t, y_i = 0} / N        FR(t) = #{p_i < t, y_i = 1} / N
 * au_fa_fr = -trapz(FR, x = FA) over the thresholds in that order (FA falls as t rises, hence
 * the minus): -Σ_k (FA_{k+1} - FA_k)·(FR_{k+1} + FR_k)/2.
 *
 * The course loops over the N + 2 thresholds and counts in O(N) each: O(N²). Here the
 * probabilities of each class are sorted once, and the counts at a threshold t are the number
 * of sorted values below t (a binary search): O(N log N). Equal probabilities give repeated
 * thresholds with equal counts, so zero-width segments, exactly as in the loop.
 *
 * Why the summation is numpy's: `np.trapz` sums its terms with numpy's pairwise summation
 * (blocks of 8 partial sums, halving above 128 terms), not left to right. Summing the same
 * N + 1 terms in the same grouping makes the result bit-identical to the course's number, not
 * merely within a few ulps. (Only the sign of a zero differs: numpy's -0.0 is returned as +0.)
 */

function checkInputs(probs: ArrayLike<number>, labels: ArrayLike<number>, fn: string): number {
  const n = probs.length;
  if (labels.length !== n) throw new RangeError(`${fn}: ${n} probabilities but ${labels.length} labels`);
  if (n === 0) throw new RangeError(`${fn}: no clips`);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(probs[i])) throw new RangeError(`${fn}: probability ${i} is NaN`);
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`${fn}: label ${i} is ${labels[i]}, not 0 or 1`);
  }
  return n;
}

/** How many values of the ascending array `sorted` are strictly below `t`. */
function countBelow(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** numpy's pairwise summation of a[lo, lo + n) (`pairwise_sum` in numpy's loops_utils). */
function pairwiseSum(a: Float64Array, lo: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[lo + i];
    return res;
  }
  if (n <= 128) {
    const r = a.slice(lo, lo + 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[lo + i + j];
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[lo + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, lo, n2) + pairwiseSum(a, lo + n2, n - n2);
}

/**
 * The course's au_fa_fr, in O(N log N), equal to its O(N²) loop and `-np.trapz` bit for bit.
 * Throws on mismatched lengths, no clips, a NaN probability or a label other than 0 or 1.
 *
 * @example
 * auFaFr([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.0625
 */
export function auFaFr(probs: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = checkInputs(probs, labels, 'auFaFr');
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < n; i++) (labels[i] === 1 ? pos : neg).push(probs[i]);
  const posSorted = Float64Array.from(pos).sort();
  const negSorted = Float64Array.from(neg).sort();
  const thresholds = new Float64Array(n + 2);
  thresholds.set(Float64Array.from(probs).sort(), 1);
  thresholds[n + 1] = 1;
  const fa = new Float64Array(n + 2);
  const fr = new Float64Array(n + 2);
  for (let k = 0; k < n + 2; k++) {
    fa[k] = (negSorted.length - countBelow(negSorted, thresholds[k])) / n;
    fr[k] = countBelow(posSorted, thresholds[k]) / n;
  }
  const terms = new Float64Array(n + 1);
  for (let k = 0; k < n + 1; k++) terms[k] = ((fa[k + 1] - fa[k]) * (fr[k + 1] + fr[k])) / 2;
  return 0 - pairwiseSum(terms, 0, n + 1); // 0 - x, not -x: a perfect score is +0, never -0
}

/**
 * False-acceptance and false-rejection rates at one threshold (predicted positive: p >= t),
 * both divided by the total number of clips, as in au_fa_fr.
 *
 * @example
 * faFrAt([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], 0.3); // { fa: 0.25, fr: 0 }
 */
export function faFrAt(probs: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): { fa: number; fr: number } {
  const { n, fa, fr } = countErrors(probs, labels, threshold, 'faFrAt');
  return { fa: fa / n, fr: fr / n };
}

/** Counts of false acceptances and false rejections at one threshold, and N. */
function countErrors(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold: number,
  fn: string,
): { n: number; fa: number; fr: number } {
  const n = checkInputs(probs, labels, fn);
  let fa = 0;
  let fr = 0;
  for (let i = 0; i < n; i++) {
    const positive = probs[i] >= threshold;
    if (positive && labels[i] === 0) fa++;
    else if (!positive && labels[i] === 1) fr++;
  }
  return { n, fa, fr };
}

/**
 * The fraction of clips whose prediction (positive when p >= threshold) equals the label.
 *
 * @example
 * accuracyAt([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.75
 */
export function accuracyAt(probs: ArrayLike<number>, labels: ArrayLike<number>, threshold = 0.5): number {
  const { n, fa, fr } = countErrors(probs, labels, threshold, 'accuracyAt');
  return (n - fa - fr) / n;
}
