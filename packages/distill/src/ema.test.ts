/**
 * The weight average: its update against the formula written out by hand, the swap restoring
 * the raw weights, and a training run with it: validation and `best` use the average, the raw
 * weights keep training, and resume replays the average exactly.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from '@kws/autograd';
import { CRNN, loadModel, STUDENT_EXP1 } from '@kws/kws-model';
import { NDArray, Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { WeightAverage } from './ema.js';
import { toyData } from './test-utils/toy-data.js';
import { COURSE_DEFAULTS, trainModel } from './trainer.js';

const param = (values: number[]): Tensor => new Tensor(NDArray.from(Float32Array.from(values), [values.length]), { requiresGrad: true });

describe('WeightAverage', () => {
  it('folds each update in with the warmed-up decay min(d, (1 + t) / (10 + t))', () => {
    const p = param([1, -2]);
    const ema = new WeightAverage([p], 0.5);
    // t = 0: d = min(0.5, 1/10) = 0.1
    p.data.data.set([3, 0]);
    ema.update();
    expect(Array.from(ema.values[0])).toEqual([Math.fround(0.1 * 1 + 0.9 * 3), Math.fround(0.1 * -2 + 0.9 * 0)]);
    // t = 1: d = min(0.5, 2/11) = 2/11
    p.data.data.set([5, 1]);
    const before = Array.from(ema.values[0]);
    ema.update();
    const d = 2 / 11;
    expect(ema.values[0][0]).toBeCloseTo(d * before[0] + (1 - d) * 5, 6);
    expect(ema.values[0][1]).toBeCloseTo(d * before[1] + (1 - d) * 1, 6);
    // late: the decay is capped at d
    ema.updates = 1000;
    expect(ema.nextDecay()).toBe(0.5);
  });

  it('swapped runs a callback on the average and puts the raw weights back, also on a throw', () => {
    const p = param([1, 2]);
    const ema = new WeightAverage([p], 0.9);
    ema.values[0].set([7, 8]);
    expect(ema.swapped(() => Array.from(p.data.data))).toEqual([7, 8]);
    expect(Array.from(p.data.data)).toEqual([1, 2]);
    expect(() => ema.swapped(() => { throw new Error('boom'); })).toThrow('boom');
    expect(Array.from(p.data.data)).toEqual([1, 2]);
  });

  it('refuses a decay outside (0, 1)', () => {
    expect(() => new WeightAverage([param([0])], 1)).toThrow(/decay 1/);
    expect(() => new WeightAverage([param([0])], 0)).toThrow(/decay 0/);
  });
});

describe('training with a weight average', () => {
  const data = toyData(16, 8);
  const cfg = { ...COURSE_DEFAULTS, epochs: 2, batchSize: 8, lr: 3e-3, ema: 0.9 };
  const fresh = (): CRNN => new CRNN(STUDENT_EXP1, new Rng(0));
  const weights = (path: string): number[][] => loadModel(path).model.parameters().map((p) => p.toArray());
  const tmp = (): string => mkdtempSync(join(tmpdir(), 'kws-ema-'));

  it('validates and saves the average as best; last keeps the raw weights', async () => {
    const dir = tmp();
    // One epoch: the first validation is always the best so far, so best is that epoch's average.
    const one = { ...cfg, epochs: 1 };
    const res = await trainModel(fresh(), data, one, { outDir: dir });
    const avg = weights(join(dir, 'average.safetensors'));
    expect(avg).not.toEqual(weights(join(dir, 'last.safetensors')));
    expect(weights(join(dir, 'best.safetensors'))).toEqual(avg);
    // The same seed without the average: the raw weights are the same, the validation is not.
    const plain = tmp();
    const ref = await trainModel(fresh(), data, { ...one, ema: 0 }, { outDir: plain });
    expect(weights(join(plain, 'last.safetensors'))).toEqual(weights(join(dir, 'last.safetensors')));
    expect(res.history.map((r) => r.valLoss)).not.toEqual(ref.history.map((r) => r.valLoss));
  });

  it('Ctrl-C, then resume, equals the uninterrupted run, average included', async () => {
    const whole = tmp();
    await trainModel(fresh(), data, cfg, { outDir: whole });
    const dir = tmp();
    let steps = 0;
    await trainModel(fresh(), data, cfg, { outDir: dir, hooks: { onStep: () => steps++, shouldStop: () => steps === 3 } });
    await trainModel(fresh(), data, cfg, { outDir: dir, resume: true });
    expect(weights(join(dir, 'average.safetensors'))).toEqual(weights(join(whole, 'average.safetensors')));
    expect(weights(join(dir, 'last.safetensors'))).toEqual(weights(join(whole, 'last.safetensors')));
  });

  it('refuses to resume a run with a different choice of averaging', async () => {
    const dir = tmp();
    await trainModel(fresh(), data, { ...cfg, epochs: 1 }, { outDir: dir });
    await expect(trainModel(fresh(), data, { ...cfg, ema: 0 }, { outDir: dir, resume: true })).rejects.toThrow(/with weight averaging/);
  });
});
