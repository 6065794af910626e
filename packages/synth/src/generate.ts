/**
 * `generateSynthDataset`: the whole synthetic Speech Commands folder from one seed.
 *
 * Layout (as Speech Commands v0.01): `<word>/<speakerId>_nohash_<k>.wav` (16 kHz, 16-bit, mono,
 * exactly 16,000 samples), `_background_noise_/*.wav`, `validation_list.txt`, `testing_list.txt`,
 * and our `synth.json`. Everything is written into `<outDir>.partial-<pid>` and renamed into place
 * at the end, so an interrupted run never leaves a half-made `outDir`.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { encodeWav } from '@kws/kws-model';
import { RATE, renderBackground, renderClip } from './clips.js';
import { loadEspeak } from './espeak.js';
import type { Speaker } from './espeak.js';
import { MANIFEST, packageVersions, readManifest, sameSettings } from './manifest.js';
import type { SynthManifest, SynthSettings } from './manifest.js';
import { SynthRng } from './rng.js';
import { makeSpeakers } from './speakers.js';
import type { SynthSpeaker } from './speakers.js';
import { assignSplits, writeSplitLists } from './splits.js';
import type { Split } from './splits.js';
import { WORDS } from './words.js';

/** Options of {@link generateSynthDataset}. */
export interface SynthOptions {
  /** Target folder; reused as is when it holds a complete data set made with the same settings. */
  outDir: string;
  /** Seed of every random choice (default 0). */
  seed?: number;
  /** Number of synthetic speakers, i.e. voice settings (default 72: about 2,700 clips; the CLI asks for 120). */
  speakers?: number;
  /** The keyword; added as a 31st word if it is not one of {@link WORDS} (default 'sheila'). */
  keyword?: string;
  /** Called after each clip, and once after the background files, with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link generateSynthDataset} returns. */
export interface SynthResult {
  clips: number;
  speakers: number;
  outDir: string;
}

/** Share of (speaker, word) pairs said a second time, and the background files' length. */
const SECOND_TAKE = 0.25;
const BACKGROUND_SECONDS = 45;
const BABBLERS = 8;

/** One clip to make. */
interface Job {
  speaker: SynthSpeaker;
  word: string;
  take: number;
  split: Split;
}

/** Validates the options at the edge and fills in defaults. */
function resolveSettings(opts: SynthOptions): SynthSettings {
  const seed = opts.seed ?? 0;
  const speakers = opts.speakers ?? 72;
  const keyword = opts.keyword ?? 'sheila';
  if (!Number.isSafeInteger(seed)) throw new RangeError(`synth: seed must be a safe integer, got ${seed}`);
  if (!(Number.isInteger(speakers) && speakers >= 1 && speakers <= 100_000)) {
    throw new RangeError(`synth: speakers must be an integer in [1, 100000], got ${speakers}`);
  }
  if (!/^[a-z]{1,32}$/.test(keyword)) throw new RangeError(`synth: keyword must be 1-32 letters a-z, got '${keyword}'`);
  const words = WORDS.includes(keyword) ? [...WORDS] : [...WORDS, keyword].sort();
  return { seed, speakers, keyword, words, ...packageVersions() };
}

/** Every clip to make, in generation order (speaker by speaker, so eSpeak switches voice rarely). */
function planJobs(settings: SynthSettings, rng: SynthRng): Job[] {
  const speakers = makeSpeakers(rng, settings.speakers);
  const splits = assignSplits(speakers.map((s) => s.id), rng);
  const jobs: Job[] = [];
  for (const speaker of speakers) {
    const split = splits.get(speaker.id) ?? 'training';
    for (const word of settings.words) {
      const takes = rng.chance(SECOND_TAKE) ? 2 : 1;
      for (let take = 0; take < takes; take++) jobs.push({ speaker, word, take, split });
    }
  }
  return jobs;
}

/** The relative path of a job's WAV file, with forward slashes as in the split lists. */
const clipPath = (j: Job): string => `${j.word}/${j.speaker.id}_nohash_${j.take}.wav`;

/** Writes every clip, then the background files; reports progress over both. */
function writeAudio(dir: string, espeak: Speaker, settings: SynthSettings, jobs: readonly Job[], progress: (n: number) => void): void {
  const clipRng = SynthRng.derive(settings.seed, 2);
  for (const word of settings.words) mkdirSync(join(dir, word));
  jobs.forEach((job, i) => {
    const clip = renderClip(espeak, clipRng, job.speaker, job.word);
    writeFileSync(join(dir, clipPath(job)), encodeWav(clip, RATE, 16));
    progress(i + 1);
  });
  const bgRng = SynthRng.derive(settings.seed, 3);
  const babblers = makeSpeakers(bgRng, BABBLERS);
  const others = settings.words.filter((w) => w !== settings.keyword);
  const background = renderBackground(espeak, bgRng, babblers, others, BACKGROUND_SECONDS);
  mkdirSync(join(dir, '_background_noise_'));
  for (const [name, samples] of Object.entries(background)) {
    writeFileSync(join(dir, '_background_noise_', `${name}.wav`), encodeWav(samples, RATE, 16));
  }
  progress(jobs.length + 1);
}

/** The manifest's counts for a finished plan. */
function countJobs(settings: SynthSettings, jobs: readonly Job[], lists: { validation: number; testing: number }): SynthManifest['counts'] {
  const perWord: Record<string, number> = {};
  for (const w of settings.words) perWord[w] = 0;
  for (const j of jobs) perWord[j.word] += 1;
  const speakersIn = (split: Split): number => new Set(jobs.filter((j) => j.split === split).map((j) => j.speaker.id)).size;
  return {
    clips: jobs.length,
    speakers: settings.speakers,
    keywordClips: perWord[settings.keyword],
    perWord,
    validationClips: lists.validation,
    testingClips: lists.testing,
    validationSpeakers: speakersIn('validation'),
    testingSpeakers: speakersIn('testing'),
  };
}

/** Generates the data set into `dir` (a fresh folder) and returns its manifest. */
async function build(dir: string, settings: SynthSettings, onProgress?: (done: number, total: number) => void): Promise<SynthManifest> {
  const t0 = performance.now();
  const jobs = planJobs(settings, SynthRng.derive(settings.seed, 1));
  const total = jobs.length + 1;
  const espeak = await loadEspeak();
  writeAudio(dir, espeak, settings, jobs, (done) => onProgress?.(done, total));
  const lists = writeSplitLists(dir, jobs.map((j) => [clipPath(j), j.split] as const));
  const manifest: SynthManifest = {
    format: 'kws-synth',
    formatVersion: 1,
    settings,
    counts: countJobs(settings, jobs, lists),
    seconds: Math.round(performance.now() - t0) / 1000,
  };
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Refuses to replace a non-empty folder that is not one of our data sets (it may be the user's). */
function assertReplaceable(outDir: string): void {
  if (!existsSync(outDir)) return;
  const entries = readdirSync(outDir);
  if (entries.length > 0 && !entries.includes(MANIFEST)) {
    throw new Error(`${outDir} exists and holds no ${MANIFEST}: not a synthetic data set, refusing to replace it`);
  }
}

/** True if process `pid` still runs (signal 0 only checks; EPERM means it exists). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `<outDir>.partial-<pid>-<n>` folders whose process has died (an interrupted run). */
function sweepPartials(outDir: string): void {
  const parent = dirname(outDir);
  const prefix = `${basename(outDir)}.partial-`;
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    const pid = Number(name.startsWith(prefix) ? name.slice(prefix.length).split('-')[0] : NaN);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

/** Moves the finished `tmp` to `outDir`, replacing an old data set only once the new one exists. */
function commit(tmp: string, outDir: string): void {
  if (!existsSync(outDir)) return renameSync(tmp, outDir);
  const old = `${tmp}.old`;
  renameSync(outDir, old);
  renameSync(tmp, outDir);
  rmSync(old, { recursive: true, force: true });
}

/** Counts generations started by this process, to name concurrent partial folders apart. */
let started = 0;

/**
 * Generates the synthetic keyword-spotting data set (eSpeak NG voices, Speech Commands layout),
 * or returns at once when `outDir` already holds one made with the same settings.
 *
 * @example
 * const { clips } = await generateSynthDataset({ outDir: 'data/synth', seed: 0 });
 * // data/synth/sheila/*.wav, data/synth/validation_list.txt, ... (about 2,700 clips)
 */
export async function generateSynthDataset(opts: SynthOptions): Promise<SynthResult> {
  const settings = resolveSettings(opts);
  const outDir = resolve(opts.outDir);
  const cached = readManifest(outDir);
  if (cached !== undefined && sameSettings(cached.settings, settings)) {
    return { clips: cached.counts.clips, speakers: cached.counts.speakers, outDir };
  }
  assertReplaceable(outDir);
  sweepPartials(outDir);
  const tmp = `${outDir}.partial-${process.pid}-${++started}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const manifest = await build(tmp, settings, opts.onProgress);
    commit(tmp, outDir);
    return { clips: manifest.counts.clips, speakers: manifest.counts.speakers, outDir };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
