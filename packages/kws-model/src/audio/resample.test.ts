/**
 * Resampler tests: pass-band tones keep their amplitude, frequency and timing; tones above the
 * new Nyquist are removed rather than aliased; lengths follow round(len * to / from).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fitLength, loadClip, resample } from './resample.js';
import { FIXTURE, FIXTURE_NOISE } from '../test-utils/fixture.js';
import { writeWav } from './wav.js';

function tone(freq: number, rate: number, seconds: number): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => Math.sin((2 * Math.PI * freq * i) / rate));
}

function rms(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / (to - from));
}

/** Amplitude of the `freq` component over [from, to), by projection on sin and cos. */
function amplitudeAt(x: Float32Array, freq: number, rate: number, from: number, to: number): number {
  let s = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    s += x[i] * Math.sin((2 * Math.PI * freq * i) / rate);
    c += x[i] * Math.cos((2 * Math.PI * freq * i) / rate);
  }
  return (2 * Math.hypot(s, c)) / (to - from);
}

describe('resample', () => {
  it('keeps a 1 kHz tone from 44.1 kHz to 16 kHz: amplitude, frequency and timing', () => {
    const y = resample(tone(1000, 44100, 1), 44100, 16000);
    expect(y.length).toBe(16000);
    const ideal = tone(1000, 16000, 1);
    let worst = 0;
    for (let n = 1000; n < 15000; n++) worst = Math.max(worst, Math.abs(y[n] - ideal[n]));
    expect(worst).toBeLessThan(1e-3);
    expect(amplitudeAt(y, 1000, 16000, 1000, 15000)).toBeCloseTo(1, 3);
    expect(amplitudeAt(y, 1100, 16000, 1000, 15000)).toBeLessThan(0.01);
  });

  it('suppresses a 12 kHz tone at 44.1 kHz going to 16 kHz (no alias at 4 kHz)', () => {
    const x = tone(12000, 44100, 1);
    const y = resample(x, 44100, 16000);
    expect(rms(y, 500, 15500) / rms(x)).toBeLessThan(0.01);
    expect(amplitudeAt(y, 4000, 16000, 500, 15500)).toBeLessThan(0.001);
  });

  it('keeps 6.5 kHz and removes 8.5 kHz going 22.05 kHz to 16 kHz', () => {
    const pass = resample(tone(6500, 22050, 1), 22050, 16000);
    expect(amplitudeAt(pass, 6500, 16000, 1000, 15000)).toBeCloseTo(1, 2);
    const stop = resample(tone(8500, 22050, 1), 22050, 16000);
    expect(rms(stop, 1000, 15000)).toBeLessThan(0.01);
  });

  it('upsamples 8 kHz to 16 kHz with the tone intact', () => {
    const y = resample(tone(1000, 8000, 1), 8000, 16000);
    expect(y.length).toBe(16000);
    const ideal = tone(1000, 16000, 1);
    let worst = 0;
    for (let n = 500; n < 15500; n++) worst = Math.max(worst, Math.abs(y[n] - ideal[n]));
    expect(worst).toBeLessThan(1e-3);
  });

  it('output length is round(len * to / from)', () => {
    expect(resample(new Float32Array(22050), 22050, 16000).length).toBe(16000);
    expect(resample(new Float32Array(8000), 8000, 16000).length).toBe(16000);
    expect(resample(new Float32Array(1001), 22050, 16000).length).toBe(Math.round((1001 * 16000) / 22050));
    expect(resample(new Float32Array(11), 44100, 16000).length).toBe(4);
    expect(resample(new Float32Array(0), 44100, 16000).length).toBe(0);
  });

  it('keeps DC at unit gain', () => {
    const y = resample(new Float32Array(4410).fill(0.5), 44100, 16000);
    for (let n = 200; n < y.length - 200; n++) expect(y[n]).toBeCloseTo(0.5, 5);
  });

  it('returns a copy when rates are equal, and rejects bad rates', () => {
    const x = tone(440, 16000, 0.1);
    const y = resample(x, 16000, 16000);
    expect(y).not.toBe(x);
    expect(Array.from(y)).toEqual(Array.from(x));
    expect(() => resample(x, 0, 16000)).toThrow(/positive integers/);
    expect(() => resample(x, 16000, 44100.5)).toThrow(/positive integers/);
  });

  it('works for a rate pair too large to tabulate (coprime rates)', () => {
    const y = resample(tone(1000, 44099, 0.2), 44099, 16001);
    expect(y.length).toBe(Math.round(0.2 * 44099 * (16001 / 44099)));
    expect(amplitudeAt(y, 1000, 16001, 300, y.length - 300)).toBeCloseTo(1, 2);
  });
});

describe('fitLength / loadClip', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kws-clip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pads with zeros and crops from the start', () => {
    expect(Array.from(fitLength(Float32Array.from([1, 2, 3]), 5))).toEqual([1, 2, 3, 0, 0]);
    expect(Array.from(fitLength(Float32Array.from([1, 2, 3]), 2))).toEqual([1, 2]);
  });

  it('reads, resamples and pads a 22.05 kHz file to 16000 samples at 16 kHz', () => {
    const path = join(dir, 'short.wav');
    writeWav(path, tone(1000, 22050, 0.5).map((v) => v * 0.5), 22050, 32);
    const clip = loadClip(path);
    expect(clip.length).toBe(16000);
    expect(amplitudeAt(clip, 1000, 16000, 500, 7500)).toBeCloseTo(0.5, 3);
    expect(rms(clip, 8100, 16000)).toBe(0);
  });

  it('crops a long file and honours length and rate', () => {
    const path = join(dir, 'long.wav');
    writeWav(path, tone(500, 16000, 2), 16000);
    expect(loadClip(path).length).toBe(16000);
    expect(loadClip(path, 4000, 8000).length).toBe(4000);
  });
});

describe('loadClip on real clips (the committed fixture)', () => {
  it('pads a short clip to 16000 samples, keeps a full one, and crops noise', () => {
    const short = loadClip(join(FIXTURE, 'sheila', 'bf8d5617_nohash_0.wav'));
    expect(short.length).toBe(16000);
    expect(rms(short, 0, 13654)).toBeGreaterThan(0);
    expect(rms(short, 13654, 16000)).toBe(0); // 13,654 samples of speech, then zeros
    const full = loadClip(join(FIXTURE, 'sheila', '6a27a9bf_nohash_0.wav'));
    expect(full.length).toBe(16000);
    expect(rms(full)).toBeGreaterThan(0);
    const noise = loadClip(FIXTURE_NOISE, 8000, 8000);
    expect(noise.length).toBe(8000);
    expect(rms(noise)).toBeGreaterThan(0);
  });
});
