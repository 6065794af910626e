import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWav, resample, writeWav } from '@kws/kws-model';
import { PcmDecoder, pcmChunks, wavChunks } from './stream-input.js';

/** Int16 little-endian bytes of x (in [-1, 1)). */
function s16le(x: Float32Array): Uint8Array {
  const bytes = new Uint8Array(2 * x.length);
  const view = new DataView(bytes.buffer);
  x.forEach((v, i) => view.setInt16(2 * i, Math.round(v * 32768), true));
  return bytes;
}

async function* pieces(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let k = 0; at < bytes.length; k++) {
    const n = sizes[k % sizes.length];
    yield bytes.subarray(at, at + n);
    at += n;
    await new Promise((r) => setTimeout(r, 0));
  }
}

async function collect(source: AsyncIterable<Float32Array>): Promise<Float32Array> {
  const parts: number[] = [];
  for await (const x of source) parts.push(...x);
  return Float32Array.from(parts);
}

describe('raw PCM input', () => {
  it('decodes s16le, carrying an odd byte across reads', () => {
    const dec = new PcmDecoder();
    const bytes = Uint8Array.of(0x00, 0x40, 0x00, 0x80, 0xff, 0x7f, 0x01);
    expect([...dec.decode(bytes.subarray(0, 3))]).toEqual([0.5]);
    expect(dec.pending).toBe(true);
    expect([...dec.decode(bytes.subarray(3, 7))]).toEqual([-1, 32767 / 32768]);
    expect(dec.pending).toBe(true);
  });

  it('gives the same samples whatever the read sizes, at 16 kHz and resampled from 48 kHz', async () => {
    const x = Float32Array.from({ length: 9000 }, (_, i) => (Math.round(0.5 * Math.sin(i / 7) * 32768) | 0) / 32768); // | 0: no -0, which int16 cannot hold
    const bytes = s16le(x);
    const same = await collect(pcmChunks(pieces(bytes, [1, 999, 3200, 7]), 16000));
    expect(same.length).toBe(x.length);
    expect(same).toEqual(x);
    const down = await collect(pcmChunks(pieces(bytes, [3, 4801, 100]), 48000));
    expect(down).toEqual(resample(x, 48000, 16000));
  });
});

describe('WAV file input', () => {
  it('streams a file in pieces, resampled as read: equal to resampling the whole file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kws-wavchunks-'));
    try {
      const x = Float32Array.from({ length: 44100 + 17 }, (_, i) => 0.4 * Math.sin(i / 11) + 0.1 * Math.sin(i / 3));
      for (const rate of [44100, 16000]) {
        const path = join(dir, `t${rate}.wav`);
        writeWav(path, x, rate);
        const whole = readWav(path).samples;
        const want = rate === 16000 ? whole : resample(whole, rate, 16000);
        let largest = 0;
        const parts: number[] = [];
        for await (const y of wavChunks(path, 1000)) {
          largest = Math.max(largest, y.length);
          parts.push(...y);
        }
        expect(Float32Array.from(parts)).toEqual(want);
        expect(largest).toBeLessThan(1000 + 500); // one piece (plus the resampler's lag), never the file
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
