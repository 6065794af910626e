import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { halfPrecision, Tensor } from '@kws/autograd';
import { CRNN, loadSafetensors, STUDENT_EXP1 } from '@kws/kws-model';
import { roundToHalf, Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { halfLoss, mixedPrecisionStep } from './amp.js';
import { Adam } from './optim.js';
import { toyData } from './test-utils/toy-data.js';
import { COURSE_DEFAULTS, crossEntropyLoss, trainModel, type LossFn } from './trainer.js';

/** Least squares y = x·w with the product in fp16: a tiny problem whose gradients can overflow. */
function problem(): { w: Tensor; loss: () => Tensor } {
  const rng = new Rng(2);
  const x = Tensor.uniform([8, 4], -1, 1, rng);
  const target = x.matmul(Tensor.from([1, -2, 0.5, 3], [4, 1]));
  const w = Tensor.zeros([4, 1], { requiresGrad: true });
  const loss = (): Tensor => {
    const d = halfPrecision(() => x.matmul(w)).sub(target);
    return d.mul(d).mean();
  };
  return { w, loss };
}

describe('mixedPrecisionStep (GradScaler semantics)', () => {
  it('on overflow skips the step and halves the scale, then recovers and trains on', () => {
    const { w, loss } = problem();
    const opt = new Adam([w], { lr: 0.05 });
    const stepper = mixedPrecisionStep({ initScale: 2 ** 30 });
    const first = stepper.step([w], opt, loss(), 5);
    expect(first.skipped).toBe(true);
    expect(stepper.scale).toBe(2 ** 29);
    expect(opt.step).toBe(0);
    expect(w.grad).toBeNull();
    expect(w.toArray()).toEqual([0, 0, 0, 0]);
    let skipped = 1;
    const start = loss().item();
    for (let i = 0; i < 300; i++) skipped += stepper.step([w], opt, loss(), 5).skipped ? 1 : 0;
    // Each skip halved the scale, each clean step trained: the two counts add up.
    expect(stepper.scale).toBe(2 ** (30 - skipped));
    expect(skipped).toBeGreaterThan(5);
    expect(opt.step).toBe(301 - skipped);
    expect(loss().item()).toBeLessThan(start * 1e-3);
  });

  it('unscales: a clean step sees the fp32-precision gradient, clipped after unscaling', () => {
    const { w, loss } = problem();
    const reference = loss();
    reference.backward();
    const g32 = w.grad!.toArray();
    w.grad = null;
    const opt = new Adam([w], { lr: 0 });
    const r = mixedPrecisionStep({ initScale: 2 ** 10 }).step([w], opt, loss(), 1e9);
    expect(r.skipped).toBe(false);
    const norm = Math.hypot(...g32);
    expect(r.gradNorm).toBeCloseTo(norm, 2);
    w.grad!.toArray().forEach((g, i) => expect(Math.abs(g - g32[i])).toBeLessThan(2e-3 * norm));
    // Clipping acts on the unscaled gradients: max norm 1 leaves a norm of 1, not 1/scale.
    mixedPrecisionStep({ initScale: 2 ** 10 }).step([w], opt, loss(), 1);
    expect(Math.hypot(...w.grad!.toArray())).toBeCloseTo(1, 4);
  });

  it('doubles the scale after growthInterval clean steps, and state() / load() carry it over', () => {
    const { w, loss } = problem();
    const opt = new Adam([w], { lr: 0.01 });
    const stepper = mixedPrecisionStep({ initScale: 2 ** 8, growthInterval: 3 });
    for (let i = 0; i < 3; i++) expect(stepper.step([w], opt, loss(), 5).skipped).toBe(false);
    expect(stepper.scale).toBe(2 ** 9);
    expect(stepper.cleanSteps).toBe(0);
    stepper.step([w], opt, loss(), 5);
    stepper.step([w], opt, loss(), 5);
    expect(stepper.state()).toEqual({ scale: 2 ** 9, cleanSteps: 2 });
    const resumed = mixedPrecisionStep({ initScale: 2 ** 8, growthInterval: 3 });
    resumed.load(stepper.state());
    resumed.step([w], opt, loss(), 5);
    expect(resumed.scale).toBe(2 ** 10);
    expect(mixedPrecisionStep().scale).toBe(2 ** 16);
  });
});

describe('halfLoss', () => {
  it('runs the model forward in fp16 while the master weights stay fp32', () => {
    const model = new CRNN(STUDENT_EXP1, new Rng(0));
    const before = model.parameters().map((p) => p.toArray());
    let logits: Tensor | undefined;
    const probe: LossFn = (m, batch, rng) => {
      logits = m.forward(batch.x, rng);
      return crossEntropyLoss(m, batch, rng);
    };
    const batch = { x: Tensor.uniform([2, 40, 101], -10, 5, new Rng(1)), labels: Int32Array.from([0, 1]) };
    const half = halfLoss(probe)(model, batch, new Rng(3));
    const full = crossEntropyLoss(model, batch, new Rng(3));
    const z = Float32Array.from(logits!.toArray());
    expect(Array.from(roundToHalf(Float32Array.from(z)))).toEqual(Array.from(z));
    expect(half.loss.item()).toBeCloseTo(full.loss.item(), 2);
    expect(half.loss.item()).not.toBe(full.loss.item());
    half.loss.backward();
    model.parameters().forEach((p, i) => {
      expect(p.toArray()).toEqual(before[i]);
      expect(p.grad).not.toBeNull();
    });
  });
});

describe('mixed-precision training', () => {
  it('skips overflowing steps, counts them in the history, trains on, and saves the scale for resume', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'kws-amp-'));
    const stepper = mixedPrecisionStep({ initScale: 2 ** 24 });
    const cfg = { ...COURSE_DEFAULTS, epochs: 2, batchSize: 4, lr: 3e-3 };
    const model = new CRNN(STUDENT_EXP1, new Rng(0));
    const before = model.parameters().map((p) => p.toArray());
    const r = await trainModel(model, toyData(32, 8), cfg, { outDir, lossFn: halfLoss(crossEntropyLoss), stepper });
    const skipped = r.history.reduce((s, h) => s + h.skippedSteps, 0);
    expect(r.history[0].skippedSteps).toBeGreaterThan(0);
    expect(skipped).toBeLessThan(16);
    expect(stepper.scale).toBe(2 ** (24 - skipped));
    expect(r.history.every((h) => Number.isFinite(h.gradNorm) && Number.isFinite(h.trainLoss))).toBe(true);
    expect(model.parameters()[0].toArray()).not.toEqual(before[0]);
    const saved = JSON.parse(loadSafetensors(join(outDir, 'last.optim.safetensors')).metadata.stepper ?? '{}') as Record<string, number>;
    expect(saved.scale).toBe(stepper.scale);
  });
});
