import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { CRNN } from '../model/crnn.js';
import { STUDENT_EXP1 } from '../model/config.js';
import { streamClips } from './calibrate.js';
import { glueClips, mineHardNegatives, peaks, windowEndingAt } from './hard-negatives.js';

const out = (ps: number[]): { time: number; p: number }[] => ps.map((p, i) => ({ time: 1 + 0.08 * i, p }));

describe('peaks', () => {
  it('keeps the highest step of each run above the floor, highest first', () => {
    //            run 1 (max 0.9)   gap   run 2 (max 0.7)
    const steps = out([0.2, 0.6, 0.9, 0.8, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.55, 0.7, 0.3]);
    const got = peaks(steps, { floor: 0.5, spacingSec: 0.5 });
    expect(got.map((o) => o.p)).toEqual([0.9, 0.7]);
    expect(got[0].time).toBeCloseTo(1.16, 10);
  });

  it('drops a lower peak closer than spacingSec to a higher one, and stops at count', () => {
    const steps = out([0.9, 0.1, 0.8, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.6, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.7]);
    expect(peaks(steps, { floor: 0.5, spacingSec: 1 }).map((o) => o.p)).toEqual([0.9, 0.7, 0.6]);
    expect(peaks(steps, { floor: 0.5, spacingSec: 0.1 }).map((o) => o.p)).toEqual([0.9, 0.8, 0.7, 0.6]);
    expect(peaks(steps, { floor: 0.5, spacingSec: 1, count: 2 }).map((o) => o.p)).toEqual([0.9, 0.7]);
    expect(peaks(steps, { floor: 0.95 })).toEqual([]);
  });
});

describe('windows of a track', () => {
  const clips = [0, 1, 2].map((k) => Float32Array.from({ length: 16000 }, (_, i) => k + i / 16000));
  const track = glueClips(clips);

  it('glues clips back to back, padding short ones and cutting long ones', () => {
    expect(track.length).toBe(48000);
    expect(track[16000]).toBe(clips[1][0]);
    const g = glueClips([new Float32Array(10).fill(1), new Float32Array(20000).fill(2)]);
    expect([g[9], g[10], g[16000], g[31999], g.length]).toEqual([1, 0, 2, 2, 32000]);
  });

  it('the window ending at k seconds is clip k - 1; before the start it is zero-padded', () => {
    expect(windowEndingAt(track, 2)).toEqual(clips[1]);
    expect(windowEndingAt(track, 3)).toEqual(clips[2]);
    const early = windowEndingAt(track, 0.5);
    expect(early.subarray(0, 8000).every((v) => v === 0)).toBe(true);
    expect(early.subarray(8000)).toEqual(clips[0].subarray(0, 8000));
  });
});

describe('mineHardNegatives', () => {
  it('returns the windows of the stream whose p is highest, each as the 1 s of audio before its time', () => {
    const rng = new Rng(3);
    const model = new CRNN(STUDENT_EXP1, rng).eval();
    const noise = Array.from({ length: 6 }, () => Float32Array.from({ length: 16000 }, () => rng.normal(0, 0.1)));
    const track = glueClips(noise);
    const all = streamClips(model, { mode: 'reset' }, [track]);
    const median = [...all.map((o) => o.p)].sort((a, b) => a - b)[all.length >> 1];
    const mined = mineHardNegatives(model, track, { mode: 'reset', floor: median, spacingSec: 0.5, count: 3 });
    expect(mined).toHaveLength(3);
    const top = Math.max(...all.map((o) => o.p));
    expect(mined[0].p).toBe(top);
    expect(mined[0].p).toBeGreaterThanOrEqual(mined[1].p);
    for (const m of mined) {
      expect(all.some((o) => o.time === m.time && o.p === m.p)).toBe(true);
      expect(m.wave).toEqual(windowEndingAt(track, m.time));
    }
  });
});
