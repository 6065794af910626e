/**
 * Per-clip statistics a reader can trust beside the single au_fa_fr number:
 *
 * - A 95% bootstrap interval of au_fa_fr over clips. The N clips are resampled with replacement
 *   N times (each resample keeps every clip's (p, label) pair together), au_fa_fr is computed on
 *   each of R resamples (default 1,000) with the course's O(N log N) metric, and the interval is
 *   the 2.5th and 97.5th percentiles of those R values (the percentile bootstrap). It says how
 *   much the figure would move on another draw of clips like these; with few keyword clips it is
 *   wide, and that width is the point. Seeded: the same Rng seed gives the same interval.
 *
 * - The false-rejection rate at a fixed false-acceptance rate α (0.5% and 1%): the operating
 *   point a wake-word detector is tuned for. Here both rates are over their OWN class (unlike
 *   au_fa_fr, whose FA and FR divide by all N clips): with N₋ negatives, at most
 *   k = ⌊α·N₋⌋ of them may be accepted. Sort the negatives' probabilities descending,
 *   s₁ ≥ s₂ ≥ …; the threshold is t = s_{k+1} and a clip is accepted when p > t (strictly, so
 *   ties at t are all rejected and the FA count never exceeds k). Then
 *     FR@α = #{positives with p ≤ t} / N₊,   FA = #{negatives with p > t} / N₋ ≤ α.
 *   If k ≥ N₋ every clip may be accepted (t = −∞, FR 0). With no positives FR is 0 (nothing to
 *   reject); with no negatives t = −∞.
 */
import { Rng } from '@kws/tensor';
import { auFaFr } from './au-fa-fr.js';

export interface Interval {
  lo: number;
  hi: number;
}

export interface BootstrapOptions {
  /** Number of resamples R (default 1,000). */
  resamples?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  /** Seed of the resampling Rng (default 0). */
  seed?: number;
}

/**
 * The q-quantile of ascending `sorted` by linear interpolation between order statistics
 * (numpy's default: position q·(n − 1)).
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/**
 * Percentile-bootstrap interval of au_fa_fr over clips (see the file comment).
 * @example auFaFrInterval(probs, labels, { seed: 0 }); // { lo, hi }
 */
export function auFaFrInterval(probs: ArrayLike<number>, labels: ArrayLike<number>, o: BootstrapOptions = {}): Interval {
  return meanAuFaFrInterval([probs], labels, o);
}

/**
 * The same interval for the MEAN au_fa_fr of several models scored on the same clips (e.g. one
 * model trained with several seeds): each resample draws one set of clip indices and averages
 * the models' au_fa_fr on it, so the interval shows how much the mean over seeds depends on
 * which clips were drawn. With one model it is `auFaFrInterval`.
 * @example meanAuFaFrInterval([pSeed0, pSeed1, pSeed2], labels)
 */
export function meanAuFaFrInterval(probsList: readonly ArrayLike<number>[], labels: ArrayLike<number>, o: BootstrapOptions = {}): Interval {
  const n = labels.length;
  const resamples = o.resamples ?? 1000;
  const level = o.level ?? 0.95;
  if (n === 0 || probsList.length === 0 || probsList.some((p) => p.length !== n)) throw new RangeError(`auFaFrInterval: scores and ${n} labels differ in length`);
  if (!(resamples >= 1) || !(level > 0 && level < 1)) throw new RangeError('auFaFrInterval: resamples >= 1 and 0 < level < 1');
  const rng = new Rng(o.seed ?? 0);
  const idx = new Int32Array(n);
  const p = new Float64Array(n);
  const y = new Int32Array(n);
  const values = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    for (let i = 0; i < n; i++) y[i] = labels[idx[i]];
    let sum = 0;
    for (const probs of probsList) {
      for (let i = 0; i < n; i++) p[i] = probs[idx[i]];
      sum += auFaFr(p, y);
    }
    values[r] = sum / probsList.length;
  }
  values.sort();
  const tail = (1 - level) / 2;
  return { lo: quantileSorted(values, tail), hi: quantileSorted(values, 1 - tail) };
}

export interface FrAtFa {
  /** The target false-acceptance rate α (a fraction of the negatives). */
  faTarget: number;
  /** The false-rejection rate over the positives at that operating point. */
  fr: number;
  /** The false-acceptance rate actually reached (≤ α), over the negatives. */
  fa: number;
  /** The threshold t (accept when p > t); −Infinity when every clip may be accepted. */
  threshold: number;
}

/**
 * FR at a fixed FA rate α over the negatives (see the file comment for the exact rule).
 * @example frAtFa([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], 0.5); // { fr: 0, fa: 0.5, threshold: 0.1, faTarget: 0.5 }
 */
export function frAtFa(probs: ArrayLike<number>, labels: ArrayLike<number>, faTarget: number): FrAtFa {
  if (labels.length !== probs.length) throw new RangeError(`frAtFa: ${probs.length} probabilities but ${labels.length} labels`);
  if (!(faTarget >= 0 && faTarget <= 1)) throw new RangeError(`frAtFa: target FA ${faTarget} is not in [0, 1]`);
  const neg: number[] = [];
  let nPos = 0;
  for (let i = 0; i < probs.length; i++) {
    if (labels[i] === 1) nPos++;
    else neg.push(probs[i]);
  }
  const negDesc = Float64Array.from(neg).sort().reverse();
  const k = Math.floor(faTarget * negDesc.length + 1e-9); // + 1e-9: 0.01 · 400 is 4, not 3.9999
  const threshold = k >= negDesc.length ? -Infinity : negDesc[k];
  let fr = 0;
  let fa = 0;
  for (let i = 0; i < probs.length; i++) {
    const accepted = probs[i] > threshold;
    if (labels[i] === 1 && !accepted) fr++;
    else if (labels[i] !== 1 && accepted) fa++;
  }
  return { faTarget, fr: nPos === 0 ? 0 : fr / nPos, fa: negDesc.length === 0 ? 0 : fa / negDesc.length, threshold };
}

/** The fixed FA rates reported everywhere: 0.5% and 1% of the negatives. */
export const FA_TARGETS = [0.005, 0.01] as const;

export interface ClipStats {
  auFaFr: number;
  /** 95% percentile-bootstrap interval of au_fa_fr (1,000 resamples, seed 0 unless given). */
  auFaFrCi: Interval;
  /** FR at FA 0.5% and 1% of the negatives. */
  frAtFa: FrAtFa[];
}

/**
 * au_fa_fr with its bootstrap interval and FR at the fixed FA rates, from one set of scores.
 * @example const s = clipStats(probs, labels); s.auFaFrCi.hi
 */
export function clipStats(probs: ArrayLike<number>, labels: ArrayLike<number>, o: BootstrapOptions = {}): ClipStats {
  return {
    auFaFr: auFaFr(probs, labels),
    auFaFrCi: auFaFrInterval(probs, labels, o),
    frAtFa: FA_TARGETS.map((a) => frAtFa(probs, labels, a)),
  };
}
