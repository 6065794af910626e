/**
 * Balanced sampler tests: class balance on imbalanced labels, uniformity inside a class,
 * range, reproducibility and input validation.
 */
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { balancedSample } from './sampler.js';

describe('balancedSample', () => {
  const labels = Int8Array.from({ length: 1000 }, (_, i) => (i % 20 === 7 ? 1 : 0)); // 5% positives

  it('draws both classes about 50/50 from a 95/5 label set', () => {
    const idx = balancedSample(labels, 100_000, new Rng(1));
    expect(idx.length).toBe(100_000);
    let pos = 0;
    for (const i of idx) pos += labels[i];
    expect(Math.abs(pos / idx.length - 0.5)).toBeLessThan(0.01);
  });

  it('draws clips of one class uniformly and stays in range', () => {
    const idx = balancedSample(labels, 100_000, new Rng(2));
    const hits = new Int32Array(labels.length);
    for (const i of idx) hits[i]++;
    expect(Math.min(...idx)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...idx)).toBeLessThan(labels.length);
    // 50 positives share ~50,000 draws (~1000 each); 950 negatives share the rest (~52.6 each).
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] === 1) expect(Math.abs(hits[i] - 1000)).toBeLessThan(150);
    }
    const negMax = Math.max(...Array.from(hits).filter((_, i) => labels[i] === 0));
    expect(negMax).toBeLessThan(100);
  });

  it('balances three classes of any label values', () => {
    const three = [...Array<number>(600).fill(-3), ...Array<number>(300).fill(2), ...Array<number>(100).fill(9)];
    const idx = balancedSample(three, 60_000, new Rng(3));
    const counts = new Map<number, number>();
    for (const i of idx) counts.set(three[i], (counts.get(three[i]) ?? 0) + 1);
    for (const y of [-3, 2, 9]) expect(Math.abs((counts.get(y) ?? 0) / 60_000 - 1 / 3)).toBeLessThan(0.01);
  });

  it('is reproducible from the seed and differs between seeds', () => {
    const a = balancedSample(labels, 500, new Rng(7));
    expect(Array.from(balancedSample(labels, 500, new Rng(7)))).toEqual(Array.from(a));
    expect(Array.from(balancedSample(labels, 500, new Rng(8)))).not.toEqual(Array.from(a));
  });

  it('validates its input', () => {
    expect(balancedSample([], 0, new Rng(0)).length).toBe(0);
    expect(() => balancedSample([], 3, new Rng(0))).toThrow(/no labels/);
    expect(() => balancedSample([0, 1], -1, new Rng(0))).toThrow(/count must be/);
    expect(() => balancedSample([0, NaN], 2, new Rng(0))).toThrow(/label 1 is not a finite number/);
  });
});
