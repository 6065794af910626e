/**
 * Setting up a training run: the run folder (refusing to overwrite one, or restoring the
 * settings of the run being resumed), the data (a folder, or the built-in synthetic set), and
 * the run's config.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { CRNNConfig, SpeechCommands } from '@kws/kws-model';
import type { TrainConfig } from '@kws/distill';
import { defaultCache, ensureSynth, scanData, synthFolder, type SplitBy, type SynthSpec } from './data-source.js';
import { int, shown } from './format.js';
import type { Io } from './io.js';

/** The flags of `train` that shape the run (what config.json keeps for --resume). */
export interface RunOptions {
  data: string | undefined;
  arch: string;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  clipNorm: number;
  seed: number;
  keyword: string;
  split: SplitBy;
  noAugment: boolean;
  noSpecAugment: boolean;
  cache: string | undefined;
  synthSeed: number;
  speakers: number;
}

/** Flags that never come back from a saved run. */
const NOT_RESTORED = new Set(['resume', 'out', 'name']);

/** The run folder: `--out`, else `runs/<name>`, the name defaulting to `<arch>-<data>`. */
export function runFolder(out: string | undefined, name: string | undefined, o: RunOptions): string {
  if (out !== undefined) return resolve(out);
  const data = o.data === undefined ? 'synth' : basename(resolve(o.data));
  return resolve('runs', name ?? `${o.arch}-${data}`);
}

/**
 * Checks the folder against --resume. Resuming: flags not given again come from the saved
 * config.json. Not resuming: a folder holding a run is refused rather than overwritten.
 */
export function prepareRun(dir: string, resume: boolean, o: RunOptions, given: ReadonlySet<string>): RunOptions {
  const holdsRun = existsSync(join(dir, 'history.jsonl')) || existsSync(join(dir, 'last.safetensors'));
  if (!resume) {
    if (holdsRun) throw new Error(`${shown(dir)} already holds a training run; continue it with --resume --out ${shown(dir)}, or choose another --name or --out`);
    return o;
  }
  if (!existsSync(join(dir, 'last.safetensors'))) throw new Error(`nothing to resume in ${shown(dir)} (no last.safetensors); start a run without --resume`);
  const path = join(dir, 'config.json');
  if (!existsSync(path)) return o;
  let saved: Partial<RunOptions>;
  try {
    saved = (JSON.parse(readFileSync(path, 'utf8')) as { options?: Partial<RunOptions> }).options ?? {};
  } catch {
    throw new Error(`${path}: not valid JSON`);
  }
  const merged: Record<string, unknown> = { ...o };
  for (const [k, v] of Object.entries(saved)) if (!given.has(k) && !NOT_RESTORED.has(k) && k in merged && v !== undefined) merged[k] = v;
  return merged as unknown as RunOptions;
}

export interface DataSource {
  sc: SpeechCommands;
  kind: 'folder' | 'synthetic';
  synth?: SynthSpec & { folder: string };
}

/** Scan `--data`, or make/reuse the synthetic set (saying so, and how to use the real one). */
export async function resolveData(io: Io, o: RunOptions): Promise<DataSource> {
  if (o.data !== undefined) return { sc: scanData(o.data, o.keyword, o.split), kind: 'folder' };
  const spec: SynthSpec = { seed: o.synthSeed, speakers: o.speakers, keyword: o.keyword };
  const folder = synthFolder(o.cache ?? defaultCache(), spec);
  io.out(
    `data: the built-in synthetic set (eSpeak NG voices, Speech Commands layout) in ${shown(folder)}; ` +
      'for the real Speech Commands run `npx kws-cli data download` and pass --data data/speech_commands_v0.01',
  );
  const made = await ensureSynth(io, folder, spec);
  if (!made.made) io.out(`data: reusing ${int(made.clips)} synthetic clips already in the cache`);
  return { sc: scanData(made.root, o.keyword, o.split), kind: 'synthetic', synth: { ...spec, folder: made.root } };
}

export interface RunRecord {
  options: RunOptions;
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
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
}
