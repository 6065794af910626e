import { describe, expect, it } from 'vitest';
import type { StreamOutput } from '../stream/streaming.js';
import { frAtFaRate, thresholdGrid, wakeWordCurve } from './wake-word.js';

/** Steps every 0.08 s from 1.0 s; p given as (time → p) bumps at the nearest step, on a floor. */
function track(seconds: number, bumps: [number, number][], floor = 0.01): StreamOutput[] {
  const p = new Map(bumps.map(([at, v]) => [Math.round((at - 1) / 0.08), v]));
  return Array.from({ length: Math.floor((seconds - 1) / 0.08) + 1 }, (_, i) => ({ time: 1 + 0.08 * i, p: p.get(i) ?? floor }));
}

describe('wake-word curve', () => {
  // Negative track: 1800 s = 0.5 h with bumps of p 0.6, 0.7 and 0.95 (the 0.7 one wobbles: two steps 0.1 s apart).
  const negative = track(1800, [[100, 0.6], [500, 0.7], [500.08, 0.2], [500.16, 0.7], [900, 0.95]]);
  // Keyword track: clips at [2, 3], [6, 7], [10, 11]; events at 2.6 (in), 7.4 (tolerance), 11.6 (late), 4.0 (stray).
  const keyword = track(14, [[2.6, 0.99], [7.4, 0.8], [11.6, 0.9], [4.0, 0.75]]);
  const tracks = { negative, hours: 0.5, keyword, spans: [[2, 3], [6, 7], [10, 11]] as [number, number][] };

  it('counts debounced false accepts per hour and keyword clips hit within span + tolerance', () => {
    const [low, mid, high] = wakeWordCurve(tracks, [0.5, 0.72, 0.96]);
    expect(low).toEqual({ threshold: 0.5, falseAccepts: 3, faPerHour: 6, misses: 1, frr: 1 / 3, stray: 2 });
    expect(mid).toEqual({ threshold: 0.72, falseAccepts: 1, faPerHour: 2, misses: 1, frr: 1 / 3, stray: 2 });
    expect(high).toEqual({ threshold: 0.96, falseAccepts: 0, faPerHour: 0, misses: 2, frr: 2 / 3, stray: 0 });
    // Without the refractory time the wobble at 500 s fires twice.
    expect(wakeWordCurve(tracks, [0.5], { refractorySec: 0 })[0].falseAccepts).toBe(4);
    // A tolerance of 0.7 s takes in the event at 11.6 s; 0.3 s loses the one at 7.4 s.
    expect(wakeWordCurve(tracks, [0.5], { tolerance: 0.7 })[0].misses).toBe(0);
    expect(wakeWordCurve(tracks, [0.5], { tolerance: 0.3 })[0].misses).toBe(2);
  });

  it('FR at N false accepts per hour: the best point at or under N', () => {
    const curve = wakeWordCurve(tracks, [0.5, 0.72, 0.8, 0.96]);
    expect(frAtFaRate(curve, 6)?.threshold).toBe(0.5);
    expect(frAtFaRate(curve, 5)?.threshold).toBe(0.72); // 0.72 and 0.8 tie on FR (1/3): the lower threshold
    expect(frAtFaRate(curve, 0)?.frr).toBe(2 / 3);
    expect(frAtFaRate(curve.slice(0, 1), 1)).toBeUndefined();
  });

  it('the grid runs from 0.0025 to 0.999994, increasing; bad tracks are rejected', () => {
    const g = thresholdGrid();
    expect(g[0]).toBeCloseTo(0.002473, 6);
    expect(g.at(-1)).toBeCloseTo(0.999994, 6);
    expect(g.every((v, i) => i === 0 || v > g[i - 1])).toBe(true);
    expect(() => wakeWordCurve({ ...tracks, hours: 0 }, [0.5])).toThrow(/positive length/);
    expect(() => wakeWordCurve({ ...tracks, spans: [] }, [0.5])).toThrow(/no keyword clip/);
    expect(() => wakeWordCurve({ ...tracks, spans: [[2, 3], [3.2, 4]] }, [0.5])).toThrow(/more than the tolerance/);
  });
});
