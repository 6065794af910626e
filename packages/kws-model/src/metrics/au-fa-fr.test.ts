/**
 * au_fa_fr against a direct port of the course's O(N²) loop with numpy's trapz summation, and
 * against values computed by numpy itself on the same generated data (bit-exact).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '@kws/tensor';
import { accuracyAt, auFaFr, faFrAt } from './au-fa-fr.js';

/** numpy's pairwise_sum, written independently (recursion on copies) for the reference. */
function numpySum(a: number[]): number {
  if (a.length < 8) return a.reduce((s, v) => s + v, 0);
  if (a.length <= 128) {
    const whole = a.length - (a.length % 8);
    const r = a.slice(0, 8);
    for (let i = 8; i < whole; i++) r[i % 8] += a[i];
    return a.slice(whole).reduce((s, v) => s + v, r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7])));
  }
  const half = Math.floor(a.length / 2);
  const n2 = half - (half % 8);
  return numpySum(a.slice(0, n2)) + numpySum(a.slice(n2));
}

/** A direct port of the course's O(N²) loop and `-np.trapz(FRs, x=FAs)`. */
function courseAuFaFr(probs: ArrayLike<number>, labels: ArrayLike<number>, sum = numpySum): number {
  const p = Array.from(probs);
  const n = p.length;
  const thresholds = [0, ...p.slice().sort((a, b) => a - b), 1];
  const fas: number[] = [];
  const frs: number[] = [];
  for (const t of thresholds) {
    let fa = 0;
    let fr = 0;
    for (let i = 0; i < n; i++) {
      const pred = p[i] >= t ? 1 : 0;
      if (labels[i] === 0) fa += pred; // FA = sum(preds[labels == 0])
      if (pred === 0) fr += labels[i]; // FR = sum(labels[preds == 0])
    }
    fas.push(fa / n);
    frs.push(fr / n);
  }
  const terms = fas.slice(1).map((x, k) => ((x - fas[k]) * (frs[k + 1] + frs[k])) / 2);
  return 0 - sum(terms); // -trapz, with numpy's -0.0 read as +0
}

const sequentialSum = (a: number[]): number => a.reduce((s, v) => s + v, 0);

/** The fixture generator also run under numpy: an LCG, probabilities k/levels as float32. */
function lcgData(seed: number, n: number, levels: number): { probs: Float32Array; labels: Int32Array } {
  let s = seed;
  const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff);
  const probs = new Float32Array(n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = (next() >> 8) % (levels + 1);
    probs[i] = k / levels;
    labels[i] = (next() >> 8) % levels < k ? 1 : 0;
  }
  return { probs, labels };
}

function randomTied(rng: Rng, n: number): { probs: Float32Array; labels: Int32Array } {
  const labels = Int32Array.from({ length: n }, () => (rng.uniform() < 0.3 ? 1 : 0));
  // overlapping classes, probabilities rounded to 2 decimals: many ties, some across classes
  const probs = Float32Array.from(labels, (y) => Math.round(Math.min(1, Math.max(0, rng.normal(y ? 0.6 : 0.4, 0.2))) * 100) / 100);
  return { probs, labels };
}

