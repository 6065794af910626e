/**
 * The Speech Commands data set (v0.01 or v0.02 layout): scanning word folders, splitting into
 * train/val/test, and loading clips and background noise as 16 kHz float arrays.
 *
 * Layout: one folder per word (directories not starting with `_` or `.`), `.wav` clips inside,
 * `_background_noise_/` with long noise recordings, and `validation_list.txt` / `testing_list.txt`
 * holding `<word>/<name>.wav` paths. Labels are binary: 1 for the keyword folder, else 0.
 *
 * Splits. 'official' (the default): clips named in validation_list.txt go to val, those in
 * testing_list.txt to test, all others to train; listed names absent on disk are skipped (a
 * subset is fine). 'random': a seeded shuffle of all clips, test first, then val, by the given
 * fractions (the course split 80/20: valFraction 0.2, testFraction 0). Every list is sorted by
 * file name, so scans are deterministic.
 */
import { existsSync, readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { Rng } from '@kws/tensor';
import { loadClip, resample } from '../audio/resample.js';
import { readWav, type ChannelMix } from '../audio/wav.js';

/** One clip: `file` is `<word>/<name>.wav`, relative to the root, with forward slashes. */
export interface Clip {
  file: string;
  word: string;
  label: 0 | 1;
}

/** A scanned data set: absolute root, keyword, sorted word list, the three splits, noise paths. */
export interface SpeechCommands {
  root: string;
  keyword: string;
  words: string[];
  train: Clip[];
  val: Clip[];
  test: Clip[];
  noiseFiles: string[];
}

export interface ScanOptions {
  keyword?: string;
  split?: 'official' | 'random';
  valFraction?: number;
  testFraction?: number;
  seed?: number;
}

const NOISE_DIR = '_background_noise_';
const byFile = (a: Clip, b: Clip): number => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);

/**
 * The names in `dir` that `keep` accepts, sorted. A symlink is judged by what it points to (stat,
 * not the entry's own type): a word folder linked in from elsewhere was skipped without a word.
 */
function sortedNames(dir: string, keep: (name: string, isDir: boolean, isFile: () => boolean) => boolean): string[] {
  const target = (name: string): Stats | undefined => statSync(join(dir, name), { throwIfNoEntry: false });
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => {
      const linked = e.isSymbolicLink() ? target(e.name) : undefined;
      return keep(e.name, e.isDirectory() || linked?.isDirectory() === true, () => e.isFile() || linked?.isFile() === true);
    })
    .map((e) => e.name)
    .sort();
}

/** A `.wav` regular file (or a link to one): a FIFO or socket named `*.wav` would block a read forever. */
function isWav(name: string, isDir: boolean, isFile: () => boolean): boolean {
  return !isDir && !name.startsWith('.') && name.toLowerCase().endsWith('.wav') && isFile();
}

