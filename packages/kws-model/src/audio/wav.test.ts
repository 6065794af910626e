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
import { chunk, dataChunk, fmtChunk, mono, riff, testChannels } from './test-utils/riff.js';
import { decodeWav, encodeWav, readWav, writeWav } from './wav.js';

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
