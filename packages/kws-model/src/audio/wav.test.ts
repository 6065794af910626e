/**
 * WAV decoder/encoder tests. Multi-channel, 8/24/32-bit, float and WAVE_FORMAT_EXTENSIBLE files
 * are built byte by byte here (the encoder only writes mono 16-bit PCM and 32-bit float), so the
 * decoder is checked against an independent writer.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE, FIXTURE_NOISE } from '../test-utils/fixture.js';
import { decodeWav, encodeWav, readWav, writeWav } from './wav.js';

function chunk(id: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  for (let i = 0; i < 4; i++) out[i] = id.charCodeAt(i);
  new DataView(out.buffer).setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
}

function riff(...chunks: Uint8Array[]): Uint8Array {
  const size = chunks.reduce((s, c) => s + c.length, 0);
  const out = new Uint8Array(12 + size);
  out.set(chunk('RIFF', new Uint8Array(0)).subarray(0, 4));
  new DataView(out.buffer).setUint32(4, 4 + size, true);
  out.set([0x57, 0x41, 0x56, 0x45], 8); // 'WAVE'
  let at = 12;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function fmtChunk(format: number, channels: number, rate: number, bits: number, extensible = false): Uint8Array {
  const body = new Uint8Array(extensible ? 40 : 16);
  const v = new DataView(body.buffer);
  const align = (channels * bits) / 8;
  v.setUint16(0, extensible ? 0xfffe : format, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, rate * align, true);
  v.setUint16(12, align, true);
  v.setUint16(14, bits, true);
  if (extensible) {
    v.setUint16(16, 22, true);
    v.setUint16(18, bits, true);
    v.setUint16(24, format, true);
  }
  return chunk('fmt ', body);
}

/** Interleaves per-channel values (multiples of 1/128, exact at every depth) into a data chunk. */
function dataChunk(channels: number[][], bits: number, float: boolean): Uint8Array {
  const frames = channels[0].length;
  const width = bits / 8;
  const body = new Uint8Array(frames * channels.length * width);
  const v = new DataView(body.buffer);
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels.length; c++) {
      const at = (f * channels.length + c) * width;
      const x = channels[c][f];
      if (float && bits === 32) v.setFloat32(at, x, true);
      else if (float) v.setFloat64(at, x, true);
      else if (bits === 8) v.setUint8(at, x * 128 + 128);
      else if (bits === 16) v.setInt16(at, x * 32768, true);
      else if (bits === 24) {
        const i = x * 8388608;
        v.setUint16(at, i & 0xffff, true);
        v.setInt8(at + 2, i >> 16);
      } else v.setInt32(at, x * 2147483648, true);
    }
  }
  return chunk('data', body);
}

function testChannels(count: number, frames: number): number[][] {
  return Array.from({ length: count }, (_, c) =>
    Array.from({ length: frames }, (_, f) => (((f * 37 + c * 11) % 256) - 128) / 128),
  );
}

function mono(channels: number[][]): number[] {
  return channels[0].map((_, f) => channels.reduce((s, ch) => s + ch[f], 0));
}

describe('encodeWav / decodeWav round trip', () => {
  const x = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i * 0.37) * 0.9);

  it('16-bit PCM is within half a step and writes a 44-byte header', () => {
    const bytes = encodeWav(x, 16000);
    expect(bytes.length).toBe(44 + 2 * x.length);
    const a = decodeWav(bytes);
    expect(a.sampleRate).toBe(16000);
    expect(a.samples.length).toBe(x.length);
    for (let i = 0; i < x.length; i++) expect(Math.abs(a.samples[i] - x[i])).toBeLessThanOrEqual(0.5 / 32768 + 1e-7);
  });

  it('16-bit PCM clamps to [-1, 1] and rounds', () => {
    const a = decodeWav(encodeWav(Float32Array.from([1.5, 1, -1, -2, 0.5, 3 / 65536]), 8000));
    expect(Array.from(a.samples)).toEqual([32767 / 32768, 32767 / 32768, -1, -1, 0.5, 2 / 32768]);
  });

  it('32-bit float is exact and clamped', () => {
    const y = Float32Array.from([...x, 1.25, -7]);
    const a = decodeWav(encodeWav(y, 44100, 32), 'f32');
    expect(a.sampleRate).toBe(44100);
    expect(Array.from(a.samples)).toEqual([...Array.from(x), 1, -1]);
  });
});

