import { describe, expect, it } from 'vitest';
import { chooseOperatingPoint, describeOperatingPoint, operatingPointOf, quietestBest } from './operating-point.js';
import type { WakeWordPoint, WakeWordTracks } from './wake-word.js';

/** Outputs every 0.08 s from t = 1 s (1 + 0.08 k, rounded to 0.01 s), all at p = base except `spikes` (time -> p). */
function track(seconds: number, spikes: Record<number, number>, base = 0.01): { time: number; p: number }[] {
  const out: { time: number; p: number }[] = [];
  for (let t = 1; t <= seconds; t = Math.round((t + 0.08) * 100) / 100) out.push({ time: t, p: spikes[t] ?? base });
  return out;
}

// One hour of negatives with two one-step false alarms at p 0.9 and 0.95; four keyword clips
// whose windows reach 0.99, 0.97, 0.92 and 0.6.
const tracks: WakeWordTracks = {
  negative: track(3600, { 101: 0.9, 2001: 0.95 }),
  hours: 1,
  keyword: track(20, { 3: 0.99, 7: 0.97, 11: 0.92, 15: 0.6 }),
  spans: [
    [2, 3],
    [6, 7],
    [10, 11],
    [14, 15],
  ],
};
const grid = [0.5, 0.8, 0.91, 0.93, 0.96, 0.98, 0.995];
const stream = { mode: 'staggered' as const, states: 4, data: 'a test track' };

describe('chooseOperatingPoint', () => {
  it('takes the lowest FR within the false-accept target', () => {
    // 0 FA/h needs θ > 0.95: 0.96 hits 2 of 4 (FR 50%); 1 FA/h allows θ 0.91 (FR 25%: the 0.92
    // clip is hit, the 0.9 false alarm is not); 2 FA/h allows 0.5, which hits all four.
    const zero = chooseOperatingPoint(tracks, stream, { targetFaPerHour: 0, thresholds: grid });
    expect([zero.threshold, zero.frr, zero.faPerHour]).toEqual([0.96, 0.5, 0]);
    const one = chooseOperatingPoint(tracks, stream, { targetFaPerHour: 1, thresholds: grid });
    expect([one.threshold, one.frr, one.faPerHour]).toEqual([0.91, 0.25, 1]);
    const two = chooseOperatingPoint(tracks, stream, { targetFaPerHour: 2, thresholds: grid });
    expect([two.threshold, two.frr, two.faPerHour]).toEqual([0.5, 0, 2]);
  });

  it('prefers the highest threshold among equal FR, and records the curve and its setting', () => {
    // θ 0.905 and 0.91 both miss only the 0.6 clip with 1 FA/h: the higher is kept.
    const ties = [0.5, 0.905, 0.91, 0.96];
    const op = chooseOperatingPoint(tracks, stream, { targetFaPerHour: 1, thresholds: ties });
    expect([op.threshold, op.frr]).toEqual([0.91, 0.25]);
    expect(op.curve).toEqual([
      [0.5, 2, 0],
      [0.905, 1, 0.25],
      [0.91, 1, 0.25],
      [0.96, 0, 0.5],
    ]);
    expect(op).toMatchObject({ smoothSteps: 1, refractorySec: 1, mode: 'staggered', states: 4, keywordClips: 4, negativeHours: 1, targetFaPerHour: 1 });
  });

  it('a moving average that smooths one-step false alarms away wins when it keeps the keywords', () => {
    // The false alarms last one step (averaged over 3 they stay below 0.33); the keyword windows
    // are held for three, so with m = 3 θ 0.5 is quiet and hits all four (m = 1: FR 50% at 0 FA/h).
    const held: WakeWordTracks = { ...tracks, keyword: track(20, { 2.84: 0.99, 2.92: 0.99, 3: 0.99, 6.84: 0.97, 6.92: 0.97, 7: 0.97, 10.84: 0.92, 10.92: 0.92, 11: 0.92, 14.84: 0.6, 14.92: 0.6, 15: 0.6 }) };
    const op = chooseOperatingPoint(held, stream, { targetFaPerHour: 0, smoothSteps: [1, 3], thresholds: grid });
    expect([op.smoothSteps, op.threshold, op.frr]).toEqual([3, 0.5, 0]);
  });

  it('falls back to the highest threshold when none is quiet enough', () => {
    const loud: WakeWordTracks = { ...tracks, negative: track(3600, { 51: 0.999, 901: 0.999 }) };
    const op = chooseOperatingPoint(loud, stream, { targetFaPerHour: 0.5, thresholds: grid });
    expect(op.threshold).toBe(0.995);
    expect(op.faPerHour).toBe(2);
  });

  it('quietestBest is undefined when nothing meets the target', () => {
    const curve: WakeWordPoint[] = [{ threshold: 0.5, falseAccepts: 3, faPerHour: 3, misses: 0, frr: 0, stray: 0 }];
    expect(quietestBest(curve, 1)).toBeUndefined();
  });
});

describe('operatingPointOf', () => {
  const op = chooseOperatingPoint(tracks, stream, { targetFaPerHour: 1, thresholds: grid });

  it('reads back what was stored, and says nothing for a checkpoint without one', () => {
    expect(operatingPointOf({ operatingPoint: JSON.stringify(op) }, 'x.safetensors')).toEqual(op);
    expect(operatingPointOf({}, 'x.safetensors')).toBeUndefined();
    expect(describeOperatingPoint(op)).toMatch(/^θ 0\.9100, moving average 1, chosen for 1 FA\/h on a test track \(1\.00 h of negatives: 1\.0 FA\/h, FR 25\.0% of 4 keyword clips\)$/);
  });

  it('refuses broken or out-of-range fields, naming the file and the field', () => {
    const bad = (o: object | string): (() => unknown) => () => operatingPointOf({ operatingPoint: typeof o === 'string' ? o : JSON.stringify(o) }, 'm.safetensors');
    expect(bad('{')).toThrow(/m\.safetensors: metadata 'operatingPoint' is not valid JSON/);
    expect(bad({ ...op, threshold: 1.5 })).toThrow(/'threshold'/);
    expect(bad({ ...op, threshold: 'high' })).toThrow(/'threshold'/);
    expect(bad({ ...op, smoothSteps: 1.5 })).toThrow(/non-integer/);
    expect(bad({ ...op, mode: 'sideways' })).toThrow(/'mode'/);
  });
});
