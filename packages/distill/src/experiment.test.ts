import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRNN, loadModel, STUDENT_EXP1, STUDENT_EXP2 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { distillRun, teacherAuFaFr, thresholdEpoch, type DistillSummary } from './experiment.js';
import { distillPreset, DISTILL_PRESETS } from './presets.js';
import { toyData } from './test-utils/toy-data.js';
import { COURSE_DEFAULTS, trainModel } from './trainer.js';

describe('presets', () => {
  it('match the report: architectures, T = 10, weights, mixed precision and F16 only for exp3', () => {
    expect(DISTILL_PRESETS.exp1).toMatchObject({ student: STUDENT_EXP1, temperature: 10, hardWeight: 0.6, mixedPrecision: false, saveDtype: 'F32' });
    expect(DISTILL_PRESETS.exp2).toMatchObject({ student: STUDENT_EXP2, temperature: 10, hardWeight: 0.3, mixedPrecision: false });
    expect(DISTILL_PRESETS.exp3).toMatchObject({ student: STUDENT_EXP1, temperature: 10, hardWeight: 0.6, mixedPrecision: true, saveDtype: 'F16' });
    for (const p of Object.values(DISTILL_PRESETS)) {
      expect(p.lr).toBeGreaterThan(COURSE_DEFAULTS.lr);
      expect(p.reading).toMatch(/reading A/);
    }
  });

  it('hands out copies and names the choices for an unknown preset', () => {
    const p = distillPreset('exp1');
    p.hardWeight = 0.4;
    p.student.hidden = 99;
    expect(DISTILL_PRESETS.exp1.hardWeight).toBe(0.6);
    expect(DISTILL_PRESETS.exp1.student.hidden).toBe(22);
    expect(() => distillPreset('exp9')).toThrow(/exp1, exp2, exp3/);
  });
});

describe('thresholdEpoch', () => {
  it('is the first epoch at or below the threshold, or null', () => {
    const h = [{ epoch: 1, auFaFr: 0.3 }, { epoch: 2, auFaFr: 0.11 }, { epoch: 3, auFaFr: 0.05 }, { epoch: 4, auFaFr: 0.2 }];
    expect(thresholdEpoch(h, 0.11)).toBe(2);
    expect(thresholdEpoch(h, 0.1)).toBe(3);
    expect(thresholdEpoch(h, 0.01)).toBeNull();
    // A perfect teacher (au_fa_fr 0) sets the bar at 0: only a perfect student passes.
    expect(thresholdEpoch([...h, { epoch: 5, auFaFr: 0 }], 0)).toBe(5);
  });
});

describe('distillRun', () => {
  it('measures the teacher on the same split, trains in fp16 with F16 checkpoints, and writes the summary', async () => {
    const data = toyData(32, 16);
    const teacherDir = mkdtempSync(join(tmpdir(), 'kws-teacher-'));
    const teacher = new CRNN({ ...STUDENT_EXP1, hidden: 12 }, new Rng(7));
    await trainModel(teacher, data, { ...COURSE_DEFAULTS, epochs: 2, batchSize: 8, lr: 1e-2, augment: false, specAugment: false }, { outDir: teacherDir });
    const outDir = mkdtempSync(join(tmpdir(), 'kws-distil-'));
    const preset = { ...distillPreset('exp3'), hardWeight: 0.4 };
    const s = await distillRun(teacher, new CRNN(preset.student, new Rng(0)), data, {
      outDir,
      preset,
      train: { ...COURSE_DEFAULTS, epochs: 2, batchSize: 8, lr: preset.lr },
      extraMeta: { teacher: 'teacher.safetensors' },
    });
    const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as DistillSummary;
    expect(summary.teacherAuFaFr).toBe(teacherAuFaFr(teacher, data.val));
    expect(summary.threshold).toBeCloseTo(1.1 * summary.teacherAuFaFr, 12);
    expect(summary.thresholdReachedEpoch).toBe(thresholdEpoch(s.result.history, summary.threshold));
    expect(summary.epochs).toBe(2);
    expect(summary.bestAuFaFr).toBe(Math.min(...s.result.history.map((r) => r.auFaFr)));
    for (const r of s.result.history) expect(Object.keys(r.terms).sort()).toEqual(['ce', 'kd', 'total']);
    const best = loadModel(join(outDir, 'best.safetensors')).info;
    expect(best.dtype).toBe('F16');
    expect(best.train).toMatchObject({ teacher: 'teacher.safetensors', distill: { preset: 'exp3', hardWeight: 0.4, mixedPrecision: true, teacherAuFaFr: summary.teacherAuFaFr } });
    // The mixed-precision stepper's scale is part of the resumable state.
    expect(existsSync(join(outDir, 'last.optim.safetensors'))).toBe(true);
    const resumed = await distillRun(teacher, new CRNN(preset.student, new Rng(0)), data, {
      outDir, preset, train: { ...COURSE_DEFAULTS, epochs: 3, batchSize: 8, lr: preset.lr }, resume: true,
    });
    expect(resumed.result.history.map((r) => r.epoch)).toEqual([3]);
    expect(resumed.epochs).toBe(3);
  });
});
