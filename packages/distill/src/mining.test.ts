import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRNN, glueClips, loadModel, loadSafetensors, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { activeSpan, keywordsInContext, minedWindows, mineRound, miningTrack, restartFromAverage, withNegatives, withPositives } from './mining.js';
import { recoverRun } from './run-commit.js';
import { toyData } from './test-utils/toy-data.js';
import { COURSE_DEFAULTS, trainModel } from './trainer.js';

const { train } = toyData(24, 4);
const model = new CRNN(STUDENT_EXP1, new Rng(5)).eval();
const cfg = { rounds: 1, epochsPerRound: 1, windows: 4, floor: 0, context: false };

describe('hard-negative mining rounds', () => {
  it("glues only the other-word clips, in a seeded order that changes with the round", () => {
    const others = train.clips.filter((_, i) => train.labels[i] === 0);
    const a = miningTrack(train, 0, 1);
    expect(a.length).toBe(16000 * others.length);
    expect(miningTrack(train, 0, 1)).toEqual(a);
    expect(miningTrack(train, 0, 2)).not.toEqual(a);
    // Every clip of the track is one of the other-word clips.
    for (let k = 0; k < others.length; k++) expect(others.some((c) => glueClips([c]).every((v, i) => v === a[16000 * k + i]))).toBe(true);
  });

  it('records a round, and rebuilds exactly its windows from the record without the model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kws-mine-'));
    const { record, windows } = mineRound(dir, model, train, 3, 1, { ...cfg, floor: 0.01 });
    expect(windows.length).toBe(record.times.length);
    expect(windows.length).toBeGreaterThan(0);
    expect(record.p).toEqual([...record.p].sort((x, y) => y - x));
    expect(minedWindows(dir, train, 3, 1)).toEqual(windows);
    expect(minedWindows(dir, train, 3, 2)).toBeUndefined();
    expect(() => minedWindows(dir, train, 4, 1)).toThrow(/not the record of round 1 of a run with seed 4/);
    writeFileSync(join(dir, 'mined-1.json'), '{"round":1');
    expect(() => minedWindows(dir, train, 3, 1)).toThrow(/mined-1\.json: not valid JSON/);
  });

  it('withNegatives appends the windows as label 0 and leaves the clips it was given alone', () => {
    const extra = [new Float32Array(16000), new Float32Array(16000)];
    const more = withNegatives(train, extra);
    expect(more.clips.length).toBe(train.clips.length + 2);
    expect([...more.labels.subarray(0, train.labels.length)]).toEqual([...train.labels]);
    expect([...more.labels.subarray(train.labels.length)]).toEqual([0, 0]);
    expect(more.clips.at(-1)).toBe(extra[1]);
  });
});

describe('restartFromAverage', () => {
  it('makes the weight average the raw weights, zeroes the optimiser and the average count, in one commit; twice is once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kws-restart-'));
    await trainModel(new CRNN(STUDENT_EXP1, new Rng(0)), toyData(16, 8), { ...COURSE_DEFAULTS, epochs: 2, batchSize: 8, lr: 3e-3, ema: 0.99 }, { outDir: dir });
    const weights = (f: string): number[][] => loadModel(join(dir, f)).model.parameters().map((p) => p.toArray());
    expect(weights('last.safetensors')).not.toEqual(weights('average.safetensors'));
    const avg = weights('average.safetensors');
    const m = restartFromAverage(dir);
    expect(m.parameters().map((p) => p.toArray())).toEqual(avg);
    expect(weights('last.safetensors')).toEqual(avg);
    const { tensors, metadata } = loadSafetensors(join(dir, 'last.optim.safetensors'));
    expect([metadata.step, metadata.emaUpdates, metadata.epoch]).toEqual(['0', '0', '2']);
    for (const [k, t] of tensors) {
      if (k.startsWith('m.') || k.startsWith('v.')) expect(t.data.every((v) => v === 0)).toBe(true);
      else expect(Array.from(t.data)).toEqual(avg[Number(k.split('.')[1])].flat(3));
    }
    expect(recoverRun(dir).epoch).toBe(2);
    const files = ['last.safetensors', 'last.optim.safetensors', 'commit.json'].map((f) => readFileSync(join(dir, f)));
    restartFromAverage(dir);
    expect(['last.safetensors', 'last.optim.safetensors', 'commit.json'].map((f) => readFileSync(join(dir, f)))).toEqual(files);
  });
});

describe('keywords in context', () => {
  it('activeSpan finds the loud part of a clip', () => {
    const clip = new Float32Array(16000);
    for (let i = 4000; i < 9000; i++) clip[i] = 0.5 * Math.sin(i / 7);
    expect(activeSpan(clip)).toEqual([4000, 9120]);
    expect(activeSpan(new Float32Array(16000))).toEqual([15840, 16000]);
  });

  it('each keyword clip once, between two other words, cut so that its loud part stays whole', () => {
    // Keywords: a 0.3 s burst in 1 s of silence; the offsets then vary, the burst always inside.
    const short = { clips: train.clips.map((c, i) => (train.labels[i] === 1 ? Float32Array.from(c, (v, t) => (t >= 5000 && t < 9800 ? v + 0.3 * Math.sin(t / 3) : 0)) : c)), labels: train.labels };
    const got = keywordsInContext(short, 2, 1);
    const keyword = short.clips.filter((_, i) => short.labels[i] === 1);
    expect(got).toHaveLength(keyword.length);
    expect(keywordsInContext(short, 2, 1)).toEqual(got);
    const offsets = new Set<number>();
    got.forEach((w, j) => {
      expect(w.length).toBe(16000);
      const [a, b] = activeSpan(keyword[j]);
      // The loud part appears unchanged somewhere in the window.
      const part = keyword[j].subarray(a, b);
      const at = [...Array(16000 - part.length + 1).keys()].find((o) => part.every((v, i) => w[o + i] === v));
      expect(at).toBeDefined();
      offsets.add(at ?? -1);
    });
    expect(offsets.size).toBeGreaterThan(1);
    const more = withPositives(train, got);
    expect([...more.labels.subarray(train.labels.length)]).toEqual(got.map(() => 1));
  });
});
