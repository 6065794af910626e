/**
 * trainingBatch, made faster (one scratch array for the batch's augmented clips), must build the
 * same batches: `referenceBatch` is a verbatim copy of it before the speed work (commit 80bc4d4),
 * and both are run from the same seed over several batches of one epoch, in every augmentation
 * setting, comparing features with Object.is and the Rng after each batch. (The augmentation
 * itself is held to its own verbatim copy in kws-model's augment-reference.test.ts.)
 */
import { Tensor } from '@kws/autograd';
import { augmentClip, LogMel, logClamp, specAugment } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { epochOrder, trainingBatch, type AugmentOptions, type Batch, type LabelledClips } from './batches.js';
import { toyClips } from './test-utils/toy-data.js';

// A verbatim copy of the code before the speed work, kept as it was.
function referenceBatch(fe: LogMel, data: LabelledClips, indices: ArrayLike<number>, rng: Rng, opts: AugmentOptions): Batch {
  const n = indices.length;
  const frames = fe.frames(data.clips[0].length);
  const per = fe.nMels * frames;
  const x = new Float32Array(n * per);
  const labels = new Int32Array(n);
  for (let b = 0; b < n; b++) {
    const k = indices[b];
    labels[b] = data.labels[k];
    const clip = opts.augment ? augmentClip(data.clips[k], rng, opts.noises) : data.clips[k];
    fe.melPowerInto(clip, x, b * per);
  }
  if (opts.specAugment) specAugment(x, fe.nMels, frames, rng, { clips: n, iid: opts.iidMasks === true });
  logClamp(x);
  return { x: Tensor.from(x, [n, fe.nMels, frames]), labels };
}

/** The batch's features as the flat float32 array they were built in. */
function features(batch: Batch): Float32Array {
  const values = batch.x.data.data;
  expect(values).toBeInstanceOf(Float32Array);
  expect(values).toHaveLength(batch.x.size);
  return values as Float32Array;
}

function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

const data = toyClips(24, new Rng(3));
const noiseRng = new Rng(4);
const noises = [Float32Array.from({ length: 40_000 }, () => noiseRng.normal(0, 0.2)), Float32Array.from({ length: 9_000 }, () => noiseRng.uniform(-1, 1))];
const SETTINGS: [string, AugmentOptions][] = [
  ['the course (augment, SpecAugment per batch)', { augment: true, specAugment: true, noises }],
  ['masks per clip', { augment: true, specAugment: true, iidMasks: true, noises }],
  ['augment without noise files', { augment: true, specAugment: false, noises: [] }],
  ['no augmentation', { augment: false, specAugment: true, noises }],
];

describe('trainingBatch against the code before the speed work (bitwise)', () => {
  for (const [name, opts] of SETTINGS) {
    for (const seed of [0, 5]) {
      it(`${name}, seed ${seed}`, () => {
        const fe = new LogMel();
        const a = new Rng(seed);
        const b = new Rng(seed);
        const order = epochOrder(data.labels, a);
        expect(Array.from(epochOrder(data.labels, b))).toEqual(Array.from(order));
        for (let s = 0; s < order.length; s += 7) {
          const idx = order.subarray(s, s + 7); // the last batch is short, as an epoch's can be
          const got = trainingBatch(fe, data, idx, a, opts);
          const want = referenceBatch(fe, data, idx, b, opts);
          expect(got.x.shape).toEqual([idx.length, 40, 101]);
          expect(want.x.shape).toEqual([idx.length, 40, 101]);
          expect(firstDifference(features(got), features(want))).toBe(-1);
          expect(Array.from(got.labels)).toEqual(Array.from(want.labels));
          expect(a.nextU32()).toBe(b.nextU32());
        }
      });
    }
  }

  it('leaves the training clips unchanged', () => {
    const before = data.clips.map((c) => c.slice());
    trainingBatch(new LogMel(), data, epochOrder(data.labels, new Rng(1)), new Rng(2), SETTINGS[0][1]);
    data.clips.forEach((c, i) => expect(firstDifference(c, before[i])).toBe(-1));
  });
});
