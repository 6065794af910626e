/**
 * The generated data set: layout, WAV format, speaker-disjoint splits, determinism (hash of
 * every file, across thread counts), reuse and atomicity. Small generations (two training
 * speakers and one per held-out split, about 290 clips) keep it to seconds on a quiet machine.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav } from '@kws/kws-model';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MANIFEST, WORDS, generateSynthDataset } from './index.js';
import type { SynthManifest } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'kws-synth-test-'));
const dirA = join(root, 'a');
const dirB = join(root, 'b');
const opts = { seed: 7, speakers: 2, heldOut: 1 };
let clipsA = 0;
let progressCalls = 0;
const progressTotals = new Set<number>();

beforeAll(async () => {
  const r = await generateSynthDataset({
    ...opts,
    outDir: dirA,
    onProgress: (_, total) => {
      progressCalls++;
      progressTotals.add(total);
    },
  });
  clipsA = r.clips;
}, 240_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Relative paths of every clip under `dir` (word folders only). */
function clipPaths(dir: string): string[] {
  const words = readdirSync(dir).filter((d) => !d.startsWith('_') && statSync(join(dir, d)).isDirectory());
  return words.flatMap((w) => readdirSync(join(dir, w)).map((f) => `${w}/${f}`)).sort();
}

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
const speakerOf = (rel: string): string => rel.split('/')[1].split('_')[0];

