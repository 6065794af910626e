/**
 * Speech Commands scanning tests: the shared real subset (counts, labels, official lists,
 * random split), a hand-made v0.02-style folder (stray files, CRLF lists, resampling), and errors.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWav } from '../audio/wav.js';
import { clipsOf, loadClips, loadNoise, scanSpeechCommands } from './speech-commands.js';
import type { Clip } from './speech-commands.js';

const SHARED = '/work/shared/data/speech_commands_v0.01_subset';
const files = (clips: Clip[]): string[] => clips.map((c) => c.file);
const isSorted = (xs: string[]): boolean => xs.every((x, i) => i === 0 || xs[i - 1] < x);

describe.skipIf(!existsSync(SHARED))('scanSpeechCommands on the shared v0.01 subset', () => {
  if (!existsSync(SHARED)) console.log(`skipping Speech Commands tests: ${SHARED} is absent`);

  it('finds 30 words, 300 clips, 10 keyword clips, 6 noise files', () => {
    const sc = scanSpeechCommands(SHARED);
    expect(sc.keyword).toBe('sheila');
    expect(sc.root).toBe(SHARED);
    expect(sc.words.length).toBe(30);
    expect(sc.words).toContain('sheila');
    const all = clipsOf(sc, 'all');
    expect(all.length).toBe(300);
    expect(all.filter((c) => c.label === 1).map((c) => c.word)).toEqual(Array<string>(10).fill('sheila'));
    expect(all.every((c) => c.label === (c.word === 'sheila' ? 1 : 0) && c.file.startsWith(`${c.word}/`))).toBe(true);
    expect(sc.noiseFiles.length).toBe(6);
    expect(sc.noiseFiles.every((f) => isAbsolute(f) && f.endsWith('.wav'))).toBe(true);
  });

  it('routes clips by the official lists (44 val, 51 test, 205 train)', () => {
    const sc = scanSpeechCommands(SHARED, { split: 'official' });
    expect([sc.train.length, sc.val.length, sc.test.length]).toEqual([205, 44, 51]);
    const valList = new Set(readFileSync(join(SHARED, 'validation_list.txt'), 'utf8').split('\n'));
    const testList = new Set(readFileSync(join(SHARED, 'testing_list.txt'), 'utf8').split('\n'));
    expect(sc.val.every((c) => valList.has(c.file))).toBe(true);
    expect(sc.test.every((c) => testList.has(c.file))).toBe(true);
    expect(sc.train.some((c) => valList.has(c.file) || testList.has(c.file))).toBe(false);
    expect(files(sc.val)).toContain('sheila/6a27a9bf_nohash_0.wav');
    expect(files(sc.test)).toContain('sheila/af130f12_nohash_3.wav');
    for (const split of [sc.train, sc.val, sc.test]) expect(isSorted(files(split))).toBe(true);
  });

  it('random split: 80/20 by default, reproducible by seed, disjoint, covering all clips', () => {
    const a = scanSpeechCommands(SHARED, { split: 'random', seed: 3 });
    const b = scanSpeechCommands(SHARED, { split: 'random', seed: 3 });
    const c = scanSpeechCommands(SHARED, { split: 'random', seed: 4 });
    expect([a.train.length, a.val.length, a.test.length]).toEqual([240, 60, 0]);
    expect(files(a.val)).toEqual(files(b.val));
    expect(files(a.train)).toEqual(files(b.train));
    expect(files(a.val)).not.toEqual(files(c.val));
    const t = scanSpeechCommands(SHARED, { split: 'random', valFraction: 0.1, testFraction: 0.1, seed: 9 });
    expect([t.train.length, t.val.length, t.test.length]).toEqual([240, 30, 30]);
    const union = [...files(t.train), ...files(t.val), ...files(t.test)];
    expect(new Set(union).size).toBe(300);
    expect(union.sort()).toEqual(files(clipsOf(t, 'all')));
    expect(isSorted(files(t.train))).toBe(true);
  });

  it('another keyword relabels the clips', () => {
    const sc = scanSpeechCommands(SHARED, { keyword: 'marvin' });
    expect(clipsOf(sc, 'all').filter((c) => c.label === 1).every((c) => c.word === 'marvin')).toBe(true);
    expect(clipsOf(sc, 'all').filter((c) => c.label === 1).length).toBe(10);
  });

  it('loads clips at 16000 samples with progress, and the noise files', () => {
    const sc = scanSpeechCommands(SHARED);
    const seen: number[] = [];
    const waves = loadClips(sc.root, sc.val.slice(0, 5), (done, total) => seen.push(done * 100 + total));
    expect(waves.map((w) => w.length)).toEqual([16000, 16000, 16000, 16000, 16000]);
    expect(seen).toEqual([105, 205, 305, 405, 505]);
    const noises = loadNoise(sc.noiseFiles);
    expect(noises.length).toBe(6);
    expect(noises.every((n) => n.length > 16000 * 30)).toBe(true);
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
