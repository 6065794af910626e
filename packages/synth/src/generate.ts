/**
 * `generateSynthDataset`: the whole synthetic Speech Commands folder from one seed.
 *
 * Layout (as Speech Commands v0.01): `<word>/<speakerId>_nohash_<k>.wav` (16 kHz, 16-bit, mono,
 * exactly 16,000 samples), `_background_noise_/*.wav`, `validation_list.txt`, `testing_list.txt`,
 * and our `synth.json`. Clips are rendered on worker threads (see plan.ts for why the files do
 * not depend on the thread count). Everything is written into `<outDir>.partial-<pid>` and
 * renamed into place at the end, so an interrupted run never leaves a half-made `outDir`.
 */
import { availableParallelism } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { editDistance } from '@kws/kws-model';
import { PARTS, type Part } from './clips.js';
import { ENGINES } from './engines.js';
import { loadEspeak } from './espeak.js';
import { MANIFEST, packageVersion, readManifest, sameSettings } from './manifest.js';
import type { SynthManifest, SynthSettings } from './manifest.js';
import { COMMON_WORDS, nearHomophones, phonemeTokens, soundsLikeKeyword } from './negatives.js';
import { planJobs, type Job } from './plan.js';
import { runTasks } from './pool.js';
import { SynthRng } from './rng.js';
import { makeSpeakers } from './speakers.js';
import { assignSplits, writeSplitLists, type Split } from './splits.js';
import { replaceAtomically } from './staging.js';
import { clipPath, type Task } from './worker.js';
import { WORDS } from './words.js';

/** Options of {@link generateSynthDataset}. */
export interface SynthOptions {
  /** Target folder; reused as is when it holds a complete data set made with the same settings. */
  outDir: string;
  /** Seed of every random choice (default 0). */
  seed?: number;
  /** Training speakers (default 100). */
  speakers?: number;
  /**
   * Speakers in validation and in testing, each (default 40: 240 keyword and 3,080 other clips
   * per split; half the training speakers, at least 1, when there are fewer than 80).
   */
  heldOut?: number;
  /** The keyword: a word or a phrase of up to three words, letters a-z (default 'sheila'). */
  keyword?: string;
  /** Share of speakers per engine (default { espeak: 1 }); names are keys of ENGINES ('espeak', 'flite'). */
  engines?: Record<string, number>;
  /**
   * Parts to leave out, to measure what each contributes (clips.ts PARTS): 'homophones' and
   * 'common' drop those negatives from the vocabulary; the others switch off a step of every
   * clip's pipeline. Default: none.
   */
  without?: readonly string[];
  /** Worker threads (default: up to 2, as the machine allows); the files do not depend on it. */
  threads?: number;
  /** Called after each clip with (done, total clips). */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link generateSynthDataset} returns. */
export interface SynthResult {
  clips: number;
  speakers: number;
  outDir: string;
  counts: SynthManifest['counts'];
}

/** Bump when a code change alters the generated files: the cache then regenerates. */
export const GENERATOR = 3;
const BACKGROUND_SECONDS = 45;
const BABBLERS = 8;
/** Default engine mix of the speakers (name -> share). */
const ENGINE_MIX: Record<string, number> = { espeak: 1 };

/** The engine mix, checked: known names, non-negative shares, a positive total. */
function engineMix(mix: Record<string, number> = ENGINE_MIX): Record<string, number> {
  const names = Object.keys(mix).sort();
  for (const n of names) {
    if (!(n in ENGINES)) throw new RangeError(`synth: unknown engine '${n}' (known: ${Object.keys(ENGINES).join(', ')})`);
    if (!(Number.isFinite(mix[n]) && mix[n] >= 0)) throw new RangeError(`synth: engine share must be a non-negative number, got ${n}:${mix[n]}`);
  }
  if (!(names.reduce((t, n) => t + mix[n], 0) > 0)) throw new RangeError('synth: the engine shares add up to 0');
  return Object.fromEntries(names.filter((n) => mix[n] > 0).map((n) => [n, mix[n]]));
}

