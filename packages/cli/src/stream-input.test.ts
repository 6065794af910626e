import { describe, expect, it } from 'vitest';
import { resample } from '@kws/kws-model';
import { PcmDecoder, pcmChunks } from './stream-input.js';

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
