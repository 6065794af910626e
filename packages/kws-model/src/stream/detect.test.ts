import { describe, expect, it } from 'vitest';
import { detectEvents, EventDetector } from './detect.js';
import type { StreamOutput } from './streaming.js';

/** Steps 80 ms apart from 1.00 s with the given probabilities. */
const steps = (ps: number[]): StreamOutput[] => ps.map((p, i) => ({ time: 1 + 0.08 * i, p }));

describe('detectEvents', () => {
  it('fires once per rising crossing of the threshold, with its time and p', () => {
    const ev = detectEvents(steps([0.1, 0.2, 0.9, 0.95, 0.4, 0.1, ...Array<number>(20).fill(0.1), 0.8, 0.1]));
    expect(ev).toHaveLength(2);
    expect(ev[0].time).toBeCloseTo(1.16, 10);
    expect(ev[0].p).toBe(0.9);
    expect(ev[1].time).toBeCloseTo(1 + 0.08 * 26, 10);
  });

  it('the first step counts as rising; p exactly at the threshold fires', () => {
    expect(detectEvents(steps([0.7, 0.7]), { threshold: 0.7 })).toEqual([{ time: 1, p: 0.7 }]);
  });

  it('a refractory time suppresses re-triggers of one utterance', () => {
    const wobble = steps([0.9, 0.3, 0.9, 0.3, 0.9]);
    expect(detectEvents(wobble, { refractorySec: 1 })).toHaveLength(1);
    expect(detectEvents(wobble, { refractorySec: 0 })).toHaveLength(3);
    expect(detectEvents(wobble, { refractorySec: 0.2 }).map((e) => e.time)).toEqual([1, 1.32]); // 1.16 is within 0.2 s of 1.00
  });

  it('moving-average smoothing removes a one-step spike and delays a sustained rise', () => {
    const spike = steps([0.1, 0.1, 0.95, 0.1, 0.1]);
    expect(detectEvents(spike)).toHaveLength(1);
    expect(detectEvents(spike, { smoothSteps: 3 })).toHaveLength(0);
    const rise = detectEvents(steps([0.1, 0.1, 0.1, 0.9, 0.9, 0.9]), { smoothSteps: 3 });
    expect(rise).toHaveLength(1);
    expect(rise[0].time).toBeCloseTo(1.32, 10); // (0.1 + 0.9 + 0.9) / 3 = 0.63 at the 5th step
    expect(rise[0].p).toBeCloseTo(1.9 / 3, 10);
  });

  it('the online detector gives the same events step by step, and rejects bad options', () => {
    const s = steps([0.2, 0.6, 0.7, 0.1, 0.1, 0.9]);
    const det = new EventDetector({ smoothSteps: 2, refractorySec: 0 });
    const online = s.map((x) => det.push(x)).filter((e) => e !== null);
    expect(online).toEqual(detectEvents(s, { smoothSteps: 2, refractorySec: 0 }));
    expect(det.smoothed).toBeCloseTo(0.5, 10);
    expect(() => new EventDetector({ smoothSteps: 0 })).toThrow(/smoothSteps/);
    expect(() => new EventDetector({ refractorySec: -1 })).toThrow(/refractorySec/);
  });
});