/** Reads a split list as a set of normalised relative paths; throws naming the file if absent. */
function readList(root: string, name: string): Set<string> {
  const path = join(root, name);
  if (!existsSync(path)) throw new Error(`${root}: no ${name} for the official split (use split 'random')`);
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  return new Set(lines.map((l) => l.trim().replace(/\\/g, '/').replace(/^\.\//, '')).filter((l) => l !== ''));
}

function checkFraction(name: string, f: number): void {
  if (!(f >= 0 && f < 1)) throw new RangeError(`scanSpeechCommands: ${name} must be in [0, 1), got ${f}`);
}

function splitOfficial(root: string, clips: Clip[]): Pick<SpeechCommands, 'train' | 'val' | 'test'> {
  const valSet = readList(root, 'validation_list.txt');
  const testSet = readList(root, 'testing_list.txt');
  const out = { train: [] as Clip[], val: [] as Clip[], test: [] as Clip[] };
  for (const c of clips) (valSet.has(c.file) ? out.val : testSet.has(c.file) ? out.test : out.train).push(c);
  return out;
}

function splitRandom(clips: Clip[], valFraction: number, testFraction: number, seed: number): Pick<SpeechCommands, 'train' | 'val' | 'test'> {
  checkFraction('valFraction', valFraction);
  checkFraction('testFraction', testFraction);
  if (valFraction + testFraction >= 1) {
    throw new RangeError(`scanSpeechCommands: valFraction + testFraction must be < 1, got ${valFraction + testFraction}`);
  }
  const shuffled = new Rng(seed).shuffle(clips.slice());
  const nTest = Math.round(clips.length * testFraction);
  const nVal = Math.round(clips.length * valFraction);
  return {
    test: shuffled.slice(0, nTest).sort(byFile),
    val: shuffled.slice(nTest, nTest + nVal).sort(byFile),
    train: shuffled.slice(nTest + nVal).sort(byFile),
  };
}

function checkRoot(root: string): void {
  if (!existsSync(root)) throw new Error(`${root}: no such folder`);
  if (!statSync(root).isDirectory()) throw new Error(`${root}: not a folder`);
}

/**
 * Scans a Speech Commands folder into labelled, split clip lists (no audio is read).
 *
 * @example
 * const sc = scanSpeechCommands('data/speech_commands_v0.01', { keyword: 'sheila' });
 * sc.train.length; // all clips not in validation_list.txt or testing_list.txt
 */
export function scanSpeechCommands(root: string, opts: ScanOptions = {}): SpeechCommands {
  const abs = resolve(root);
  checkRoot(abs);
  const keyword = opts.keyword ?? 'sheila';
  const words = sortedNames(abs, (name, isDir) => isDir && !name.startsWith('_') && !name.startsWith('.'));
  if (!words.includes(keyword)) throw new Error(`no folder '${keyword}' in ${abs}`);
  const clips: Clip[] = [];
  for (const word of words) {
    for (const name of sortedNames(join(abs, word), isWav)) {
      clips.push({ file: `${word}/${name}`, word, label: word === keyword ? 1 : 0 });
    }
  }
  if (clips.length === 0) throw new Error(`${abs}: no .wav clips in any word folder`);
  if (!clips.some((c) => c.label === 1)) throw new Error(`${abs}: no .wav clips in folder '${keyword}'`);
  const splits =
    (opts.split ?? 'official') === 'official'
      ? splitOfficial(abs, clips)
      : splitRandom(clips, opts.valFraction ?? 0.2, opts.testFraction ?? 0, opts.seed ?? 0);
  const noiseDir = join(abs, NOISE_DIR);
  const noiseFiles = existsSync(noiseDir) ? sortedNames(noiseDir, isWav).map((n) => join(noiseDir, n)) : [];
  return { root: abs, keyword, words, ...splits, noiseFiles };
}

/**
 * The clips of one split, or all of them (train, val, test concatenated, sorted by file).
 *
 * @example
 * const everything = clipsOf(sc, 'all');
 */
export function clipsOf(sc: SpeechCommands, split: 'train' | 'val' | 'test' | 'all'): Clip[] {
  if (split === 'all') return [...sc.train, ...sc.val, ...sc.test].sort(byFile);
  return sc[split];
}

/**
 * Loads clips as 16 kHz arrays of exactly 16000 samples (resampled, zero-padded or cropped).
 * Channels are summed, as the course recipe loads its data set; `eval` passes 'mean' for a
 * user's clips (see wav.ts).
 *
 * @example
 * const waves = loadClips(sc.root, sc.val, (done, total) => bar.update(done / total));
 */
export function loadClips(root: string, clips: Clip[], onProgress?: (done: number, total: number) => void, mix: ChannelMix = 'sum'): Float32Array[] {
  const out: Float32Array[] = [];
  for (const clip of clips) {
    out.push(loadClip(join(root, clip.file), 16000, 16000, mix));
    onProgress?.(out.length, clips.length);
  }
  return out;
}

/**
 * Loads whole background-noise files, resampled to 16 kHz (their full length is kept); channels
 * summed, as the course recipe does.
 *
 * @example
 * const noises = loadNoise(sc.noiseFiles);
 */
export function loadNoise(files: string[]): Float32Array[] {
  return files.map((f) => {
    const { samples, sampleRate } = readWav(f, 'sum');
    return sampleRate === 16000 ? samples : resample(samples, sampleRate, 16000);
  });
}
