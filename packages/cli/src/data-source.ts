/**
 * Where the clips come from: a Speech Commands folder given by the user, or the built-in
 * synthetic set, generated on demand by the optional GPL package `@kws/synth` (imported
 * dynamically, never statically) into a cache folder and reused. Also loading a split's clips
 * with progress, and the one seeded random split that `train` and `eval` share.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadClips, scanSpeechCommands, type ChannelMix, type Clip, type SpeechCommands } from '@kws/kws-model';
import { int, shown } from './format.js';
import type { Io } from './io.js';
import { Progress } from './progress.js';

export type SplitBy = 'official' | 'random';

/** The random split: the course's 80/20 train/val shuffle, seed 0, no test clips. */
export const RANDOM_SPLIT = { valFraction: 0.2, testFraction: 0, seed: 0 } as const;

/** Scan a folder with the official lists, or the shared seeded random split. */
export function scanData(root: string, keyword: string, splitBy: SplitBy): SpeechCommands {
  return scanSpeechCommands(root, { keyword, split: splitBy, ...RANDOM_SPLIT });
}

/** The nearest folder at or above `from` holding a workspaces package.json or .git; else `from`. */
export function projectRoot(from = process.cwd()): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces !== undefined) return dir;
      } catch {
        // not ours: keep walking up
      }
    }
    if (dirname(dir) === dir) return resolve(from);
  }
}

/** The default cache folder: `<project or cwd>/.cache/kws-ts`. */
export function defaultCache(): string {
  return join(projectRoot(), '.cache', 'kws-ts');
}

export interface SynthSpec {
  seed: number;
  speakers: number;
  keyword: string;
  /** Share of speakers per engine, e.g. { espeak: 0.8, flite: 0.2 }; default eSpeak only. */
  engines?: Record<string, number>;
  /** Parts of the generator left out, for an ablation (synth's PARTS); default none. */
  without?: string[];
}

/**
 * Parses `--engines`: names with optional shares, 'espeak', 'espeak,flite' (equal shares) or
 * 'espeak:0.8,flite:0.2'.
 *
 * @example
 * parseEngines('espeak:3,flite:1'); // { espeak: 3, flite: 1 }
 */
export function parseEngines(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const m = /^([a-z]+)(?::([0-9]*\.?[0-9]+))?$/.exec(part.trim());
    if (m === null) throw new Error(`--engines: expected NAME or NAME:SHARE separated by commas, got '${part}'`);
    out[m[1]] = m[2] === undefined ? 1 : Number(m[2]);
  }
  return out;
}

/**
 * Training speakers of the default built-in set (about 5,900 training clips), beside 40
 * validation and 40 testing speakers (240 keyword and 3,080 other clips each): about 12,500
 * clips in all. Why 100: an epoch is one pass over the training clips, and 20 epochs of ~5,900
 * keep the whole default `kws-cli train` within minutes on two cores.
 */
export const SYNTH_SPEAKERS = 100;

/**
 * The synthesizers of the default built-in set and their shares of the speakers (`--engines`).
 * Flite: its voices are built from recordings of real speakers, and a teacher trained on them
 * carries over to real speech far better than one trained on eSpeak NG's formant voices
 * (README, "The teacher on the built-in data": real-clip au_fa_fr over seeds, and the ablation).
 * eSpeak NG still gives every set its letter-to-sound (the keyword's near-homophones).
 */
export const SYNTH_ENGINES = 'flite';
/** `--engines` of train, distill, reproduce and data synth: one definition. */
export const ENGINES_FLAG = {
  type: 'string',
  default: SYNTH_ENGINES,
  metavar: 'LIST',
  help: "synthesizers of the built-in set and their share of the speakers: 'espeak' (eSpeak NG, GPL, formant synthesis), 'flite' (CMU Flite, BSD, 4 voices from recorded speakers, each speaker with its own rate and pitch), 'espeak:0.5,flite:0.5'",
} as const;

/** `synth-<seed>`, plus the speakers and keyword when they are not the defaults. */
export function synthFolder(cache: string, s: SynthSpec): string {
  const speakers = s.speakers === SYNTH_SPEAKERS ? '' : `-${s.speakers}spk`;
  const keyword = s.keyword === 'sheila' ? '' : `-${s.keyword.replaceAll(' ', '_')}`;
  // eSpeak alone (the first default) has no suffix; one other engine alone is named; a mix lists shares.
  const entries = Object.entries(s.engines ?? { espeak: 1 });
  const mix = entries.length === 1 ? entries[0][0] : entries.map(([k, v]) => `${k}${v}`).join('-');
  const engines = mix === 'espeak' ? '' : `-${mix}`;
  const without = s.without === undefined || s.without.length === 0 ? '' : `-without-${[...s.without].sort().join('-')}`;
  return join(resolve(cache), `synth-${s.seed}${speakers}${keyword}${engines}${without}`);
}

type SynthModule = typeof import('@kws/synth');

async function loadSynth(): Promise<SynthModule> {
  try {
    return await import('@kws/synth');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`the built-in data set needs the optional package @kws/synth, which did not load (${why}); use --data DIR with a Speech Commands folder`);
  }
}

/**
 * Generate the synthetic set into `dir`, or reuse it when it is already there with the same
 * settings. Returns the folder and whether it was made now.
 */
