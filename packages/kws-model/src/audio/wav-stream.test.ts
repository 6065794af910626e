import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chunk, dataChunk, fmtChunk, riff, testChannels } from './test-utils/riff.js';
import { decodeWav, encodeWav, readWav } from './wav.js';
import { WavFileReader } from './wav-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'kws-wavstream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Every frame of the file, read `size` frames at a time; the largest piece seen. */
function readAll(path: string, size: number): { samples: Float32Array; largest: number; rate: number } {
  const wav = new WavFileReader(path);
  const parts: Float32Array[] = [];
  let largest = 0;
  for (let x = wav.read(size); x.length > 0; x = wav.read(size)) {
    parts.push(x);
    largest = Math.max(largest, x.length);
  }
  wav.close();
  const samples = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    samples.set(p, at);
    at += p.length;
  }
  return { samples, largest, rate: wav.sampleRate };
}

describe('WavFileReader', () => {
  it('in pieces of any size equals readWav, over odd chunk layouts, stereo and 24-bit', () => {
    const stereo = testChannels(2, 1001);
    const layouts = [
      riff(chunk('LIST', new Uint8Array(5)), fmtChunk(1, 2, 22050, 24), dataChunk(stereo, 24, false), chunk('id3 ', new Uint8Array(3))),
      riff(dataChunk(testChannels(1, 333), 8, false), fmtChunk(1, 1, 8000, 8)), // fmt after data, odd data size padded
      riff(fmtChunk(3, 2, 48000, 32, true), dataChunk(stereo, 32, true)),
    ];
    layouts.forEach((bytes, i) => {
      const path = file(`layout${i}.wav`, bytes);
      const whole = readWav(path);
      for (const size of [1, 7, 160, 100000]) {
        const got = readAll(path, size);
        expect(got.rate).toBe(whole.sampleRate);
        expect(got.samples).toEqual(whole.samples);
        expect(got.largest).toBe(Math.min(size, whole.samples.length));
      }
    });
  });

  it('a generated 30 s file streams in bounded pieces, equal to the whole', () => {
    const n = 30 * 16000;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin(i / 7) * Math.cos(i / 9001);
    const path = file('long.wav', encodeWav(x, 16000));
    const wav = new WavFileReader(path);
    expect(wav.frames).toBe(n);
    const whole = readWav(path).samples;
    let at = 0;
    for (let piece = wav.read(4096); piece.length > 0; piece = wav.read(4096)) {
      expect(piece.length).toBeLessThanOrEqual(4096);
      let same = true;
      for (let i = 0; i < piece.length; i++) same &&= piece[i] === whole[at + i];
      expect(same).toBe(true);
      at += piece.length;
    }
    expect(at).toBe(n);
    expect(wav.position).toBe(n);
    wav.close();
  });

  it('rejects the files decodeWav rejects, with the same message naming the path', () => {
    const bad = [
      new Uint8Array(3),
      riff(fmtChunk(1, 1, 16000, 16), chunk('data', new Uint8Array(8)).subarray(0, 12)),
      riff(dataChunk([[0, 0]], 16, false)),
      riff(fmtChunk(85, 1, 16000, 16), dataChunk([[0]], 16, false)),
    ];
    bad.forEach((bytes, i) => {
      const path = file(`bad${i}.wav`, bytes);
      let expected = '';
      try {
        decodeWav(bytes, path);
      } catch (err) {
        expected = (err as Error).message;
      }
      expect(expected).toContain(path);
      expect(() => new WavFileReader(path)).toThrow(expected);
    });
    expect(() => new WavFileReader(join(dir, 'missing.wav'))).toThrow(/missing\.wav: cannot read \(no such file\)/);
  });

  it('read after close throws', () => {
    const wav = new WavFileReader(file('short.wav', encodeWav(new Float32Array(10), 16000)));
    wav.close();
    expect(() => wav.read(4)).toThrow(/after close/);
  });
});