describe('auFaFr', () => {
  it('matches a hand-computed example', () => {
    // thresholds 0, .1, .35, .4, .8, 1 → (FA, FR) = (.5,0) (.5,0) (.25,0) (.25,.25) (0,.25) (0,.5)
    // area: one segment from FA .25 to 0 with FR .25 → 0.0625
    expect(auFaFr([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.0625);
  });

  it('equals numpy on the course loop, bit for bit (values computed with numpy 2.4 np.trapezoid)', () => {
    const fixtures: [number, number, number, number][] = [
      [1, 1000, 100, 0.044733],
      [2, 5000, 100, 0.04183152], // sequential summation gives 0.041831520000000004
      [3, 37, 100, 0.0310445580715851], // sequential: 0.031044558071585106
      [4, 3, 100, 0.1111111111111111],
      [5, 3000, 1 << 20, 0.043161722222222226], // sequential: 0.04316172222222218
      [6, 200, 10, 0.0304125],
    ];
    for (const [seed, n, levels, expected] of fixtures) {
      const { probs, labels } = lcgData(seed, n, levels);
      expect(auFaFr(probs, labels)).toBe(expected);
    }
  });

  it('equals the O(N²) loop exactly on random data with many ties', () => {
    const rng = new Rng(11);
    for (const n of [2, 7, 8, 9, 50, 129, 300, 1000, 2001]) {
      const { probs, labels } = randomTied(rng, n);
      const got = auFaFr(probs, labels);
      expect(got).toBe(courseAuFaFr(probs, labels));
      expect(got).toBeCloseTo(courseAuFaFr(probs, labels, sequentialSum), 14);
      if (n >= 50) expect(got).toBeGreaterThan(0); // overlapping classes: a real area
    }
  });

  it('gives zero-width segments for tied thresholds, across classes too', () => {
    const probs = [0.5, 0.5, 0.5, 0.5, 0.2, 0.9];
    const labels = [0, 1, 0, 1, 0, 1];
    expect(auFaFr(probs, labels)).toBe(courseAuFaFr(probs, labels));
    // all equal: the curve jumps from (FA, FR) = (1/2, 0) straight to (0, 1/2) → triangle 1/8
    expect(auFaFr([0.3, 0.3, 0.3, 0.3], [0, 1, 0, 1])).toBe(0.125);
  });

  it('is 0 under perfect separation, whatever the margin', () => {
    expect(auFaFr([0.1, 0.2, 0.3, 0.7, 0.8], [0, 0, 0, 1, 1])).toBe(0);
    expect(auFaFr([0.49, 0.5], [0, 1])).toBe(0);
  });

  it('handles a single class and a single clip', () => {
    expect(auFaFr([0.2, 0.9, 0.5], [0, 0, 0])).toBe(0); // FR is always 0
    expect(auFaFr([0.2, 0.9, 0.5], [1, 1, 1])).toBe(0); // FA is always 0
    expect(auFaFr([0.7], [1])).toBe(0);
    expect(auFaFr([0.7], [0])).toBe(0);
    for (const [p, y] of [[0.7, 1], [0.7, 0], [0, 1], [1, 0]]) expect(auFaFr([p], [y])).toBe(courseAuFaFr([p], [y]));
  });

  it('follows the loop at the 0 and 1 end thresholds and outside [0, 1]', () => {
    const probs = [0, 1, 1, 0, 0.5, -0.25, 1.5];
    const labels = [1, 0, 1, 0, 1, 0, 0];
    expect(auFaFr(probs, labels)).toBe(courseAuFaFr(probs, labels));
    expect(auFaFr(probs, labels)).toBeGreaterThan(0);
  });

  it('does not depend on the order of the clips', () => {
    const { probs, labels } = randomTied(new Rng(3), 500);
    const order = new Rng(4).shuffle(Array.from({ length: 500 }, (_, i) => i));
    expect(auFaFr(order.map((i) => probs[i]), order.map((i) => labels[i]))).toBe(auFaFr(probs, labels));
  });

  it('refuses bad input', () => {
    expect(() => auFaFr([], [])).toThrow(/no clips/);
    expect(() => auFaFr([0.5, 0.2], [1])).toThrow(/2 probabilities but 1 labels/);
    expect(() => auFaFr([NaN], [1])).toThrow(/NaN/);
    expect(() => auFaFr([0.5], [2])).toThrow(/label 0 is 2/);
  });
});

describe('faFrAt / accuracyAt', () => {
  const probs = [0.1, 0.4, 0.35, 0.8];
  const labels = [0, 0, 1, 1];

  it('counts false acceptances and rejections over all N clips (p >= t is positive)', () => {
    expect(faFrAt(probs, labels, 0.3)).toEqual({ fa: 0.25, fr: 0 });
    expect(faFrAt(probs, labels, 0.4)).toEqual({ fa: 0.25, fr: 0.25 }); // 0.4 itself is accepted
    expect(faFrAt(probs, labels, 0)).toEqual({ fa: 0.5, fr: 0 });
    expect(faFrAt(probs, labels, 1)).toEqual({ fa: 0, fr: 0.5 });
  });

  it('accuracy is the fraction of clips the threshold gets right', () => {
    expect(accuracyAt(probs, labels)).toBe(0.75);
    expect(accuracyAt(probs, labels, 0.3)).toBe(0.75);
    expect(accuracyAt(probs, labels, 0.36)).toBe(0.5);
    expect(accuracyAt([0.6, 0.2, 0.7], [1, 0, 1])).toBe(1);
    expect(() => accuracyAt([0.5], [])).toThrow(/accuracyAt/);
  });
});
