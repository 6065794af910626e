/**
 * A run folder across faults: a kill between two files of an epoch's save, a torn history line,
 * Ctrl-C inside an epoch. Each case resumes and is compared with an uninterrupted run.
 */
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRNN, loadModel, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { readHistoryFile } from './history.js';
import { toyData } from './test-utils/toy-data.js';
import { COURSE_DEFAULTS, trainModel, type EpochRecord } from './trainer.js';

const data = toyData(16, 8);
const cfg = { ...COURSE_DEFAULTS, epochs: 2, batchSize: 8, lr: 3e-3 };
const tmp = (): string => mkdtempSync(join(tmpdir(), 'kws-resume-'));
const fresh = (): CRNN => new CRNN(STUDENT_EXP1, new Rng(0));
/** A history row without its wall-clock fields. */
const timeless = ({ seconds: _s, samplesPerSec: _r, ...rest }: EpochRecord): Omit<EpochRecord, 'seconds' | 'samplesPerSec'> => rest;
const weights = (path: string): number[][] => loadModel(path).model.parameters().map((p) => p.toArray());

describe('resuming a run folder', () => {
  it('refuses when last.safetensors and last.optim.safetensors come from different epochs', async () => {
    const two = tmp();
    await trainModel(fresh(), data, cfg, { outDir: two });
    const one = tmp();
    await trainModel(fresh(), data, { ...cfg, epochs: 1 }, { outDir: one });
    // A kill between the renames of epoch 2's save: the model is at epoch 2, the optimiser at 1.
    copyFileSync(join(two, 'last.safetensors'), join(one, 'last.safetensors'));
    await expect(trainModel(fresh(), data, cfg, { outDir: one, resume: true })).rejects.toThrow(/last\.safetensors.*(does not match|epoch)/);
  });

  it('tolerates a torn last line of history.jsonl', async () => {
    const dir = tmp();
    await trainModel(fresh(), data, { ...cfg, epochs: 1 }, { outDir: dir });
    appendFileSync(join(dir, 'history.jsonl'), '{"epoch":2,"trainLo');
    expect(readHistoryFile(join(dir, 'history.jsonl')).map((r) => r.epoch)).toEqual([1]);
  });

  it('Ctrl-C inside an epoch, then resume, equals the uninterrupted run', async () => {
    const whole = tmp();
    const a = await trainModel(fresh(), data, cfg, { outDir: whole });
    const dir = tmp();
    let steps = 0;
    // Stop after the first step of epoch 2 (two steps an epoch).
    const stopped = await trainModel(fresh(), data, cfg, { outDir: dir, hooks: { onStep: () => steps++, shouldStop: () => steps === 3 } });
    expect(stopped.stopped).toBe(true);
    const b = await trainModel(fresh(), data, cfg, { outDir: dir, resume: true });
    expect(b.history.map((r) => r.epoch)).toEqual([2]);
    expect(weights(join(dir, 'last.safetensors'))).toEqual(weights(join(whole, 'last.safetensors')));
    expect(readHistoryFile(join(dir, 'history.jsonl')).map(timeless)).toEqual(a.history.map(timeless));
    expect(readFileSync(join(dir, 'last.optim.safetensors')).length).toBe(readFileSync(join(whole, 'last.optim.safetensors')).length);
  });
});
