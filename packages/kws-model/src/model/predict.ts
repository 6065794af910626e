/**
 * Inference helpers shared by validation, `kws-cli eval` and the report: log-mel features of
 * 1 s clips into a (B, 40, T) batch, and keyword probabilities p = softmax(logits)[1].
 */
import { noGrad, probabilities, Tensor } from '@kws/autograd';
import type { Rng } from '@kws/tensor';
import { LogMel } from '../features/index.js';
import type { Module } from '../nn/module.js';

/** What scores a (B, nMels, T) batch into logits: a CRNN, or an Ensemble of them. */
export type LogitModel = Pick<Module, 'training' | 'train' | 'eval'> & { forward(x: Tensor, rng?: Rng): Tensor };

/**
 * Log-mel features of `clips` (each the same length) as one (B, nMels, T) tensor.
 * @example const x = featuresBatch(fe, [clipA, clipB]);
 */
export function featuresBatch(fe: LogMel, clips: readonly Float32Array[]): Tensor {
  const frames = fe.frames(clips[0].length);
  const per = fe.nMels * frames;
  const data = new Float32Array(clips.length * per);
  clips.forEach((c, b) => fe.computeInto(c, data, b * per));
  return Tensor.from(data, [clips.length, fe.nMels, frames]);
}

/** p(keyword) for each row of logits (B, classes): softmax column `keywordIndex`. */
export function keywordProbs(logits: Tensor, keywordIndex = 1): Float32Array {
  const p = probabilities(logits).contiguous().data;
  const classes = logits.shape[1];
  const out = new Float32Array(logits.shape[0]);
  for (let i = 0; i < out.length; i++) out[i] = p[i * classes + keywordIndex];
  return out;
}

/** Called with each batch's logits and its row range [lo, hi) (e.g. to sum a loss). */
export type OnLogits = (logits: Tensor, lo: number, hi: number) => void;

/**
 * The one scoring loop: `n` rows in batches, each batch's input made by `input(lo, hi)`, in eval
 * mode and without a graph; returns p(keyword) per row.
 */
function scoreBatches(model: LogitModel, n: number, batchSize: number, input: (lo: number, hi: number) => Tensor, onLogits?: OnLogits): Float32Array {
  const out = new Float32Array(n);
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => {
      for (let lo = 0; lo < n; lo += batchSize) {
        const hi = Math.min(lo + batchSize, n);
        const logits = model.forward(input(lo, hi));
        onLogits?.(logits, lo, hi);
        out.set(keywordProbs(logits), lo);
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return out;
}

/**
 * Keyword probabilities of many clips, in batches (features computed batch by batch).
 * @example const p = scoreClips(model, clips); auFaFr(p, labels);
 */
export function scoreClips(model: LogitModel, clips: readonly Float32Array[], batchSize = 256, fe = new LogMel()): Float32Array {
  return scoreBatches(model, clips.length, batchSize, (lo, hi) => featuresBatch(fe, clips.slice(lo, hi)));
}

/**
 * Keyword probabilities of precomputed features (B, nMels, T); `onLogits` sees every batch.
 * @example const p = scoreFeatures(model, x, 256, (logits, lo, hi) => (loss += ce(logits, y.subarray(lo, hi))));
 */
export function scoreFeatures(model: LogitModel, x: Tensor, batchSize = 256, onLogits?: OnLogits): Float32Array {
  return scoreBatches(model, x.shape[0], batchSize, (lo, hi) => x.slice(0, lo, hi), onLogits);
}
