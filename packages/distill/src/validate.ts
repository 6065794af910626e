/**
 * Validation: logits of precomputed features in batches (eval mode, no graph), then the mean
 * cross-entropy, accuracy at 0.5, FA and FR at 0.5, and au_fa_fr.
 */
import { crossEntropy, noGrad, type Tensor } from '@kws/autograd';
import { accuracyAt, auFaFr, faFrAt, keywordProbs, type CRNN } from '@kws/kws-model';

export interface Validation {
  loss: number;
  accuracy: number;
  auFaFr: number;
  fa: number;
  fr: number;
  probs: Float32Array;
}

/** @example const v = validate(model, valFeatures, valLabels); v.auFaFr */
export function validate(model: CRNN, x: Tensor, labels: Int32Array, batchSize = 256): Validation {
  const wasTraining = model.training;
  model.eval();
  const probs = new Float32Array(labels.length);
  let lossSum = 0;
  noGrad(() => {
    for (let i = 0; i < labels.length; i += batchSize) {
      const end = Math.min(i + batchSize, labels.length);
      const logits = model.forward(x.slice(0, i, end));
      lossSum += crossEntropy(logits, labels.subarray(i, end)).item() * (end - i);
      probs.set(keywordProbs(logits), i);
    }
  });
  model.train(wasTraining);
  const { fa, fr } = faFrAt(probs, labels, 0.5);
  return { loss: lossSum / labels.length, accuracy: accuracyAt(probs, labels, 0.5), auFaFr: auFaFr(probs, labels), fa, fr, probs };
}