describe('decodeWav on hand-built files', () => {
  const cases: [string, number, number, boolean][] = [];
  for (const bits of [8, 16, 24, 32]) for (const ch of [1, 2, 3]) cases.push([`PCM ${bits}-bit x${ch}`, bits, ch, false]);
  for (const bits of [32, 64]) for (const ch of [1, 2]) cases.push([`float ${bits}-bit x${ch}`, bits, ch, true]);

  it.each(cases)('%s averages channels to mono, or sums them exactly (the course recipe)', (_label, bits, count, float) => {
    const channels = testChannels(count, 300);
    for (const extensible of [false, true]) {
      const bytes = riff(fmtChunk(float ? 3 : 1, count, 22050, bits, extensible), dataChunk(channels, bits, float));
      const a = decodeWav(bytes, 'hand.wav');
      expect(a.sampleRate).toBe(22050);
      expect(Array.from(a.samples)).toEqual(mono(channels).map((v) => Math.fround(v / count)));
      expect(Array.from(decodeWav(bytes, 'hand.wav', 'sum').samples)).toEqual(mono(channels));
    }
  });

  it('a stereo copy of a mono file decodes to the same samples (averaged), and to twice them summed', () => {
    const [left] = testChannels(1, 200);
    const monoFile = riff(fmtChunk(1, 1, 16000, 16), dataChunk([left], 16, false));
    const stereoFile = riff(fmtChunk(1, 2, 16000, 16), dataChunk([left, left], 16, false));
    expect(decodeWav(stereoFile).samples).toEqual(decodeWav(monoFile).samples);
    expect(Array.from(decodeWav(stereoFile, 'x', 'sum').samples)).toEqual(left.map((v) => 2 * v));
  });

  it('walks LIST / id3 chunks before and after data, odd sizes padded, fmt after data', () => {
    const channels = testChannels(1, 101);
    const fmt = fmtChunk(1, 1, 16000, 16);
    const data = dataChunk(channels, 16, false);
    const list = chunk('LIST', new TextEncoder().encode('INFOISFT\x05\x00\x00\x00odd!!'));
    const id3 = chunk('id3 ', new Uint8Array(7).fill(0xff));
    for (const order of [[list, fmt, data, id3], [fmt, list, data, list], [data, id3, fmt], [id3, list, fmt, data]]) {
      expect(Array.from(decodeWav(riff(...order)).samples)).toEqual(channels[0]);
    }
  });

  it('8-bit data of odd length is followed by a pad byte', () => {
    const channels = testChannels(1, 7);
    const bytes = riff(fmtChunk(1, 1, 8000, 8), dataChunk(channels, 8, false), chunk('LIST', new Uint8Array(4)));
    expect(Array.from(decodeWav(bytes).samples)).toEqual(channels[0]);
  });
});