/** Validates the options at the edge and fills in defaults: the settings, i.e. the cache key. */
function resolveSettings(opts: SynthOptions): SynthSettings {
  const seed = opts.seed ?? 0;
  const speakers = opts.speakers ?? 100;
  const heldOut = opts.heldOut ?? (speakers >= 80 ? 40 : Math.max(1, Math.floor(speakers / 2)));
  const keyword = opts.keyword ?? 'sheila';
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`synth: seed must be a non-negative safe integer, got ${seed}`);
  for (const [name, v] of [['speakers', speakers], ['heldOut', heldOut]] as const) {
    if (!(Number.isInteger(v) && v >= 1 && v <= 100_000)) throw new RangeError(`synth: ${name} must be an integer in [1, 100000], got ${v}`);
  }
  if (!/^[a-z]+( [a-z]+){0,2}$/.test(keyword) || keyword.length > 32) {
    throw new RangeError(`synth: keyword must be a word or a phrase of up to 3 words, letters a-z, at most 32 characters, got '${keyword}'`);
  }
  const engines = engineMix(opts.engines);
  const engineVersions = Object.fromEntries(Object.keys(engines).map((e) => [e, ENGINES[e].version()]));
  const settings: SynthSettings = { seed, speakers, heldOut, keyword, engines, packageVersion: packageVersion(), generator: GENERATOR, engineVersions };
  const without = [...new Set(opts.without ?? [])].sort();
  for (const p of without) if (!(PARTS as readonly string[]).includes(p)) throw new RangeError(`synth: unknown part '${p}' to leave out (known: ${PARTS.join(', ')})`);
  return without.length > 0 ? { ...settings, without } : settings;
}

/**
 * The words a data set uses: the keyword's near-homophones, chosen by eSpeak's letter-to-sound,
 * and the common words; either list loses any word that sounds like the keyword as eSpeak (its
 * unstressed vowels reduced) or an engine of the set would say it (negatives.ts). Refuses a
 * keyword too long to say in the window.
 */
async function vocabulary(settings: SynthSettings): Promise<SynthManifest['words']> {
  const { keyword } = settings;
  const espeak = await loadEspeak(settings.seed);
  assertFits(espeak.speak(`${keyword}.`, { voice: 'en-us', variant: 'm1', pitch: 50, range: 50, rate: 150, amplitude: 100 }), espeak.sampleRate, keyword);
  const others = await Promise.all(Object.keys(settings.engines).filter((e) => e !== 'espeak').map((e) => ENGINES[e].load(settings.seed)));
  try {
    const sounds = [espeak, ...others].flatMap((e) => (e.sounds === undefined ? [] : [e.sounds.bind(e)]));
    const target = phonemeTokens(espeak.phonemes(keyword));
    const left = new Set(settings.without);
    const homophones = left.has('homophones') ? [] : nearHomophones(keyword, (t) => espeak.phonemes(t), sounds);
    const likeKeyword = soundsLikeKeyword(keyword, sounds);
    const common = left.has('common')
      ? []
      : COMMON_WORDS.filter((w) => !WORDS.includes(w) && !homophones.includes(w) && editDistance(phonemeTokens(espeak.phonemes(w)), target) > 0 && !likeKeyword(w));
    const commands = WORDS.filter((w) => w !== keyword);
    return { commands, homophones, common };
  } finally {
    for (const e of others) e.close?.();
  }
}

/** Refuses a keyword that a speaker at an ordinary rate (150 words a minute) cannot say in 0.9 s. */
function assertFits(x: Float32Array, rate: number, keyword: string): void {
  let a = 0;
  let b = x.length - 1;
  const thr = 0.02 * x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  while (a < b && Math.abs(x[a]) <= thr) a++;
  while (b > a && Math.abs(x[b]) <= thr) b--;
  const seconds = (b - a) / rate;
  if (seconds > 0.9) throw new RangeError(`synth: '${keyword}' takes ${seconds.toFixed(2)} s to say: too long for the 1 s window`);
}

