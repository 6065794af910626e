import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gradcheck, noGrad, Tensor } from '@kws/autograd';
import { CRNN, STUDENT_EXP1, TEACHER, type CRNNConfig } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { distillation, distillationLoss, distillationTerms, type InspectRow } from './distill.js';
import { toyData } from './test-utils/toy-data.js';
import { COURSE_DEFAULTS, crossEntropyLoss, trainModel } from './trainer.js';

const zs = [[1, 2], [0.5, -1]];
const zt = [[3, 0], [-1, 2]];
const labels = Int32Array.from([1, 0]);
const logits = (v: number[][], dtype: 'float32' | 'float64' = 'float64', requiresGrad = false): Tensor =>
  Tensor.from(v.flat(), [v.length, 2], { dtype, requiresGrad });

/** A small CRNN (2 GRU layers, so dropout is live in training) and a matching input batch. */
const TINY: CRNNConfig = { ...TEACHER, nMels: 9, convChannels: 2, kernel: [3, 4], stride: [2, 2], hidden: 4, dropout: 0.5 };
const tinyBatch = (): { x: Tensor; labels: Int32Array } => ({ x: Tensor.uniform([3, 9, 12], -1, 1, new Rng(4)), labels: Int32Array.from([1, 0, 1]) });

describe('distillationTerms', () => {
  it('equals the loss computed by hand: w·CE + (1 − w)·T²·KL(softmax(t/T) ‖ softmax(s/T))', () => {
    const sm = (v: number[]): number[] => v.map((a) => Math.exp(a) / v.reduce((s, b) => s + Math.exp(b), 0));
    const ce = -(Math.log(sm(zs[0])[1]) + Math.log(sm(zs[1])[0])) / 2;
    let kl = 0;
    for (let n = 0; n < 2; n++) {
      const p = sm(zt[n].map((a) => a / 2));
      const q = sm(zs[n].map((a) => a / 2));
      kl += p.reduce((s, pi, i) => s + pi * (Math.log(pi) - Math.log(q[i])), 0) / 2;
    }
    const t = distillationTerms(logits(zs), logits(zt), labels, { temperature: 2, hardWeight: 0.25 });
    expect(t.ce.item()).toBeCloseTo(ce, 10);
    expect(t.kd.item()).toBeCloseTo(4 * kl, 10);
    expect(t.loss.item()).toBeCloseTo(0.25 * ce + 0.75 * 4 * kl, 10);
    // The same numbers from an independent (Python) computation.
    expect(t.loss.item()).toBeCloseTo(1.4635538079163526, 10);
    expect(t.kd.item()).toBeCloseTo(1.8656259163049744, 10);
  });

  it('switches the T² factor off', () => {
    const on = distillationTerms(logits(zs), logits(zt), labels, { temperature: 3, hardWeight: 0.4 });
    const off = distillationTerms(logits(zs), logits(zt), labels, { temperature: 3, hardWeight: 0.4, t2: false });
    expect(on.kd.item()).toBeCloseTo(9 * off.kd.item(), 10);
    expect(off.loss.item()).toBeCloseTo(0.4 * off.ce.item() + 0.6 * off.kd.item(), 10);
    expect(on.ce.item()).toBe(off.ce.item());
  });

  it('passes gradcheck on the student logits and sends nothing to the teacher logits', () => {
    const s = logits([[0.3, -1.2], [2, 0.1], [-0.5, 0.4]], 'float64', true);
    const t = logits([[1, 0], [-2, 1], [0.2, 0.2]], 'float64', true);
    const y = Int32Array.from([0, 1, 1]);
    const r = gradcheck((a) => distillationTerms(a, t, y, { temperature: 4, hardWeight: 0.3 }).loss, [s]);
    expect(r.worst).toBe('');
    t.grad = null;
    distillationTerms(s, t, y, { temperature: 4, hardWeight: 0.3 }).loss.backward();
    expect(t.grad).toBeNull();
  });

  it('rejects a bad temperature or weight', () => {
    expect(() => distillationTerms(logits(zs), logits(zt), labels, { temperature: 0, hardWeight: 0.5 })).toThrow(/temperature/);
    expect(() => distillationTerms(logits(zs), logits(zt), labels, { temperature: 1, hardWeight: 1.5 })).toThrow(/hardWeight/);
  });
});

