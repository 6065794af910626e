import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { auFaFr } from './au-fa-fr.js';
import { auFaFrInterval, clipStats, frAtFa, meanAuFaFrInterval, quantileSorted } from './clip-stats.js';

/** A noisy classifier: positives score higher on average, with overlap. */
function scores(n: number, nPos: number, seed: number): { p: Float64Array; y: Int32Array } {
  const rng = new Rng(seed);
  const p = new Float64Array(n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i < nPos ? 1 : 0;
    p[i] = 1 / (1 + Math.exp(-(rng.normal(0, 1) + (y[i] === 1 ? 2.5 : -1))));
  }
  return { p, y };
}

describe('frAtFa', () => {
  it('accepts at most floor(alpha * negatives) negatives and counts FR over the positives', () => {
    // negatives 0.9, 0.7, 0.5, 0.3, 0.1 (5); positives 0.95, 0.8, 0.6, 0.2 (4)
    const p = [0.9, 0.7, 0.5, 0.3, 0.1, 0.95, 0.8, 0.6, 0.2];
    const y = [0, 0, 0, 0, 0, 1, 1, 1, 1];
    expect(frAtFa(p, y, 0)).toEqual({ faTarget: 0, fr: 0.75, fa: 0, threshold: 0.9 }); // only 0.95 beats 0.9
    expect(frAtFa(p, y, 0.2)).toEqual({ faTarget: 0.2, fr: 0.5, fa: 0.2, threshold: 0.7 }); // k = 1
    expect(frAtFa(p, y, 0.4)).toEqual({ faTarget: 0.4, fr: 0.25, fa: 0.4, threshold: 0.5 }); // k = 2
    expect(frAtFa(p, y, 1).fr).toBe(0);
    expect(frAtFa(p, y, 1).threshold).toBe(-Infinity);
  });

  it('rejects every clip tied with the threshold so FA never exceeds the target', () => {
    const r = frAtFa([0.5, 0.5, 0.5, 0.5], [0, 0, 1, 1], 0.5);
    expect(r.fa).toBe(0);
    expect(r.fr).toBe(1);
  });

  it('matches a brute-force search for the lowest FR with FA <= alpha', () => {
    const { p, y } = scores(300, 30, 3);
    for (const a of [0.005, 0.01, 0.05]) {
      let best = Infinity;
      const nNeg = 270;
      for (const t of [-Infinity, ...p]) {
        let fa = 0;
        let fr = 0;
        for (let i = 0; i < p.length; i++) {
          if (y[i] === 0 && p[i] > t) fa++;
          if (y[i] === 1 && p[i] <= t) fr++;
        }
        if (fa <= Math.floor(a * nNeg)) best = Math.min(best, fr / 30);
      }
      expect(frAtFa(p, y, a).fr).toBe(best);
    }
  });
});

describe('auFaFrInterval', () => {
  it('brackets the point estimate, is reproducible from its seed, and narrows with more clips', () => {
    const small = scores(200, 20, 1);
    const ci = auFaFrInterval(small.p, small.y, { seed: 7 });
    const point = auFaFr(small.p, small.y);
    expect(ci.lo).toBeLessThanOrEqual(point);
    expect(ci.hi).toBeGreaterThanOrEqual(point);
    expect(ci.hi).toBeGreaterThan(ci.lo);
    expect(auFaFrInterval(small.p, small.y, { seed: 7 })).toEqual(ci);
    expect(auFaFrInterval(small.p, small.y, { seed: 8 })).not.toEqual(ci);
    const big = scores(1600, 160, 1);
    const wide = auFaFrInterval(big.p, big.y, { seed: 7, resamples: 100 });
    expect(wide.hi - wide.lo).toBeLessThan((ci.hi - ci.lo) / 1.5);
  });

  it('of a mean over models: one model is the plain interval; two copies of one model give the same', () => {
    const { p, y } = scores(120, 12, 4);
    const one = auFaFrInterval(p, y, { seed: 3, resamples: 200 });
    expect(meanAuFaFrInterval([p], y, { seed: 3, resamples: 200 })).toEqual(one);
    const two = meanAuFaFrInterval([p, p], y, { seed: 3, resamples: 200 });
    expect(two.lo).toBeCloseTo(one.lo, 15);
    expect(two.hi).toBeCloseTo(one.hi, 15);
  });

  it('is a zero-width interval at 0 for a perfect separator', () => {
    expect(auFaFrInterval([0.1, 0.2, 0.9, 0.8], [0, 0, 1, 1], { resamples: 50 })).toEqual({ lo: 0, hi: 0 });
  });

  it('clipStats bundles the point, the interval and FR at 0.5% and 1%', () => {
    const { p, y } = scores(400, 40, 2);
    const s = clipStats(p, y, { resamples: 100 });
    expect(s.auFaFr).toBe(auFaFr(p, y));
    expect(s.frAtFa.map((r) => r.faTarget)).toEqual([0.005, 0.01]);
    expect(s.frAtFa[0].fr).toBeGreaterThanOrEqual(s.frAtFa[1].fr);
  });
});

describe('quantileSorted', () => {
  it("interpolates like numpy's default", () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
    expect(quantileSorted([5], 0.975)).toBe(5);
  });
});
