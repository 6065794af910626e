/**
 * The `--stream` half of `kws-cli eval`: glue the tracks, stream them in each mode, print FR at
 * the stated false accepts per hour (stream-eval.ts does the work; this is the command's edge).
 */
import { join } from 'node:path';
import { loadClip, type Clip, type CRNN, type GruMode, type ModeSpec, type OperatingPoint } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { UsageError } from '../errors.js';
import { checkOutputFolder } from '../paths.js';
import { int, rows, shown } from '../format.js';
import { keywordOrder, negativeOrder, writeTrack } from '../glue.js';
import type { Io } from '../io.js';
import { Progress } from '../progress.js';
import { evaluateMode, operatingPointLine, resultTable, writeCurvePlot, writeCurves } from '../stream-eval.js';

export interface StreamEvalFlags {
  modes: string;
  states: number;
  negativeMinutes: number;
  gap: number;
  tolerance: number;
  smooth: number;
  refractory: number;
  faPerHour: string;
  seed: number;
  curve?: string;
  plot?: string;
  tracks?: string;
}

const MODES: readonly GruMode[] = ['staggered', 'reset', 'carried'];

/** `staggered` (K = --states), `staggered-K`, `reset`, `carried`. */
function parseModes(list: string, states: number, path: string): ModeSpec[] {
  return list.split(',').map((m) => {
    const [, name, k] = /^\s*([a-z]+)(?:-(\d+))?\s*$/.exec(m) ?? [];
    const mode = name as GruMode;
    if (!MODES.includes(mode) || (k !== undefined && mode !== 'staggered')) throw new UsageError(`--modes takes a comma list of ${MODES.join(', ')} or staggered-K; got '${m}'`, path);
    const K = k === undefined ? states : Number(k);
    if (mode === 'staggered' && !(K >= 1 && K <= 11)) throw new UsageError(`--states (or staggered-K) must be 1 to 11 (the conv columns of a 1 s window), got '${K}'`, path);
    return { mode, states: K };
  });
}

function parseTargets(list: string, path: string): number[] {
  const out = list.split(',').map(Number);
  if (out.some((v) => !(v >= 0 && Number.isFinite(v)))) throw new UsageError(`--fa-per-hour takes a comma list of non-negative numbers, got '${list}'`, path);
  return out;
}

/**
 * Bounds of the track flags: a day of negatives (86,400 clips streamed, hours of work) and 100
 * other clips between keyword clips. Beyond them the track lists ran out of memory: --gap 1e9
 * ended in a V8 fatal error, --negative-minutes 1e9 in 'Invalid array length'.
 */
export const TRACK_LIMITS = { negativeMinutes: 1440, gap: 100 } as const;

function check(f: StreamEvalFlags, path: string): { modes: ModeSpec[]; targets: number[] } {
  if (f.negativeMinutes > TRACK_LIMITS.negativeMinutes) throw new UsageError(`--negative-minutes must be at most ${TRACK_LIMITS.negativeMinutes} (a day), got '${f.negativeMinutes}'`, path);
  if (f.gap > TRACK_LIMITS.gap) throw new UsageError(`--gap must be at most ${TRACK_LIMITS.gap} clips, got '${f.gap}'`, path);
  if (f.tolerance >= f.gap) throw new UsageError(`--tolerance must be shorter than --gap seconds (keyword clips are --gap clips apart), got ${f.tolerance} and ${f.gap}`, path);
  if (f.plot !== undefined && !/\.(svg|png)$/i.test(f.plot)) throw new UsageError(`--plot must name a .svg or .png file, got '${f.plot}'`, path);
  if (f.curve !== undefined && !/\.(csv|jsonl?)$/i.test(f.curve)) throw new UsageError(`--curve must name a .csv or .jsonl file, got '${f.curve}'`, path);
  // Before the streaming (minutes), not after it.
  if (f.curve !== undefined) checkOutputFolder(f.curve, '--curve');
  if (f.plot !== undefined) checkOutputFolder(f.plot, '--plot');
  return { modes: parseModes(f.modes, f.states, path), targets: parseTargets(f.faPerHour, path) };
}

/** Each distinct clip loaded once; the track as a list of (shared) waves. */
function waves(root: string, order: readonly Clip[], cache: Map<string, Float32Array>): Float32Array[] {
  return order.map((c) => {
    let w = cache.get(c.file);
    if (!w) cache.set(c.file, (w = loadClip(join(root, c.file))));
    return w;
  });
}

export async function streamEval(io: Io, model: CRNN, root: string, clips: readonly Clip[], f: StreamEvalFlags, where: { data: string; keyword: string; operatingPoint?: OperatingPoint }, path: string): Promise<void> {
  const { modes, targets } = check(f, path);
  const rng = new Rng(f.seed);
  const negOrder = negativeOrder(clips, 60 * f.negativeMinutes, rng);
  const kw = keywordOrder(clips, f.gap, rng);
  const cache = new Map<string, Float32Array>();
  const setup = {
    negative: waves(root, negOrder, cache),
    keyword: waves(root, kw.chosen, cache),
    at: kw.at,
    detect: { smoothSteps: f.smooth, refractorySec: f.refractory, tolerance: f.tolerance },
  };
  const distinct = new Set(negOrder.map((c) => c.file)).size;
  if (f.tracks !== undefined) {
    writeTrack(join(f.tracks, 'negative.wav'), root, negOrder, { keyword: where.keyword, seed: f.seed });
    writeTrack(join(f.tracks, 'keyword.wav'), root, kw.chosen, { keyword: where.keyword, seed: f.seed, keywordAt: kw.at });
  }
  const bar = new Progress(io, { label: 'streaming', total: modes.length, unit: 'modes' });
  const results = modes.map((m, i) => {
    const r = evaluateMode(model, m, setup);
    bar.update(i + 1);
    return r;
  });
  bar.done();
  const info = rows([
    ['data', where.data],
    ['negative track', `${(negOrder.length / 60).toFixed(1)} min: ${int(distinct)} other-word clips, each about ${(negOrder.length / distinct).toFixed(1)} times (passes in fresh seeded orders)`],
    ['keyword track', `${int(kw.at.length)} '${where.keyword}' clips, each after ${f.gap} other-word clips (${int(kw.chosen.length)} s)`],
    ['hit', `an event at t (its window's end) hits a keyword clip [s, e] if s <= t <= e + ${f.tolerance} s`],
    ['events', `moving average of ${f.smooth} step${f.smooth === 1 ? '' : 's'}, rising crossing of the threshold, ${f.refractory} s refractory (as kws-cli stream)`],
    ...(f.tracks !== undefined ? ([['tracks', `${shown(join(f.tracks, 'negative.wav'))}, ${shown(join(f.tracks, 'keyword.wav'))} (+ .json)`]] as [string, string][]) : []),
  ]);
  [...info, '', ...resultTable(results, targets)].forEach((l) => io.out(l));
  io.out(where.operatingPoint ? operatingPointLine(model, where.operatingPoint, results, setup) : 'the checkpoint carries no operating point (train and distill choose one; stream then uses --threshold, default 0.5)');
  if (f.curve !== undefined) writeCurves(f.curve, results);
  if (f.plot !== undefined) await writeCurvePlot(f.plot, results, `false rejects vs false accepts per hour, ${results.map((r) => r.label).join(' / ')}`);
  if (f.curve !== undefined || f.plot !== undefined) io.err(`wrote ${[f.curve, f.plot].filter((p) => p !== undefined).join(', ')}`);
}
