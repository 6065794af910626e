/**
 * Inference helpers shared by validation, `kws-cli eval` and the report: log-mel features of
 * 1 s clips into a (B, 40, T) batch, and keyword probabilities p = softmax(logits)[1].
 */
import { noGrad, probabilities, Tensor } from '@kws/autograd';
import { LogMel } from '../features/index.js';
import type { CRNN } from './crnn.js';

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

/**
 * Keyword probabilities of many clips, in batches, in eval mode, without a graph.
 * @example const p = scoreClips(model, clips); auFaFr(p, labels);
 */
export function scoreClips(model: CRNN, clips: readonly Float32Array[], batchSize = 256, fe = new LogMel()): Float32Array {
  const out = new Float32Array(clips.length);
  const wasTraining = model.training;
  model.eval();
  noGrad(() => {
    for (let i = 0; i < clips.length; i += batchSize) {
      const x = featuresBatch(fe, clips.slice(i, i + batchSize));
      out.set(keywordProbs(model.forward(x)), i);
    }
  });
  model.train(wasTraining);
  return out;
}

/** Keyword probabilities of precomputed features (B, nMels, T). */
export function scoreFeatures(model: CRNN, x: Tensor, batchSize = 256): Float32Array {
  const out = new Float32Array(x.shape[0]);
  const wasTraining = model.training;
  model.eval();
  noGrad(() => {
    for (let i = 0; i < x.shape[0]; i += batchSize) {
      const xb = x.slice(0, i, Math.min(i + batchSize, x.shape[0]));
      out.set(keywordProbs(model.forward(xb)), i);
    }
  });
  model.train(wasTraining);
  return out;
}