describe('distillationLoss', () => {
  it('with w = 1 is plain cross-entropy, value and gradients', () => {
    const teacher = new CRNN(TINY, new Rng(1));
    const a = new CRNN(TINY, new Rng(2));
    const b = new CRNN(TINY, new Rng(2));
    const batch = tinyBatch();
    const kd = distillationLoss(teacher, { temperature: 10, hardWeight: 1 })(a, batch, new Rng(9));
    const ce = crossEntropyLoss(b, batch, new Rng(9));
    expect(kd.loss.item()).toBe(ce.loss.item());
    kd.loss.backward();
    ce.loss.backward();
    a.parameters().forEach((p, i) => expect(p.grad?.toArray()).toEqual(b.parameters()[i].grad?.toArray()));
  });

  it('runs the teacher in eval mode without gradients on the same batch; only the student gets gradients', () => {
    const teacher = new CRNN(TINY, new Rng(1)).train();
    const student = new CRNN(TINY, new Rng(2));
    const batch = tinyBatch();
    const out = distillationLoss(teacher, { temperature: 5, hardWeight: 0.5 })(student, batch, new Rng(3));
    out.loss.backward();
    expect(teacher.training).toBe(false);
    teacher.parameters().forEach((p) => expect(p.grad).toBeNull());
    student.parameters().forEach((p) => expect(p.grad).not.toBeNull());
    // Same batch, eval teacher (no dropout): recomputing the terms by hand gives the same kd.
    const zt = noGrad(() => teacher.forward(batch.x));
    const zsAgain = new CRNN(TINY, new Rng(2)).forward(batch.x, new Rng(3));
    const again = distillationTerms(zsAgain, zt, batch.labels, { temperature: 5, hardWeight: 0.5 });
    expect(out.terms.kd).toBe(again.kd.item());
    expect(out.terms.total).toBeCloseTo(0.5 * out.terms.ce + 0.5 * out.terms.kd, 6);
  });
});

describe('--inspect rows', () => {
  it('writes one row per step for the first N steps, enough to redo the loss by hand', async () => {
    const rows: InspectRow[] = [];
    const teacher = new CRNN({ ...STUDENT_EXP1, gruLayers: 2 }, new Rng(5));
    const d = distillation(teacher, { temperature: 10, hardWeight: 0.6, inspect: { steps: 2, write: (r) => rows.push(r) } });
    const cfg = { ...COURSE_DEFAULTS, epochs: 1, batchSize: 8, lr: 3e-3 };
    const outDir = mkdtempSync(join(tmpdir(), 'kws-kd-'));
    await trainModel(new CRNN(STUDENT_EXP1, new Rng(0)), toyData(24, 8), cfg, { outDir, lossFn: d.lossFn, hooks: { onStep: d.onStep } });
    expect(rows.map((r) => [r.epoch, r.step])).toEqual([[1, 1], [1, 2]]);
    for (const r of rows) {
      expect(r.labels).toHaveLength(8);
      expect(r.lr).toBe(3e-3);
      expect(r.gradNorm).toBeGreaterThan(0);
      expect(r.skipped).toBe(false);
      let kl = 0;
      r.teacherSoft.forEach((p, n) => {
        expect(p[0] + p[1]).toBeCloseTo(1, 5);
        kl += p.reduce((s, pi, i) => s + pi * (Math.log(pi) - Math.log(r.studentSoft[n][i])), 0);
      });
      expect(r.terms.kd).toBeCloseTo((100 * kl) / 8, 3);
      const ce = -r.labels.reduce((s, y, n) => s + Math.log(r.studentProbs[n][y]), 0) / 8;
      expect(r.terms.ce).toBeCloseTo(ce, 5);
      expect(r.terms.total).toBeCloseTo(0.6 * r.terms.ce + 0.4 * r.terms.kd, 5);
    }
  });
});
