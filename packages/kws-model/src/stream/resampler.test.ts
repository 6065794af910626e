import { describe, expect, it } from 'vitest';
import { resample } from '../audio/resample.js';
import { StreamResampler } from './resampler.js';
import { testSignal } from './test-utils/signal.js';

function chunked(x: Float32Array, from: number, to: number, size: number): { y: Float32Array; maxBuffered: number } {
  const rs = new StreamResampler(from, to, 4096);
  const parts: number[] = [];
  let maxBuffered = 0;
  for (let i = 0; i < x.length; i += size) {
    parts.push(...rs.push(x.subarray(i, i + size)));
    maxBuffered = Math.max(maxBuffered, rs.buffered);
  }
  parts.push(...rs.flush());
  return { y: Float32Array.from(parts), maxBuffered };
}

describe('StreamResampler', () => {
  it.each([[48000, 16000], [44100, 16000], [8000, 16000], [22050, 16000], [16000, 16000]])('%i → %i Hz in chunks equals resample() of the whole, sample for sample', (from, to) => {
    const x = testSignal(Math.round(0.7 * from), from);
    const whole = resample(x, from, to);
    for (const size of [1, 333, 4800, 50000]) {
      if (size === 1 && from > 20000) continue; // one sample at a time is slow at high rates; 333 covers it
      const { y } = chunked(x, from, to, size);
      expect(y.length).toBe(whole.length);
      expect(y).toEqual(whole);
    }
  });

  it('keeps a bounded buffer on a long stream', () => {
    const x = testSignal(10 * 44100, 2);
    const { y, maxBuffered } = chunked(x, 44100, 16000, 4410);
    expect(y.length).toBe(160000);
    expect(maxBuffered).toBeLessThan(4410 + 2 * 99 + 441 + 10);
  });

  it('rejects bad rates', () => {
    expect(() => new StreamResampler(0, 16000)).toThrow(/positive integers/);
  });
});
