/**
 * Validation: keyword probabilities of precomputed features through the one scoring loop that
 * `eval` also uses (`scoreFeatures`: eval mode, no graph, batches), summing the cross-entropy of
 * each batch on the way; then accuracy, FA and FR at 0.5, au_fa_fr, its 95% bootstrap interval
 * over clips and FR at FA 0.5% / 1% of the negatives (`clipStats`).
 */
import { crossEntropy, type Tensor } from '@kws/autograd';
import { accuracyAt, clipStats, faFrAt, scoreFeatures, type Interval, type LogitModel } from '@kws/kws-model';

export interface Validation {
  loss: number;
  accuracy: number;
  auFaFr: number;
  /** 95% percentile-bootstrap interval of au_fa_fr (1,000 resamples of the clips, seed 0). */
  auFaFrCi: Interval;
  /** FR over the keyword clips at FA = 0.5% and 1% of the other clips. */
  frAtFa05: number;
  frAtFa1: number;
  fa: number;
  fr: number;
  probs: Float32Array;
}

/** @example const v = validate(model, valFeatures, valLabels); v.auFaFr */
export function validate(model: LogitModel, x: Tensor, labels: Int32Array, batchSize = 256): Validation {
  let lossSum = 0;
  const probs = scoreFeatures(model, x, batchSize, (logits, lo, hi) => {
    lossSum += crossEntropy(logits, labels.subarray(lo, hi)).item() * (hi - lo);
  });
  const { fa, fr } = faFrAt(probs, labels, 0.5);
  const s = clipStats(probs, labels);
  return {
    loss: lossSum / labels.length,
    accuracy: accuracyAt(probs, labels, 0.5),
    auFaFr: s.auFaFr,
    auFaFrCi: s.auFaFrCi,
    frAtFa05: s.frAtFa[0].fr,
    frAtFa1: s.frAtFa[1].fr,
    fa,
    fr,
    probs,
  };
}
