import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRNN, loadModel, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { toyData } from './test-utils/toy-data.js';
import { COURSE_DEFAULTS, scheduledLr, trainModel } from './trainer.js';

describe('trainModel', () => {
  const data = toyData(64, 32);
  const cfg = { ...COURSE_DEFAULTS, epochs: 2, batchSize: 16, lr: 3e-3 };

  it('writes history, best and last; is reproducible; resumes where it stopped', async () => {
    const dirA = mkdtempSync(join(tmpdir(), 'kws-train-'));
    const a = await trainModel(new CRNN(STUDENT_EXP1, new Rng(0)), data, cfg, { outDir: dirA });
    expect(a.history).toHaveLength(2);
    const rows = readFileSync(join(dirA, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => r.epoch)).toEqual([1, 2]);
    for (const k of ['trainLoss', 'valLoss', 'valAccuracy', 'auFaFr', 'seconds', 'samplesPerSec']) expect(typeof rows[0][k]).toBe('number');
    expect(existsSync(join(dirA, 'best.safetensors'))).toBe(true);
    expect(loadModel(join(dirA, 'last.safetensors')).info.epoch).toBe(2);

    // Same seed, same run: one epoch, then resume to two, equals two in one go.
    const dirB = mkdtempSync(join(tmpdir(), 'kws-train-'));
    await trainModel(new CRNN(STUDENT_EXP1, new Rng(0)), data, { ...cfg, epochs: 1 }, { outDir: dirB });
    const resumed = new CRNN(STUDENT_EXP1, new Rng(99));
    const b = await trainModel(resumed, data, cfg, { outDir: dirB, resume: true });
    expect(b.history.map((r) => r.epoch)).toEqual([2]);
    const final = loadModel(join(dirA, 'last.safetensors')).model;
    final.parameters().forEach((p, i) => expect(p.toArray()).toEqual(resumed.parameters()[i].toArray()));
    expect(b.history[0].valLoss).toBe(a.history[1].valLoss);
  });

  it('stops cleanly when asked and saves last', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kws-train-'));
    let steps = 0;
    const r = await trainModel(new CRNN(STUDENT_EXP1, new Rng(0)), data, cfg, {
      outDir: dir,
      hooks: { onStep: () => steps++, shouldStop: () => steps >= 2 },
    });
    expect(r.stopped).toBe(true);
    expect(existsSync(join(dir, 'last.safetensors'))).toBe(true);
    expect(loadModel(join(dir, 'last.safetensors')).info.epoch).toBe(0);
  });

  it('learns a separable toy task', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kws-train-'));
    const r = await trainModel(new CRNN(STUDENT_EXP1, new Rng(0)), data, { ...cfg, epochs: 4, augment: false, specAugment: false, lr: 1e-2 }, { outDir: dir });
    expect(r.history[3].valAccuracy).toBeGreaterThan(0.9);
    expect(r.history[3].trainLoss).toBeLessThan(r.history[0].trainLoss);
  });

  it('a cosine schedule anneals lr from --lr to 0 over the run, and resumes on the same curve', async () => {
    const cos = { ...cfg, lrSchedule: 'cosine' as const };
    expect(scheduledLr(cfg, 2, 3, 4)).toBe(cfg.lr);
    expect(scheduledLr(cos, 1, 0, 4)).toBe(cfg.lr);
    expect(scheduledLr(cos, 2, 0, 4)).toBeCloseTo(cfg.lr / 2, 15);
    const curve = [0, 1, 2, 3].map((s) => scheduledLr(cos, 2, s, 4));
    curve.forEach((lr, i) => expect(lr).toBeLessThan(i === 0 ? cfg.lr : curve[i - 1]));
    const dirA = mkdtempSync(join(tmpdir(), 'kws-train-'));
    const a = await trainModel(new CRNN(STUDENT_EXP1, new Rng(0)), data, cos, { outDir: dirA });
    // 64 clips, batch 16: 4 steps an epoch; the record holds the last step's rate.
    expect(a.history.map((r) => r.lr)).toEqual([scheduledLr(cos, 1, 3, 4), scheduledLr(cos, 2, 3, 4)]);
    const dirB = mkdtempSync(join(tmpdir(), 'kws-train-'));
    let steps = 0;
    // Stopped one step into epoch 2 (the curve is over the 2 epochs asked for), then resumed.
    await trainModel(new CRNN(STUDENT_EXP1, new Rng(0)), data, cos, { outDir: dirB, hooks: { onStep: () => steps++, shouldStop: () => steps >= 5 } });
    const b = await trainModel(new CRNN(STUDENT_EXP1, new Rng(5)), data, cos, { outDir: dirB, resume: true });
    expect(b.history[0].valLoss).toBe(a.history[1].valLoss);
  });
});
