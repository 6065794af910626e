import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRNN, loadModel, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { toyData } from './test-utils/toy-data.js';
import { COURSE_DEFAULTS, trainModel } from './trainer.js';

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
});
