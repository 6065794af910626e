import { describe, expect, it } from 'vitest';
import { LogMel } from '../features/logmel.js';
import { StreamingLogMel } from './frontend.js';
import { testSignal } from './test-utils/signal.js';

/** Push x in chunks of `size`; the frames collected as a (nMels, frames) array, as LogMel.compute. */
function streamFrames(x: Float32Array, size: number, flush = true): { data: Float32Array; frames: number; maxBuffered: number } {
  const front = new StreamingLogMel();
  const cols: Float32Array[] = [];
  let maxBuffered = 0;
  for (let i = 0; i < x.length; i += size) {
    front.push(x.subarray(i, i + size), (c) => cols.push(c.slice()));
    maxBuffered = Math.max(maxBuffered, front.buffered);
  }
  if (flush) front.flush((c) => cols.push(c.slice()));
  const frames = cols.length;
  const data = new Float32Array(40 * frames);
  cols.forEach((c, t) => c.forEach((v, m) => (data[m * frames + t] = v)));
  return { data, frames, maxBuffered };
}

describe('StreamingLogMel', () => {
  const fe = new LogMel();

  it('after flush, equals LogMel.compute bit for bit, for any chunk size (start and end reflect-padded)', () => {
    for (const len of [16000, 12345, 401]) {
      const x = testSignal(len, len);
      const offline = fe.compute(x);
      for (const size of [1, 7, 160, 1000, 16000]) {
        const s = streamFrames(x, size);
        expect(s.frames).toBe(offline.frames);
        expect(s.data).toEqual(offline.data);
      }
    }
  });

  it('before flush, emits exactly the frames whose samples have all arrived, in a bounded buffer', () => {
    const x = testSignal(16000);
    const s = streamFrames(x, 333, false);
    // Frame t needs samples up to t·160 + 199: 16000 samples complete frames 0..98.
    expect(s.frames).toBe(99);
    const offline = fe.compute(x);
    for (let m = 0; m < 40; m++) {
      for (let t = 0; t < 99; t++) expect(s.data[m * 99 + t]).toBe(offline.data[m * 101 + t]);
    }
    expect(s.maxBuffered).toBeLessThanOrEqual(800);
  });

  it('frame 0 waits for sample 200 (its reflection reads x[-200] = x[200])', () => {
    const front = new StreamingLogMel();
    let n = 0;
    front.push(new Float32Array(200), () => n++);
    expect(n).toBe(0);
    front.push(new Float32Array(1), () => n++);
    expect(n).toBe(1);
  });

  it('a stream of at most 200 samples has no frame; push after flush throws until reset', () => {
    const front = new StreamingLogMel();
    let n = 0;
    front.push(new Float32Array(150), () => n++);
    front.flush(() => n++);
    expect(n).toBe(0);
    expect(() => front.push(new Float32Array(10), () => n++)).toThrow(/after flush/);
    front.reset();
    front.push(new Float32Array(600), () => n++);
    expect(front.frames).toBe(3);
    expect(front.samples).toBe(600);
  });
});
