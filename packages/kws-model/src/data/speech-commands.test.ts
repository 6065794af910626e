/**
 * Speech Commands scanning tests: the committed real-clip fixture (counts, labels, official lists,
 * random split), a hand-made v0.02-style folder (stray files, CRLF lists, resampling), and errors.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWav } from '../audio/wav.js';
import { FIXTURE, FIXTURE_NOISE } from '../test-utils/fixture.js';
import { clipsOf, loadClips, loadNoise, scanSpeechCommands } from './speech-commands.js';
import type { Clip } from './speech-commands.js';

const files = (clips: Clip[]): string[] => clips.map((c) => c.file);
const isSorted = (xs: string[]): boolean => xs.every((x, i) => i === 0 || xs[i - 1] < x);

describe('scanSpeechCommands on the committed real-clip fixture', () => {
  it('finds 7 words, 14 clips, 4 keyword clips, 1 noise file', () => {
    const sc = scanSpeechCommands(FIXTURE);
    expect(sc.keyword).toBe('sheila');
    expect(sc.root).toBe(FIXTURE);
    expect(sc.words).toEqual(['down', 'marvin', 'no', 'sheila', 'tree', 'wow', 'yes']);
    const all = clipsOf(sc, 'all');
    expect(all.length).toBe(14);
    expect(all.filter((c) => c.label === 1).map((c) => c.word)).toEqual(Array<string>(4).fill('sheila'));
    expect(all.every((c) => c.label === (c.word === 'sheila' ? 1 : 0) && c.file.startsWith(`${c.word}/`))).toBe(true);
    expect(sc.noiseFiles).toEqual([FIXTURE_NOISE]);
  });

  it('routes clips by the official lists (3 val, 4 test, 7 train), skipping listed files that are absent', () => {
    const sc = scanSpeechCommands(FIXTURE, { split: 'official' });
    expect([sc.train.length, sc.val.length, sc.test.length]).toEqual([7, 3, 4]);
    const valList = readFileSync(join(FIXTURE, 'validation_list.txt'), 'utf8').split('\n').filter((l) => l !== '');
    const testList = readFileSync(join(FIXTURE, 'testing_list.txt'), 'utf8').split('\n').filter((l) => l !== '');
    // The lists name more files than the folder holds, as the full data set's lists do for any subset.
    expect(valList.length).toBeGreaterThan(sc.val.length);
    expect(testList.length).toBeGreaterThan(sc.test.length);
    expect(sc.val.every((c) => valList.includes(c.file))).toBe(true);
    expect(sc.test.every((c) => testList.includes(c.file))).toBe(true);
    expect(sc.train.some((c) => valList.includes(c.file) || testList.includes(c.file))).toBe(false);
    expect(files(sc.val)).toEqual(['marvin/6a27a9bf_nohash_0.wav', 'sheila/6a27a9bf_nohash_0.wav', 'yes/439c84f4_nohash_1.wav']);
    expect(files(sc.test)).toContain('sheila/af130f12_nohash_3.wav');
    for (const split of [sc.train, sc.val, sc.test]) expect(isSorted(files(split))).toBe(true);
  });

  it('random split: 80/20 by default, reproducible by seed, disjoint, covering all clips', () => {
    const a = scanSpeechCommands(FIXTURE, { split: 'random', seed: 3 });
    const b = scanSpeechCommands(FIXTURE, { split: 'random', seed: 3 });
    const c = scanSpeechCommands(FIXTURE, { split: 'random', seed: 4 });
    expect([a.train.length, a.val.length, a.test.length]).toEqual([11, 3, 0]) // round(14 x 0.2) = 3;
    expect(files(a.val)).toEqual(files(b.val));
    expect(files(a.train)).toEqual(files(b.train));
    expect(files(a.val)).not.toEqual(files(c.val));
    const t = scanSpeechCommands(FIXTURE, { split: 'random', valFraction: 0.1, testFraction: 0.1, seed: 9 });
    expect([t.train.length, t.val.length, t.test.length]).toEqual([12, 1, 1]) // round(14 x 0.1) = 1;
    const union = [...files(t.train), ...files(t.val), ...files(t.test)];
    expect(new Set(union).size).toBe(14);
    expect(union.sort()).toEqual(files(clipsOf(t, 'all')));
    expect(isSorted(files(t.train))).toBe(true);
  });

  it('another keyword relabels the clips', () => {
    const sc = scanSpeechCommands(FIXTURE, { keyword: 'marvin' });
    expect(clipsOf(sc, 'all').filter((c) => c.label === 1).map((c) => c.file)).toEqual(['marvin/6a27a9bf_nohash_0.wav', 'marvin/bf8d5617_nohash_0.wav']);
  });

  it('loads clips at 16000 samples (short ones padded) with progress, and the noise file', () => {
    const sc = scanSpeechCommands(FIXTURE);
    const seen: number[] = [];
    const waves = loadClips(sc.root, sc.train, (done, total) => seen.push(done * 100 + total));
    expect(waves.map((w) => w.length)).toEqual(Array<number>(7).fill(16000));
    expect(seen).toEqual([107, 207, 307, 407, 507, 607, 707]);
    const noises = loadNoise(sc.noiseFiles);
    expect(noises.map((n) => n.length)).toEqual([3 * 16000]);
  });
});

describe('scanSpeechCommands on a hand-made folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'kws-sc-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const clip = new Float32Array(4000).fill(0.25); // 0.5 s at 8 kHz
  for (const [word, names] of [['sheila', ['a', 'b', 'c']], ['yes', ['a', 'd']], ['no', ['e']]] as const) {
    mkdirSync(join(root, word));
    for (const n of names) writeWav(join(root, word, `${n}_nohash_0.wav`), clip, 8000);
  }
  mkdirSync(join(root, '_background_noise_'));
  mkdirSync(join(root, '.cache'));
  writeWav(join(root, '_background_noise_', 'hum.wav'), new Float32Array(8000).fill(0.1), 8000);
  writeFileSync(join(root, '_background_noise_', 'README.md'), 'noise');
  writeFileSync(join(root, 'yes', 'notes.txt'), 'not audio');
  writeFileSync(join(root, 'LICENSE'), 'cc-by');
  writeFileSync(join(root, 'validation_list.txt'), 'sheila/b_nohash_0.wav\r\nyes/zz_nohash_9.wav\r\n');
  writeFileSync(join(root, 'testing_list.txt'), 'no/e_nohash_0.wav\n\n');

  it('ignores non-wav files and special folders, skips listed names absent on disk', () => {
    const sc = scanSpeechCommands(root);
    expect(sc.words).toEqual(['no', 'sheila', 'yes']);
    expect(files(sc.train)).toEqual(['sheila/a_nohash_0.wav', 'sheila/c_nohash_0.wav', 'yes/a_nohash_0.wav', 'yes/d_nohash_0.wav']);
    expect(files(sc.val)).toEqual(['sheila/b_nohash_0.wav']);
    expect(files(sc.test)).toEqual(['no/e_nohash_0.wav']);
    expect(sc.noiseFiles).toEqual([join(root, '_background_noise_', 'hum.wav')]);
  });

  it('resamples 8 kHz clips and noise to 16 kHz', () => {
    const sc = scanSpeechCommands(root);
    const [w] = loadClips(sc.root, sc.val);
    expect(w.length).toBe(16000);
    expect(w[4000]).toBeCloseTo(0.25, 3);
    expect(w[15000]).toBe(0);
    expect(loadNoise(sc.noiseFiles)[0].length).toBe(16000);
  });

  it('errors: missing root, missing keyword folder, no clips, no lists, bad fractions', () => {
    expect(() => scanSpeechCommands(join(root, 'nope'))).toThrow(`${join(root, 'nope')}: no such folder`);
    expect(() => scanSpeechCommands(join(root, 'LICENSE'))).toThrow('not a folder');
    expect(() => scanSpeechCommands(root, { keyword: 'marvin' })).toThrow(`no folder 'marvin' in ${root}`);
    expect(() => scanSpeechCommands(join(root, 'yes'), { keyword: 'x' })).toThrow(`no folder 'x' in`);
    const empty = join(root, '.cache');
    mkdirSync(join(empty, 'sheila'), { recursive: true });
    expect(() => scanSpeechCommands(empty)).toThrow(`${empty}: no .wav clips in any word folder`);
    writeWav(join(empty, 'sheila', 'x.wav'), clip, 8000);
    expect(() => scanSpeechCommands(empty)).toThrow(`${empty}: no validation_list.txt for the official split`);
    expect(scanSpeechCommands(empty, { split: 'random', valFraction: 0 }).train.length).toBe(1);
    expect(() => scanSpeechCommands(root, { split: 'random', valFraction: 0.6, testFraction: 0.4 })).toThrow(/must be < 1/);
    expect(() => scanSpeechCommands(root, { split: 'random', valFraction: -0.1 })).toThrow(/valFraction must be in/);
  });
});
