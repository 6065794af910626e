import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRNN, loadModel, operatingPointOf, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { shipOperatingPoint } from './operating-point.js';
import { readManifest, recoverRun } from './run-commit.js';
import { toyData } from './test-utils/toy-data.js';
import { COURSE_DEFAULTS, trainModel } from './trainer.js';

const data = toyData(16, 12);
const cfg = { ...COURSE_DEFAULTS, epochs: 1, batchSize: 8, lr: 3e-3 };

describe('shipOperatingPoint', () => {
  it('stores the chosen rule in best.safetensors as one more commit, weights unchanged, and the run still resumes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kws-op-'));
    await trainModel(new CRNN(STUDENT_EXP1, new Rng(0)), data, cfg, { outDir: dir });
    const before = loadModel(join(dir, 'best.safetensors'));
    expect(operatingPointOf(before.info.metadata, 'best')).toBeUndefined();
    const op = shipOperatingPoint(dir, data.val, { targetFaPerHour: 0.5, data: 'toy val' });
    const after = loadModel(join(dir, 'best.safetensors'));
    expect(operatingPointOf(after.info.metadata, 'best')).toEqual(op);
    expect(op).toMatchObject({ targetFaPerHour: 0.5, data: 'toy val', keywordClips: 3, mode: 'staggered', states: 4 });
    expect(after.model.parameters().map((p) => p.toArray())).toEqual(before.model.parameters().map((p) => p.toArray()));
    expect([after.info.epoch, after.info.metrics]).toEqual([before.info.epoch, before.info.metrics]);
    // The new commit names the new best and the last epoch's other files, so recovery checks them all.
    const m = readManifest(dir);
    expect(m?.epoch).toBe(1);
    expect(Object.keys(m?.files ?? {})).toEqual(expect.arrayContaining(['best.safetensors', 'history.jsonl', 'last.optim.safetensors', 'last.safetensors']));
    expect(() => recoverRun(dir)).not.toThrow();
    const more = await trainModel(new CRNN(STUDENT_EXP1, new Rng(0)), data, { ...cfg, epochs: 2 }, { outDir: dir, resume: true });
    expect(more.history.map((r) => r.epoch)).toEqual([2]);
    expect(readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });
});