describe('decodeWav errors name the file', () => {
  const good = encodeWav(new Float32Array(100), 16000);

  it('garbage and empty input', () => {
    expect(() => decodeWav(new TextEncoder().encode('hello, this is not audio'), 'junk.wav')).toThrow('junk.wav: not a RIFF/WAVE file');
    expect(() => decodeWav(new Uint8Array(0), 'empty.wav')).toThrow('empty.wav: not a RIFF/WAVE file');
  });

  it('truncated data chunk', () => {
    expect(() => decodeWav(good.subarray(0, 100), 'cut.wav')).toThrow('cut.wav: truncated data chunk');
  });

  it('no fmt chunk, no data chunk', () => {
    expect(() => decodeWav(riff(dataChunk([[0, 0]], 16, false)), 'a.wav')).toThrow('a.wav: no fmt chunk');
    expect(() => decodeWav(riff(fmtChunk(1, 1, 16000, 16)), 'b.wav')).toThrow('b.wav: no data chunk');
  });

  it('unsupported format and bit depth', () => {
    const mp3 = riff(fmtChunk(85, 1, 16000, 16), dataChunk([[0]], 16, false));
    expect(() => decodeWav(mp3, 'c.wav')).toThrow('c.wav: unsupported format 85');
    const pcm12 = riff(fmtChunk(1, 1, 16000, 12), chunk('data', new Uint8Array(4)));
    expect(() => decodeWav(pcm12, 'd.wav')).toThrow(/^d\.wav: unsupported 12-bit/);
  });

  it('readWav names a missing path', () => {
    expect(() => readWav('/nonexistent/dir/x.wav')).toThrow('/nonexistent/dir/x.wav: cannot read (no such file)');
  });
});

describe('readWav / writeWav', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kws-wav-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes atomically (no temporary left) and reads back', () => {
    const x = Float32Array.from({ length: 321 }, (_, i) => (i % 64) / 64 - 0.5);
    const path = join(dir, 'a.wav');
    writeWav(path, x, 16000);
    writeWav(path, x, 16000); // overwrite
    expect(readdirSync(dir)).toEqual(['a.wav']);
    const a = readWav(path);
    expect(a.sampleRate).toBe(16000);
    expect(Array.from(a.samples)).toEqual(Array.from(x));
  });

  it('reports an unwritable path', () => {
    expect(() => writeWav(join(dir, 'missing', 'b.wav'), new Float32Array(1), 16000)).toThrow(/missing\/b\.wav: cannot write/);
  });
});

describe('real Speech Commands clips (the committed fixture)', () => {
  it('decode to 16 kHz mono with at most 16000 samples in [-1, 1), short clips included', () => {
    const words = readdirSync(FIXTURE, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
      .map((e) => e.name);
    expect(words.length).toBe(7);
    let clips = 0;
    let shorter = 0;
    for (const word of words) {
      for (const file of readdirSync(join(FIXTURE, word)).filter((f) => f.endsWith('.wav'))) {
        const a = readWav(join(FIXTURE, word, file));
        clips++;
        expect(a.sampleRate).toBe(16000);
        expect(a.samples.length).toBeGreaterThan(0);
        expect(a.samples.length).toBeLessThanOrEqual(16000);
        if (a.samples.length < 16000) shorter++;
        let lo = 0;
        let hi = 0;
        for (const v of a.samples) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
        expect(lo).toBeGreaterThanOrEqual(-1);
        expect(hi).toBeLessThan(1);
        expect(hi - lo).toBeGreaterThan(0.01); // speech, not silence
      }
    }
    expect(clips).toBe(14);
    expect(shorter).toBe(6); // the data set really has short clips to pad
  });

  it('decodes the noise file, whose LIST and id3 chunks follow the data chunk', () => {
    const bytes = new Uint8Array(readFileSync(FIXTURE_NOISE));
    const ids: string[] = [];
    for (let at = 12; at + 8 <= bytes.length; ) {
      ids.push(new TextDecoder().decode(bytes.subarray(at, at + 4)));
      const size = new DataView(bytes.buffer, bytes.byteOffset).getUint32(at + 4, true);
      at += 8 + size + (size & 1);
    }
    expect(ids).toEqual(['fmt ', 'data', 'LIST', 'id3 ']);
    const a = readWav(FIXTURE_NOISE);
    expect(a.sampleRate).toBe(16000);
    expect(a.samples.length).toBe(3 * 16000);
  });
});
