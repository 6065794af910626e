import { describe, expect, it } from 'vitest';
import { Rng } from '@kws/tensor';
import { LogMel, melFilterbank } from './logmel.js';
import { MelBank } from './melbank.js';

/** The per-filter sum over each triangle's non-zero run, in ascending k (the previous mel step). */
function perFilter(fb: Float32Array, power: Float64Array, bins: number, nMels: number): Float32Array {
  const out = new Float32Array(nMels);
  for (let m = 0; m < nMels; m++) {
    let acc = 0;
    for (let k = 0; k < bins; k++) if (fb[k * nMels + m] !== 0) acc += power[k] * fb[k * nMels + m];
    out[m] = acc;
  }
  return out;
}

describe('MelBank', () => {
  it.each([
    [400, 40, 16000],
    [512, 64, 16000],
    [400, 80, 8000],
  ])('equals the per-filter sum bit for bit (n_fft %i, %i mels, %i Hz)', (nFft, nMels, sampleRate) => {
    const bins = nFft / 2 + 1;
    const fb = melFilterbank({ nFft, nMels, sampleRate });
    const bank = new MelBank(fb, bins, nMels);
    const rng = new Rng(nMels);
    const power = Float64Array.from({ length: bins }, () => rng.normal() ** 2 * 10);
    const got = new Float32Array(nMels);
    bank.apply(power, got);
    expect(Array.from(got)).toEqual(Array.from(perFilter(fb, power, bins, nMels)));
  });

  it('writes out[offset + m·stride] and nothing else', () => {
    const bank = new MelBank(melFilterbank(), 201, 40);
    const power = new Float64Array(201).fill(1);
    const out = new Float32Array(3 + 2 * 40).fill(-1);
    bank.apply(power, out, 3, 2);
    for (let i = 0; i < out.length; i++) {
      const m = (i - 3) / 2;
      if (i >= 3 && Number.isInteger(m)) expect(out[i]).toBeGreaterThan(0);
      else expect(out[i]).toBe(-1);
    }
  });

  it('rejects a bank that is not adjacent triangles', () => {
    const fb = new Float32Array(4 * 3);
    fb[1 * 3 + 0] = 1;
    fb[1 * 3 + 2] = 1; // bin 1 under filters 0 and 2
    expect(() => new MelBank(fb, 4, 3)).toThrow(/not adjacent/);
    const down = new Float32Array(4 * 3);
    down[0 * 3 + 2] = 1;
    down[1 * 3 + 0] = 1; // the lowest filter goes down from bin 0 to bin 1
    expect(() => new MelBank(down, 4, 3)).toThrow(/below/);
    expect(() => new MelBank(new Float32Array(5), 2, 3)).toThrow(/not 2×3/);
  });
});

describe('LogMel.frameMelPowerAt', () => {
  it('equals frameMelPower on the same samples bit for bit, and checks the range', () => {
    const fe = new LogMel();
    const rng = new Rng(9);
    const x = Float32Array.from({ length: 1000 }, () => rng.normal(0, 0.1));
    const a = new Float32Array(40), b = new Float32Array(40);
    for (const start of [0, 160, 600]) {
      fe.frameMelPower(x.subarray(start, start + 400), a);
      fe.frameMelPowerAt(x, start, b);
      expect(Array.from(b)).toEqual(Array.from(a));
    }
    expect(() => fe.frameMelPowerAt(x, 601, b)).toThrow(/does not fit/);
  });
});