/** Speakers, splits, jobs and the worker tasks of a plan. */
function plan(settings: SynthSettings, words: SynthManifest['words'], dir: string): { jobs: Job[]; tasks: Task[] } {
  const rng = SynthRng.derive(settings.seed, 1);
  const speakers = makeSpeakers(rng, settings.speakers + 2 * settings.heldOut, settings.engines);
  const splits = assignSplits(speakers.map((s) => s.id), settings.heldOut);
  const { commands } = words;
  const vocab = { keyword: settings.keyword, ...words };
  const { jobs, chunks } = planJobs(speakers, splits, vocab, rng);
  const engineSeed = (i: number): number => SynthRng.derive(settings.seed, 4).nextU32() ^ Math.imul(i + 1, 0x9e3779b9);
  const tasks: Task[] = [];
  const bgRng = SynthRng.derive(settings.seed, 3);
  const babblers = makeSpeakers(bgRng, BABBLERS, settings.engines);
  // The background goes first: it is the longest single task.
  tasks.push({ kind: 'background', dir, engineSeed: engineSeed(-1) >>> 0, rngSeed: settings.seed, stream: 5, babblers, words: [...commands, ...words.common.slice(0, 50)], seconds: BACKGROUND_SECONDS });
  const without = (settings.without ?? []) as Part[];
  chunks.forEach((c, i) => tasks.push({ kind: 'chunk', dir, seed: settings.seed, engineSeed: engineSeed(i) >>> 0, jobs: c, without }));
  return { jobs, tasks };
}

/** The manifest's counts for a finished plan. */
function countJobs(settings: SynthSettings, jobs: readonly Job[], lists: { validation: number; testing: number }): SynthManifest['counts'] {
  const perWord: Record<string, number> = {};
  for (const j of jobs) perWord[j.word] = (perWord[j.word] ?? 0) + 1;
  const speakersIn = (split: Split): number => new Set(jobs.filter((j) => j.split === split).map((j) => j.speaker.id)).size;
  const keywordIn = (split: Split): number => jobs.filter((j) => j.split === split && j.word === settings.keyword).length;
  return {
    clips: jobs.length,
    speakers: new Set(jobs.map((j) => j.speaker.id)).size,
    keywordClips: perWord[settings.keyword],
    perWord,
    validationClips: lists.validation,
    testingClips: lists.testing,
    validationSpeakers: speakersIn('validation'),
    testingSpeakers: speakersIn('testing'),
    validationKeyword: keywordIn('validation'),
    testingKeyword: keywordIn('testing'),
  };
}

/** Generates the data set into `dir` (a fresh folder) and returns its manifest. */
async function build(dir: string, settings: SynthSettings, threads: number, onProgress?: (done: number, total: number) => void): Promise<SynthManifest> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const words = await vocabulary(settings);
  const { jobs, tasks } = plan(settings, words, dir);
  for (const word of new Set(jobs.map((j) => j.word))) mkdirSync(join(dir, word), { recursive: true });
  mkdirSync(join(dir, '_background_noise_'));
  let done = 0;
  await runTasks(tasks, threads, () => onProgress?.(++done, jobs.length));
  const lists = writeSplitLists(dir, jobs.map((j) => [clipPath(j), j.split] as const));
  const manifest: SynthManifest = {
    format: 'kws-synth',
    formatVersion: 2,
    settings,
    words,
    counts: countJobs(settings, jobs, lists),
    seconds: Math.round(performance.now() - t0) / 1000,
    cpuSeconds: Math.round((process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1000) / 1000,
  };
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * Generates the synthetic keyword-spotting data set (Speech Commands layout), or returns at once
 * when `outDir` already holds one made with the same settings.
 *
 * @example
 * const { clips } = await generateSynthDataset({ outDir: 'data/synth', seed: 0 });
 * // data/synth/sheila/*.wav, data/synth/validation_list.txt, ... (about 12,500 clips)
 */
export async function generateSynthDataset(opts: SynthOptions): Promise<SynthResult> {
  const settings = resolveSettings(opts);
  const threads = opts.threads ?? Math.min(2, availableParallelism());
  const outDir = resolve(opts.outDir);
  const cached = readManifest(outDir);
  const result = (m: SynthManifest): SynthResult => ({ clips: m.counts.clips, speakers: m.counts.speakers, outDir, counts: m.counts });
  if (cached !== undefined && sameSettings(cached.settings, settings)) return result(cached);
  return result(await replaceAtomically(outDir, MANIFEST, (tmp) => build(tmp, settings, threads, opts.onProgress)));
}
