import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRNN, glueClips, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { minedWindows, mineRound, miningTrack, withNegatives } from './mining.js';
import { toyData } from './test-utils/toy-data.js';

const { train } = toyData(24, 4);
const model = new CRNN(STUDENT_EXP1, new Rng(5)).eval();
const cfg = { rounds: 1, epochsPerRound: 1, windows: 4, floor: 0 };

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
