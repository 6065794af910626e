/**
 * Training batches: the balanced sampler picks clips, each clip is augmented (one of four
 * transforms), turned into mel power, SpecAugmented, then logged: exactly the course's order
 * (SpecAugment acts on the mel power before the log). Validation features are computed once.
 */
import { Tensor } from '@kws/autograd';
import { augmentClip, balancedSample, featuresBatch, logClamp, LogMel, specAugment } from '@kws/kws-model';
import type { Rng } from '@kws/tensor';

export interface LabelledClips {
  clips: Float32Array[];
  labels: Int32Array;
}

export interface Batch {
  x: Tensor;
  labels: Int32Array;
}

export interface AugmentOptions {
  augment: boolean;
  specAugment: boolean;
  noises: Float32Array[];
}

/** Indices of one epoch: as many balanced draws (with replacement) as there are clips. */
export function epochOrder(labels: Int32Array, rng: Rng): Int32Array {
  return balancedSample(labels, labels.length, rng);
}

/**
 * Build one augmented training batch from the chosen clip indices.
 * @example const b = trainingBatch(fe, data, idx.subarray(0, 128), rng, { augment: true, specAugment: true, noises });
 */
export function trainingBatch(fe: LogMel, data: LabelledClips, indices: ArrayLike<number>, rng: Rng, opts: AugmentOptions): Batch {
  const n = indices.length;
  const frames = fe.frames(data.clips[0].length);
  const per = fe.nMels * frames;
  const x = new Float32Array(n * per);
  const labels = new Int32Array(n);
  for (let b = 0; b < n; b++) {
    const k = indices[b];
    labels[b] = data.labels[k];
    const clip = opts.augment ? augmentClip(data.clips[k], rng, opts.noises) : data.clips[k];
    const slot = x.subarray(b * per, (b + 1) * per);
    fe.melPowerInto(clip, slot, 0);
    if (opts.specAugment) specAugment(slot, fe.nMels, frames, rng);
    logClamp(slot);
  }
  return { x: Tensor.from(x, [n, fe.nMels, frames]), labels };
}

/** Features of un-augmented clips (validation), in one tensor. */
export function plainFeatures(fe: LogMel, clips: readonly Float32Array[]): Tensor {
  return featuresBatch(fe, clips);
}
