/**
 * The figures of one run folder (what `train` and `distill` write: config.json, history.jsonl,
 * best.safetensors, and summary.json for distillation), as the homework counts them:
 *   memory  = bytes of the saved state_dict, weights as stored (F16 halves them)
 *   speed   = MACs per 1 s clip by thop's rules (countMacs), and the measured time beside it
 *   quality = the best validation au_fa_fr; it passes when ≤ 1.1 × the teacher's
 *   ratios  = teacher's figure / model's figure (so 10x means ten times smaller or fewer)
 */
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { noGrad, Tensor } from '@kws/autograd';
import { readHistoryFile, THRESHOLD_FACTOR, thresholdEpoch, type EpochRecord } from '@kws/distill';
import { countMacs, loadModel, modelBytes, readJsonFile, type CRNN, type CRNNConfig } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { checkpointKeyword } from '../keyword.js';

export interface Run {
  name: string;
  dir: string;
  model: CRNN;
  dtype: 'F32' | 'F16';
  history: EpochRecord[];
  /** summary.json of a distillation run: the teacher measured on the same split. */
  summary?: { teacherAuFaFr: number; threshold: number };
  commands: string[];
  /** The word the run's model spots (its checkpoint's train.keyword; 'sheila' when not recorded). */
  keyword: string;
}

export interface ModelRow {
  name: string;
  architecture: string;
  parameters: number;
  bytes: number;
  dtype: string;
  macs: number;
  msBatch1: number;
  msBatch128: number;
  auFaFr: number;
  bestEpoch: number;
  epochs: number;
  threshold: number;
  /** First epoch with au_fa_fr ≤ threshold (null: never). */
  thresholdEpoch: number | null;
  passes: boolean;
  memoryRatio: number;
  macsRatio: number;
  history: { epoch: number; auFaFr: number }[];
  commands: string[];
  keyword: string;
}

/**
 * Read a run folder; errors name the folder and what is missing.
 * @example const run = readRun('runs/exp1');
 */
export function readRun(path: string): Run {
  const dir = resolve(path);
  const best = join(dir, 'best.safetensors');
  if (!existsSync(dir)) throw new Error(`${path}: no such run folder`);
  if (!existsSync(best)) throw new Error(`${path}: no best.safetensors (not a finished train/distill run?)`);
  const history = readHistoryFile(join(dir, 'history.jsonl'));
  if (history.length === 0) throw new Error(`${path}: no history.jsonl rows`);
  const { model, info } = loadModel(best);
  const summaryPath = join(dir, 'summary.json');
  const summary = existsSync(summaryPath) ? readJsonFile(summaryPath, { teacherAuFaFr: 'number', threshold: 'number' }) : undefined;
  const configPath = join(dir, 'config.json');
  const commands = existsSync(configPath) ? readJsonFile(configPath, { commands: 'string[]?' }).commands : undefined;
  return { name: basename(dir), dir, model, dtype: info.dtype === 'F16' ? 'F16' : 'F32', history, summary, commands: commands ?? [], keyword: checkpointKeyword(info) };
}

/** @example describeArch(TEACHER) // 'conv 8, GRU 2×64, attention course' */
export function describeArch(c: CRNNConfig): string {
  return `conv ${c.convChannels}, GRU ${c.gruLayers}×${c.hidden}, attention ${c.attention}`;
}

/**
 * Milliseconds per clip of an eval-mode forward on a (batch, nMels, 101) input: the median of
 * `runs` timed runs after three warm-up runs, divided by the batch.
 * @example msPerClip(model, 128, 5)
 */
export function msPerClip(model: CRNN, batch: number, runs: number): number {
  const x = Tensor.uniform([batch, model.config.nMels, 101], -20, 5, new Rng(batch));
  model.eval();
  const once = (): number => {
    const t0 = performance.now();
    noGrad(() => model.forward(x));
    return performance.now() - t0;
  };
  for (let i = 0; i < 3; i++) once(); // warm-up: the JIT compiles the kernels on the first calls
  const times = Array.from({ length: Math.max(1, runs) }, once).sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 === 1 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  return median / batch;
}

/**
 * The reference run: the one named, else the one with the most MACs (the teacher is the largest).
 * @example pickBaseline(runs, 'teacher-synth').name
 */
export function pickBaseline(runs: readonly Run[], name?: string): Run {
  if (name !== undefined) {
    const r = runs.find((x) => x.name === name || x.dir === resolve(name));
    if (!r) throw new Error(`--baseline ${name} is not one of the runs (${runs.map((x) => x.name).join(', ')})`);
    return r;
  }
  return runs.reduce((a, b) => (countMacs(b.model.config).total > countMacs(a.model.config).total ? b : a));
}

const bestOf = (h: readonly EpochRecord[]): EpochRecord => h.reduce((a, b) => (b.auFaFr < a.auFaFr ? b : a));

/**
 * One table row per run. The threshold is a distillation run's own (its teacher measured on
 * its split), else 1.1 × the baseline's best au_fa_fr.
 * @example const rows = modelRows(runs.map(readRun), { timingRuns: 5 });
 */
export function modelRows(runs: readonly Run[], opts: { baseline?: string; timingRuns: number }): ModelRow[] {
  const base = pickBaseline(runs, opts.baseline);
  const baseBytes = modelBytes(base.model, base.dtype);
  const baseMacs = countMacs(base.model.config).total;
  const baseThreshold = THRESHOLD_FACTOR * bestOf(base.history).auFaFr;
  return runs.map((r) => {
    const c = r.model.config;
    const best = bestOf(r.history);
    const threshold = r.summary?.threshold ?? baseThreshold;
    const bytes = modelBytes(r.model, r.dtype);
    const macs = countMacs(c).total;
    return {
      name: r.name,
      architecture: describeArch(c),
      parameters: r.model.numParameters(),
      bytes,
      dtype: r.dtype,
      macs,
      msBatch1: msPerClip(r.model, 1, opts.timingRuns),
      msBatch128: msPerClip(r.model, 128, opts.timingRuns),
      auFaFr: best.auFaFr,
      bestEpoch: best.epoch,
      epochs: r.history.length,
      threshold,
      thresholdEpoch: thresholdEpoch(r.history, threshold),
      passes: best.auFaFr <= threshold,
      memoryRatio: baseBytes / bytes,
      macsRatio: baseMacs / macs,
      history: r.history.map((h) => ({ epoch: h.epoch, auFaFr: h.auFaFr })),
      commands: r.commands,
      keyword: r.keyword,
    };
  });
}
