/** Audio that could hang or mislead: absurd sample rates, NaN samples, a FIFO named *.wav; cropping before resampling. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanSpeechCommands } from '../data/speech-commands.js';
import { fitLength, loadClip, resample } from './resample.js';
import { decodeWav, encodeWav, writeWav } from './wav.js';
import { WavFileReader } from './wav-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'kws-audio-'));
const tone = (n: number, rate: number): Float32Array => Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate));

/** A 16-bit WAV whose header declares `rate` (patched after encoding). */
function declaring(rate: number, samples = 16000): Uint8Array {
  const bytes = encodeWav(tone(samples, 16000), 16000);
  new DataView(bytes.buffer).setUint32(24, rate, true);
  return bytes;
}

describe('hostile audio', () => {
  it('refuses sample rates outside 1000-384000 Hz instead of resampling for ever', () => {
    expect(() => decodeWav(declaring(1), 'slow.wav')).toThrow('slow.wav: sample rate 1 Hz is outside 1000-384000 Hz');
    expect(() => decodeWav(declaring(999), 'a.wav')).toThrow(/999 Hz is outside/);
    expect(() => decodeWav(declaring(384001), 'a.wav')).toThrow(/384001 Hz is outside/);
    expect(decodeWav(declaring(1000)).sampleRate).toBe(1000);
    expect(decodeWav(declaring(384000)).sampleRate).toBe(384000);
  });

  it('names a NaN sample of a float WAV', () => {
    const x = tone(1600, 16000);
    x[800] = NaN;
    expect(() => decodeWav(encodeWav(x, 16000, 32), 'nan.wav')).toThrow('nan.wav: sample 800 (at 0.050 s) is NaN');
  });

  it('WavFileReader names a NaN or Inf sample by its index in the file, not in the piece', () => {
    const x = tone(16000 * 6, 16000);
    x[16000 * 5 + 3] = NaN;
    const path = join(dir, 'nan-at-5s.wav');
    writeFileSync(path, encodeWav(x, 16000, 32));
    const wav = new WavFileReader(path);
    const read = (): void => {
      for (let y = wav.read(1600); y.length > 0; y = wav.read(1600));
    };
    expect(read).toThrow(`${path}: sample 80003 (at 5.000 s) is NaN`);
    wav.close();
    const inf = encodeWav(tone(1600, 16000), 16000, 32);
    new DataView(inf.buffer).setFloat32(44 + 4 * 7, Infinity, true);
    writeFileSync(path, inf);
    const again = new WavFileReader(path);
    expect(() => again.read(1600)).toThrow(`${path}: sample 7 (at 0.000 s) is Infinity`);
    again.close();
  });

  it('refuses a block align that is not channels x bytes per sample (16-bit mono with align 3)', () => {
    const bytes = encodeWav(tone(1600, 16000), 16000);
    new DataView(bytes.buffer).setUint16(32, 3, true);
    expect(() => decodeWav(bytes, 'align3.wav')).toThrow('align3.wav: block align 3 does not match 1 channel(s) x 16-bit (2 bytes a frame)');
  });

  it('loadClip crops before resampling, to the same first second as resampling the whole file', () => {
    for (const rate of [8000, 22050, 44100, 1000]) {
      const path = join(dir, `long-${rate}.wav`);
      const x = tone(rate * 5, rate);
      writeWav(path, x, rate, 32);
      expect(Array.from(loadClip(path)), `${rate} Hz`).toEqual(Array.from(fitLength(resample(x, rate, 16000), 16000)));
    }
  });

  it('skips a FIFO named *.wav in a data folder', () => {
    const root = join(dir, 'sc');
    mkdirSync(join(root, 'sheila'), { recursive: true });
    writeWav(join(root, 'sheila', 'a.wav'), tone(16000, 16000), 16000);
    execFileSync('mkfifo', [join(root, 'sheila', 'fifo.wav')]);
    writeFileSync(join(root, 'validation_list.txt'), '');
    writeFileSync(join(root, 'testing_list.txt'), '');
    expect(scanSpeechCommands(root).train.map((c) => c.file)).toEqual(['sheila/a.wav']);
  });

  it('follows word folders that are symlinks, as the scanner follows linked clips', () => {
    const elsewhere = join(dir, 'elsewhere');
    const root = join(dir, 'linked');
    mkdirSync(join(root, 'sheila'), { recursive: true });
    writeWav(join(root, 'sheila', 'a.wav'), tone(1600, 16000), 16000);
    for (const word of ['no', 'up']) {
      mkdirSync(join(elsewhere, word), { recursive: true });
      writeWav(join(elsewhere, word, 'a.wav'), tone(1600, 16000), 16000);
      symlinkSync(join(elsewhere, word), join(root, word));
    }
    symlinkSync(join(dir, 'nowhere'), join(root, 'dangling'));
    const sc = scanSpeechCommands(root, { split: 'random', valFraction: 0 });
    expect(sc.words).toEqual(['no', 'sheila', 'up']);
    expect(sc.train.map((c) => c.file)).toEqual(['no/a.wav', 'sheila/a.wav', 'up/a.wav']);
  });
});
