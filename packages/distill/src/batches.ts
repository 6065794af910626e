/**
 * Training batches: the balanced sampler picks clips, each clip is augmented (one of four
 * transforms) and turned into mel power; the batch is SpecAugmented, then logged: exactly the
 * course's order (SpecAugment acts on the mel power before the log, one mask pair per batch, or per clip when asked). Validation features are computed once.
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
  /** Each clip its own SpecAugment masks (true) instead of one pair for the batch (the course). */
  iidMasks?: boolean;
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
  // One array holds each augmented clip until its mel power is taken (not one array per clip).
  let scratch = new Float32Array(opts.augment ? data.clips[0].length : 0);
  for (let b = 0; b < n; b++) {
    const k = indices[b];
    labels[b] = data.labels[k];
    const src = data.clips[k];
    if (opts.augment && src.length !== scratch.length) scratch = new Float32Array(src.length);
    const clip = opts.augment ? augmentClip(src, rng, opts.noises, scratch) : src;
    fe.melPowerInto(clip, x, b * per);
  }
  // As the course: torchaudio's masking transforms on the whole (B, 40, T) batch with
  // iid_masks=False, so one frequency mask and one time mask are shared by the batch
  // (iidMasks: a pair per clip, torchaudio's iid_masks=True).
  if (opts.specAugment) specAugment(x, fe.nMels, frames, rng, { clips: n, iid: opts.iidMasks === true });
  logClamp(x);
  return { x: Tensor.from(x, [n, fe.nMels, frames]), labels };
}

/** Features of un-augmented clips (validation), in one tensor. */
export function plainFeatures(fe: LogMel, clips: readonly Float32Array[]): Tensor {
  return featuresBatch(fe, clips);
}