export async function ensureSynth(io: Io, dir: string, s: SynthSpec): Promise<{ root: string; clips: number; speakers: number; made: boolean }> {
  const synth = await loadSynth();
  let bar: Progress | undefined;
  const onProgress = (done: number, total: number): void => {
    bar ??= new Progress(io, { label: 'generating synthetic clips', total, unit: 'clips' });
    bar.update(done);
  };
  const r = await synth.generateSynthDataset({ outDir: dir, seed: s.seed, speakers: s.speakers, keyword: s.keyword, engines: s.engines, without: s.without, onProgress });
  bar?.done();
  return { root: r.outDir, clips: r.clips, speakers: r.speakers, made: bar !== undefined };
}

/**
 * A line saying that `root` is a synthetic set made by an older revision of the generator (its
 * `synth.json` says which), or undefined. The cache makes such a set anew, but `--data` trains on
 * a folder as it is: this says so instead of training on stale clips without a word.
 *
 * @example
 * const note = await outdatedSynthNote('.cache/kws-ts/synth-0-marvin-flite'); // undefined when current
 */
export async function outdatedSynthNote(root: string): Promise<string | undefined> {
  const found = await synthManifest(root);
  const made = found?.manifest.settings.generator;
  if (found === undefined || made === undefined || made >= found.synth.GENERATOR) return undefined;
  return `note: ${root} was made by revision ${made} of the synthetic-data generator, this one is revision ${found.synth.GENERATOR}: training on it as it is (\`kws-cli data synth\` with its settings, or the built-in data without --data, makes it anew)`;
}

/**
 * The manifest of a synthetic set read by the generator's own reader, with the generator; undefined
 * for a real folder (no synth.json: the optional generator is not loaded for it), when the generator
 * is not installed, or when the manifest is malformed.
 */
async function synthManifest(root: string): Promise<{ synth: SynthModule; manifest: NonNullable<ReturnType<SynthModule['readManifest']>> } | undefined> {
  if (!existsSync(join(root, 'synth.json'))) return undefined;
  let synth: SynthModule;
  try {
    synth = await import('@kws/synth');
  } catch {
    return undefined;
  }
  const manifest = synth.readManifest(root);
  return manifest === undefined ? undefined : { synth, manifest };
}

export interface Labelled {
  clips: Float32Array[];
  labels: Int32Array;
}

/**
 * The words of a synthetic set made as sound-alikes of its keyword ('shayla', 'leila', ...: its
 * `synth.json` lists them), or none for a real folder. They are hard negatives on purpose, rare in
 * ordinary speech, so the stream the operating point is chosen on leaves them out.
 */
async function soundAlikes(root: string): Promise<Set<string>> {
  return new Set((await synthManifest(root))?.manifest.words.homophones ?? []);
}

/**
 * The clips an operating point is chosen on: `list` (loaded as `loaded`) without a synthetic
 * set's sound-alikes of the keyword, the words that name them (`the val split of DIR ...`), and
 * how many are keyword clips (it needs some, and some others).
 */
export async function calibrationClips(root: string, list: readonly Clip[], loaded: Labelled, split: string): Promise<{ held: Labelled; data: string; keywordClips: number }> {
  const drop = await soundAlikes(root);
  const keep = list.map((c, i) => (drop.has(c.word) ? -1 : i)).filter((i) => i >= 0);
  const held = { clips: keep.map((i) => loaded.clips[i]), labels: Int32Array.from(keep, (i) => loaded.labels[i]) };
  const data = `the ${split} split of ${shown(root)}${drop.size > 0 ? " without the keyword's sound-alikes" : ''}`;
  return { held, data, keywordClips: held.labels.filter((l) => l === 1).length };
}

/** Read the audio of `clips` (several lists, one bar) and their labels. */
export function loadLabelled(io: Io, root: string, lists: readonly Clip[][], label = 'loading clips', mix: ChannelMix = 'sum'): Labelled[] {
  const total = lists.reduce((s, l) => s + l.length, 0);
  const bar = new Progress(io, { label, total, unit: 'clips' });
  let before = 0;
  const out = lists.map((list) => {
    const clips = loadClips(root, list, (done) => bar.update(before + done), mix);
    before += list.length;
    return { clips, labels: Int32Array.from(list, (c) => c.label) };
  });
  bar.done();
  return out;
}

/** `300 clips (10 keyword, 290 other)`. */
export function clipCounts(list: readonly Clip[]): string {
  const kw = list.filter((c) => c.label === 1).length;
  return `${int(list.length)} clips (${int(kw)} keyword, ${int(list.length - kw)} other)`;
}

/**
 * Throws unless `list` holds both keyword and other clips: with one class missing au_fa_fr is 0
 * and FR or FA is 0 whatever the model does, a figure that looks perfect and means nothing.
 * @example bothClasses(sc.val, `${sc.root}: the validation split`, 'sheila');
 */
export function bothClasses(list: readonly Clip[], what: string, keyword: string): void {
  const kw = list.filter((c) => c.label === 1).length;
  if (kw > 0 && kw < list.length) return;
  const has = kw === 0 ? `no '${keyword}' clips` : `only '${keyword}' clips`;
  throw new Error(`${what} has ${has} (${clipCounts(list)}); au_fa_fr needs keyword and other clips, else it is 0 whatever the model does`);
}