describe('layout and format', () => {
  test('the 30 word folders and more, <8 hex>_nohash_<k>.wav clips, as many as announced and reported', () => {
    const paths = clipPaths(dirA);
    expect(readdirSync(dirA).filter((d) => WORDS.includes(d)).length).toBe(30);
    expect(paths.length).toBe(clipsA);
    expect(clipsA).toBeGreaterThanOrEqual(5 * 30);
    for (const p of paths) expect(p).toMatch(/^[a-z]+\/[0-9a-f]{8}_nohash_[0-9]\.wav$/);
    expect(new Set(paths.map(speakerOf)).size).toBe(4);
    // The progress total announced is the number of clips made, and is reached exactly.
    expect(progressCalls).toBe(clipsA);
    expect(progressTotals).toEqual(new Set([clipsA]));
  });

  test('every clip is 16 kHz 16-bit mono PCM, exactly 16,000 samples, and not silent', () => {
    for (const p of clipPaths(dirA)) {
      const bytes = readFileSync(join(dirA, p));
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      // fmt chunk: PCM (1), one channel, 16,000 Hz, 16 bits; data chunk: 32,000 bytes.
      expect([view.getUint16(20, true), view.getUint16(22, true), view.getUint32(24, true), view.getUint16(34, true)]).toEqual([1, 1, 16000, 16]);
      const { samples, sampleRate } = decodeWav(bytes, p);
      expect(sampleRate).toBe(16000);
      expect(samples.length).toBe(16000);
      const peak = samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(peak).toBeGreaterThan(0.03); // the lowest level drawn is -30 dBFS ≈ 0.0316
    }
  });

  test('four background files of 30-60 s at 16 kHz', () => {
    const names = readdirSync(join(dirA, '_background_noise_')).sort();
    expect(names).toEqual(['babble.wav', 'brown_noise.wav', 'pink_noise.wav', 'white_noise.wav']);
    for (const n of names) {
      const { samples, sampleRate } = decodeWav(readFileSync(join(dirA, '_background_noise_', n)), n);
      expect(sampleRate).toBe(16000);
      expect(samples.length / 16000).toBeGreaterThanOrEqual(30);
      expect(samples.length / 16000).toBeLessThanOrEqual(60);
      expect(samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeGreaterThan(0.1);
    }
  });

  test('the manifest records seed, options, versions and counts; the keyword is a minority', () => {
    const m = JSON.parse(readFileSync(join(dirA, MANIFEST), 'utf8')) as SynthManifest;
    expect(m.settings).toMatchObject({ seed: 7, speakers: 2, heldOut: 1, keyword: 'sheila', packageVersion: '0.1.0', engineVersions: { espeak: '0.3.5' } });
    expect(m.counts.clips).toBe(clipsA);
    expect(m.counts.keywordClips).toBe(readdirSync(join(dirA, 'sheila')).length);
    // Training speakers say the keyword 4 times, held-out ones 6 times.
    expect(m.counts.keywordClips).toBe(2 * 4 + 2 * 6);
    expect([m.counts.validationKeyword, m.counts.testingKeyword]).toEqual([6, 6]);
    expect(m.counts.keywordClips / clipsA).toBeLessThan(0.1);
    // Negatives beyond the 29 words: sound-alikes of the keyword and common words.
    expect(m.words.homophones.length).toBeGreaterThan(10);
    expect(m.words.homophones).not.toContain('sheela'); // sounds the same: never a negative
    expect(Object.values(m.counts.perWord).reduce((a, b) => a + b, 0)).toBe(clipsA);
  });
});

describe('an ablation set', () => {
  test('without homophones and common words: none in the vocabulary, recorded in the settings', async () => {
    const dir = join(root, 'ablated');
    await generateSynthDataset({ ...opts, speakers: 1, heldOut: 1, outDir: dir, without: ['common', 'homophones'] });
    const m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as SynthManifest;
    expect(m.settings.without).toEqual(['common', 'homophones']);
    expect([m.words.homophones, m.words.common]).toEqual([[], []]);
    expect(readdirSync(dir).filter((d) => !d.startsWith('_') && statSync(join(dir, d)).isDirectory()).sort()).toEqual([...WORDS].sort());
    // The default set records no 'without' at all, so that caches made before it stay valid.
    expect((JSON.parse(readFileSync(join(dirA, MANIFEST), 'utf8')) as SynthManifest).settings.without).toBeUndefined();
  }, 120_000);
});

describe('splits', () => {
  test('validation and testing list existing clips, and no speaker is in two splits', () => {
    const val = lines(join(dirA, 'validation_list.txt'));
    const tst = lines(join(dirA, 'testing_list.txt'));
    for (const p of [...val, ...tst]) expect(existsSync(join(dirA, p))).toBe(true);
    const valSpk = new Set(val.map(speakerOf));
    const tstSpk = new Set(tst.map(speakerOf));
    const trainSpk = new Set(clipPaths(dirA).filter((p) => !val.includes(p) && !tst.includes(p)).map(speakerOf));
    expect([valSpk.size, tstSpk.size, trainSpk.size]).toEqual([1, 1, 2]);
    for (const s of valSpk) expect(tstSpk.has(s) || trainSpk.has(s)).toBe(false);
    for (const s of tstSpk) expect(trainSpk.has(s)).toBe(false);
    // A held-out speaker's every clip is listed: the split is by speaker, not by clip.
    const all = clipPaths(dirA);
    expect(val.length).toBe(all.filter((p) => valSpk.has(speakerOf(p))).length);
  });
});

describe('determinism, reuse and atomicity', () => {
  test('the same seed gives identical files, on one thread or two; another seed gives different ones', async () => {
    await generateSynthDataset({ ...opts, outDir: dirB, threads: 1 });
    const paths = clipPaths(dirA);
    expect(clipPaths(dirB)).toEqual(paths);
    // Every file hashed: clips, background, lists. (Before the fix, eSpeak seeded its noise from
    // the clock, and every clip of a breathy voice differed from run to run.)
    const hashes = (dir: string): string[] =>
      [...paths, 'validation_list.txt', 'testing_list.txt', ...readdirSync(join(dir, '_background_noise_')).map((n) => `_background_noise_/${n}`)]
        .map((p) => `${p} ${createHash('sha256').update(readFileSync(join(dir, p))).digest('hex')}`);
    expect(hashes(dirB)).toEqual(hashes(dirA));
    // Regenerating over B with another seed replaces it (its settings differ).
    await generateSynthDataset({ ...opts, seed: 8, outDir: dirB });
    const other = clipPaths(dirB);
    expect(other).not.toEqual(paths);
    const wordA = readFileSync(join(dirA, 'sheila', readdirSync(join(dirA, 'sheila'))[0]));
    const wordB = readFileSync(join(dirB, 'sheila', readdirSync(join(dirB, 'sheila'))[0]));
    expect(wordA.equals(wordB)).toBe(false);
    expect((JSON.parse(readFileSync(join(dirB, MANIFEST), 'utf8')) as SynthManifest).settings.seed).toBe(8);
  }, 240_000);

  test('a complete data set with the same settings is reused at once, untouched', async () => {
    const before = statSync(join(dirA, MANIFEST)).mtimeMs;
    let calls = 0;
    const t0 = performance.now();
    const r = await generateSynthDataset({ ...opts, outDir: dirA, onProgress: () => void calls++ });
    expect(performance.now() - t0).toBeLessThan(500);
    expect(r).toMatchObject({ clips: clipsA, speakers: 4, outDir: dirA });
    expect(calls).toBe(0);
    expect(statSync(join(dirA, MANIFEST)).mtimeMs).toBe(before);
  });

  test('an interrupted run leaves neither the folder nor a partial one', async () => {
    const dir = join(root, 'interrupted');
    const stop = (done: number): void => {
      if (done === 10) throw new Error('stopped');
    };
    await expect(generateSynthDataset({ ...opts, outDir: dir, onProgress: stop })).rejects.toThrow('stopped');
    expect(readdirSync(root).filter((n) => n.startsWith('interrupted'))).toEqual([]);
  });

  test('a folder that is not a synthetic data set is never replaced', async () => {
    const dir = join(root, 'mine');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    await expect(generateSynthDataset({ outDir: dir })).rejects.toThrow(/refusing/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  test('bad options are refused at the edge', async () => {
    const outDir = join(root, 'bad');
    await expect(generateSynthDataset({ outDir, keyword: 'Sheila!' })).rejects.toThrow(/keyword/);
    await expect(generateSynthDataset({ outDir, keyword: 'supercalifragilistic expialidocious' })).rejects.toThrow(/too long|keyword/);
    await expect(generateSynthDataset({ outDir, speakers: 0 })).rejects.toThrow(/speakers/);
    await expect(generateSynthDataset({ outDir, seed: 1.5 })).rejects.toThrow(/seed/);
    await expect(generateSynthDataset({ outDir, without: ['reverb'] })).rejects.toThrow(/unknown part 'reverb'/);
    expect(existsSync(outDir)).toBe(false);
  });
});
