/**
 * Setting up a training run: the run folder (refusing to overwrite one, or restoring the
 * settings of the run being resumed), the data (a folder, or the built-in synthetic set), and
 * the run's config.json.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { countParameters, loadModel, writeFileAtomic, type CRNNConfig, type SpeechCommands } from '@kws/kws-model';
import { readManifest, recoverRun, type TrainConfig } from '@kws/distill';
import { restoredProblem, type FlagSpec, type FlagSpecs } from './args.js';
import { defaultCache, ensureSynth, outdatedSynthNote, parseEngines, scanData, synthFolder, type SplitBy, type SynthSpec } from './data-source.js';
import { int, shown } from './format.js';
import type { Io } from './io.js';
import { memberDir } from './train-ensemble.js';

/** The flags of `train` that shape the run (what config.json keeps for --resume). */
export type RunOptions = Pick<TrainConfig, 'epochs' | 'batchSize' | 'lr' | 'weightDecay' | 'clipNorm' | 'seed'> & {
  ema: number;
  data: string | undefined;
  arch: string;
  keyword: string;
  split: SplitBy;
  noAugment: boolean;
  /** Per-clip augmentation on the built-in data too (train's `--augment`; absent in distill). */
  augment?: boolean;
  noSpecAugment: boolean;
  /** SpecAugment's masks: one pair per batch (the course) or per clip (`--spec-masks`). */
  specMasks: string;
  cache: string | undefined;
  synthSeed: number;
  speakers: number;
  engines: string;
  /** The false accepts per hour the operating point is chosen for (train's `--operating-fa`; absent in older runs). */
  operatingFa?: number;
  /** train's `--mine-rounds` / `--mine-epochs` (absent in distill and in older runs: no mining). */
  mineRounds?: number;
  mineEpochs?: number;
  mineContext?: boolean;
  /** Members of train's `--ensemble` (absent in distill and in older runs: 1). */
  ensemble?: number;
};

/** Flags that never come back from a saved run. */
const NOT_RESTORED = new Set(['resume', 'out', 'name']);
/** Flags that cannot change on --resume: they change what the saved weights mean. */
const FIXED_ON_RESUME = ['preset', 'arch', 'keyword', 'ensemble'];

/**
 * The run folder: `--out`, else `runs/<name>`, the name defaulting to `<arch>-<data>`, and
 * `<arch>-<data>-<keyword>` for a keyword other than 'sheila', so that a second keyword's run
 * does not collide with the first (the 'sheila' names stay those the README uses).
 */
export function runFolder(out: string | undefined, name: string | undefined, o: Pick<RunOptions, 'data' | 'arch'> & { keyword?: string }): string {
  if (out !== undefined) return resolve(out);
  const data = o.data === undefined ? 'synth' : basename(resolve(o.data));
  const keyword = o.keyword === undefined || o.keyword === 'sheila' ? '' : `-${o.keyword.replace(/[^\p{L}\p{N}_-]+/gu, '_')}`;
  return resolve('runs', name ?? `${o.arch}-${data}${keyword}`);
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
const kebab = (k: string): string => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * The `options` saved in a run's config.json. Missing, broken or without an `options` object, it
 * is refused: --resume would otherwise fall back to the defaults, e.g. a real-data run resumed
 * on the synthetic set.
 */
function savedOptions(dir: string): Record<string, unknown> {
  const path = join(dir, 'config.json');
  const need = "--resume needs the run's config.json (its data, recipe and flags); start a new run with another --out";
  if (!existsSync(path)) throw new Error(`${path}: no such file; ${need}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new Error(`${path}: not valid JSON; ${need}`);
  }
  const options = typeof json === 'object' && json !== null ? (json as { options?: unknown }).options : undefined;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new Error(`${path}: no "options" object; ${need}`);
  return options as Record<string, unknown>;
}

/** Throws naming config.json and the option if a saved value breaks its flag's rules (or, with no flag, is not of the type in use). */
function checkRestored(dir: string, key: string, value: unknown, current: unknown, specs: FlagSpecs): void {
  const spec = specs[key] as FlagSpec | undefined;
  const problem = spec !== undefined ? restoredProblem(key, spec, value) : current === undefined || typeof value === typeof current ? undefined : `expected a ${typeof current}`;
  if (problem !== undefined) throw new Error(`${join(dir, 'config.json')}: options.${key} ${JSON.stringify(value)} is not valid (${problem}); correct it, or give ${kebab(key)} again`);
}

/**
 * Finish the renames of a save that a kill interrupted after its commit (run-commit.ts), in the
 * run folder and in member-0 (which holds an ensemble's saves until its distillation begins), so
 * that the folder is judged by its last commit: a kill during the first commit's renames left
 * commit.json without last.safetensors, which --resume took for no run and a fresh run for one.
 * A folder whose commit cannot be finished is refused on --resume; a fresh run refuses it anyway.
 */
function finishInterruptedSave(dir: string, resume: boolean): void {
  for (const d of [dir, memberDir(dir, 0)]) {
    try {
      if (readManifest(d) !== undefined) recoverRun(d);
    } catch (err) {
      if (resume) throw err;
    }
  }
}

/**
 * Checks the folder against --resume, after finishing a save that a kill interrupted. Resuming:
 * flags not given again come from the saved config.json, each checked by its flag's rules in
 * `specs` (a missing config.json or a value its flag refuses is an error); a given flag that changes the meaning of the saved weights is refused, naming the
 * flag. Not resuming: a folder holding a run is refused rather than overwritten. Writes nothing
 * else.
 */
export function prepareRun<O extends object>(dir: string, resume: boolean, o: O, given: ReadonlySet<string>, specs: FlagSpecs): O {
  finishInterruptedSave(dir, resume);
  // The first member of train --ensemble holds the run's saves until the distillation begins.
  const first = memberDir(dir, 0);
  const holdsRun = [join(dir, 'commit.json'), join(dir, 'history.jsonl'), join(dir, 'last.safetensors'), join(first, 'commit.json'), join(first, 'last.safetensors')].some(existsSync);
  if (!resume) {
    if (holdsRun) throw new Error(`${shown(dir)} already holds a training run; continue it with --resume --out ${shown(dir)}, or choose another --name or --out`);
    return o;
  }
  if (![dir, first].some((d) => existsSync(join(d, 'last.safetensors')))) throw new Error(`nothing to resume in ${shown(dir)} (no last.safetensors); start a run without --resume`);
  const saved = savedOptions(dir);
  const merged = { ...o } as Record<string, unknown>;
  for (const k of FIXED_ON_RESUME) {
    if (given.has(k) && saved[k] !== undefined && saved[k] !== merged[k]) {
      throw new Error(`${kebab(k)} ${text(merged[k])} conflicts with the run in ${shown(dir)}, which has ${kebab(k)} ${text(saved[k])}; drop ${kebab(k)} to continue that run, or start a new one with another --out`);
    }
  }
  for (const [k, v] of Object.entries(saved)) {
    if (given.has(k) || NOT_RESTORED.has(k) || !(k in merged)) continue;
    checkRestored(dir, k, v, merged[k], specs);
    merged[k] = v;
  }
  return merged as O; // o's keys, each kept or replaced by a saved value its flag accepts
}

/** JSON with sorted keys, to compare two configs whatever their key order. */
const canonical = (x: object): string => JSON.stringify(x, (_k, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));

/**
 * On --resume, before anything of the new invocation is written: finish (or refuse) a save that a
 * kill interrupted, and check that the saved weights are of the model asked for; `flag` is what
 * selected it (e.g. '--arch exp1'), named in the error.
 */
export function checkResume(dir: string, model: CRNNConfig, flag: string): void {
  recoverRun(dir);
  const path = join(dir, 'last.safetensors');
  const saved = loadModel(path).info.config;
  if (canonical(saved) !== canonical(model)) {
    throw new Error(`${flag} conflicts with the run in ${shown(dir)}: its model has ${int(countParameters(saved))} parameters, ${flag} asks for ${int(countParameters(model))}; drop it to continue that run, or start a new one with another --out`);
  }
}

export interface DataSource {
  sc: SpeechCommands;
  kind: 'folder' | 'synthetic';
  synth?: SynthSpec & { folder: string };
}

/** Scan `--data`, or make/reuse the synthetic set (saying so, and how to use the real one). */
export async function resolveData(io: Io, o: Pick<RunOptions, 'data' | 'keyword' | 'split' | 'cache' | 'synthSeed' | 'speakers' | 'engines'>): Promise<DataSource> {
  if (o.data !== undefined) {
    const sc = scanData(o.data, o.keyword, o.split);
    const note = await outdatedSynthNote(o.data);
    if (note !== undefined) io.err(note);
    return { sc, kind: 'folder' };
  }
  const spec: SynthSpec = { seed: o.synthSeed, speakers: o.speakers, keyword: o.keyword, engines: parseEngines(o.engines) };
  const folder = synthFolder(o.cache ?? defaultCache(), spec);
  io.out(
    `data: the built-in synthetic set (synthesizers: ${o.engines}, Speech Commands layout) in ${shown(folder)}; ` +
      'for the real Speech Commands run `npx kws-cli data download` and pass --data data/speech_commands_v0.01',
  );
  const made = await ensureSynth(io, folder, spec);
  if (!made.made) io.out(`data: reusing ${int(made.clips)} synthetic clips already in the cache`);
  return { sc: scanData(made.root, o.keyword, o.split), kind: 'synthetic', synth: { ...spec, folder: made.root } };
}

export interface RunRecord {
  /** The options to save (all of them are; these few are also read). */
  options: Pick<RunOptions, 'arch' | 'split' | 'data' | 'cache'>;
  model: CRNNConfig;
  train: TrainConfig;
  data: DataSource;
  command: readonly string[];
  /** The command's name in the recorded command line (default 'train'). */
  commandName?: string;
  /** More top-level sections for config.json (e.g. `distill`). */
  extra?: Record<string, unknown>;
}

/** Write `<dir>/config.json`: the model, the training config, the data and the command line. */
export function writeRunConfig(dir: string, r: RunRecord): void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'config.json');
  let commands: string[] = [];
  if (existsSync(path)) {
    try {
      commands = (JSON.parse(readFileSync(path, 'utf8')) as { commands?: string[] }).commands ?? [];
    } catch {
      commands = [];
    }
  }
  const { sc } = r.data;
  const json = {
    model: r.model,
    arch: r.options.arch,
    train: r.train,
    data: {
      source: r.data.kind,
      root: sc.root,
      keyword: sc.keyword,
      split: r.options.split,
      trainClips: sc.train.length,
      valClips: sc.val.length,
      testClips: sc.test.length,
      ...(r.data.synth ? { synth: r.data.synth } : {}),
    },
    // Absolute paths, so that --resume works from any folder.
    options: { ...r.options, data: r.options.data && resolve(r.options.data), cache: r.options.cache && resolve(r.options.cache) },
    ...r.extra,
    commands: [...commands, ['kws-cli', r.commandName ?? 'train', ...r.command].join(' ')],
  };
  // Atomic (and fsynced): a kill while writing leaves the old config.json, never an empty one.
  writeFileAtomic(path, `${JSON.stringify(json, null, 2)}\n`);
}
