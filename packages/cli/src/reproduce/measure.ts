/**
 * Measuring a finished study: every run's best checkpoint scored on the test split (and on a
 * folder of real clips when given), with the per-clip statistics of `clipStats`; then, per
 * model, the mean ± sd over seeds, the bootstrap interval of that mean over clips, and the pass
 * mark: a student passes when its mean test au_fa_fr ≤ 1.1 × the teacher's mean.
 */
import { join } from 'node:path';
import { THRESHOLD_FACTOR } from '@kws/distill';
import { clipsOf, clipStats, countMacs, meanAuFaFrInterval, modelBytes, scoreClips, type Interval } from '@kws/kws-model';
import { loadLabelled, scanData } from '../data-source.js';
import type { Io } from '../io.js';
import { readRun } from '../report/models.js';
import { readJsonFile } from './json.js';
import type { PlannedRun, StudyModel } from './plan.js';

export interface ClipSet {
  name: string;
  clips: Float32Array[];
  labels: Int32Array;
}

export interface RunFigures {
  model: StudyModel;
  seed: number;
  dir: string;
  epochs: number;
  bestEpoch: number;
  valAuFaFr: number;
  /** First epoch at ≤ 1.1 × its teacher's validation au_fa_fr (summary.json), as the report counts. */
  thresholdEpoch: number | null;
  trainSeconds: number;
  test: { auFaFr: number; ci: Interval; frAtFa05: number; frAtFa1: number };
  real?: { auFaFr: number; ci: Interval };
}

export interface MeanSd {
  mean: number;
  sd: number;
}

export interface ModelFigures {
  model: StudyModel;
  seeds: number;
  parameters: number;
  bytes: number;
  dtype: string;
  macs: number;
  memoryRatio: number;
  macsRatio: number;
  test: MeanSd;
  /** Percentile-bootstrap interval of the mean over seeds, resampling the test clips. */
  testCi: Interval;
  frAtFa05: MeanSd;
  frAtFa1: MeanSd;
  real?: MeanSd;
  thresholdEpochs: (number | null)[];
  passes: boolean | null;
}

/** Mean and sample standard deviation (n − 1; 0 for one value). */
export function meanSd(xs: readonly number[]): MeanSd {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const ss = xs.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { mean, sd: xs.length > 1 ? Math.sqrt(ss / (xs.length - 1)) : 0 };
}

/** The test split of the study's data (read from the first teacher's config.json) and the real clips. */
export function loadClipSets(io: Io, teacherDir: string, real: string | undefined): { test: ClipSet; real?: ClipSet } {
  const cfg = readJsonFile<{ data: { root: string; keyword: string; split: 'official' | 'random' } }>(join(teacherDir, 'config.json'));
  const sc = scanData(cfg.data.root, cfg.data.keyword, cfg.data.split);
  const [t] = loadLabelled(io, sc.root, [clipsOf(sc, 'test')], 'loading test clips');
  if (t.clips.length === 0) throw new Error(`${sc.root}: no test clips to measure on`);
  if (real === undefined) return { test: { name: 'test', ...t } };
  const rs = scanData(real, cfg.data.keyword, 'random');
  const [r] = loadLabelled(io, rs.root, [clipsOf(rs, 'all')], 'loading real clips');
  return { test: { name: 'test', ...t }, real: { name: 'real', ...r } };
}

/** Score one finished run; `probs` keeps its test scores for the interval of the mean. */
export function measureRun(run: PlannedRun, sets: { test: ClipSet; real?: ClipSet }): { figures: RunFigures; probs: Float32Array } {
  const r = readRun(run.dir);
  const best = r.history.reduce((a, b) => (b.auFaFr < a.auFaFr ? b : a));
  const p = scoreClips(r.model, sets.test.clips);
  const s = clipStats(p, sets.test.labels);
  const figures: RunFigures = {
    model: run.model,
    seed: run.seed,
    dir: run.dir,
    epochs: r.history.length,
    bestEpoch: best.epoch,
    valAuFaFr: best.auFaFr,
    thresholdEpoch: run.model === 'teacher' ? null : (readJsonFile<{ thresholdReachedEpoch: number | null }>(join(run.dir, 'summary.json')).thresholdReachedEpoch ?? null),
    trainSeconds: r.history.reduce((a, h) => a + h.seconds, 0),
    test: { auFaFr: s.auFaFr, ci: s.auFaFrCi, frAtFa05: s.frAtFa[0].fr, frAtFa1: s.frAtFa[1].fr },
  };
  if (sets.real) {
    const rs = clipStats(scoreClips(r.model, sets.real.clips), sets.real.labels);
    figures.real = { auFaFr: rs.auFaFr, ci: rs.auFaFrCi };
  }
  return { figures, probs: p };
}

/** Per-model aggregates; the pass mark is 1.1 × the teacher's mean test au_fa_fr. */
export function aggregate(runs: readonly RunFigures[], probs: readonly Float32Array[], labels: Int32Array): ModelFigures[] {
  const models = [...new Set(runs.map((r) => r.model))];
  // Size and cost by the report's rules (state_dict bytes as stored, thop MACs), from seed 0.
  const cost = models.map((m) => {
    const r = readRun(runs.find((x) => x.model === m)?.dir ?? '');
    return { parameters: r.model.numParameters(), bytes: modelBytes(r.model, r.dtype), dtype: r.dtype, macs: countMacs(r.model.config).total };
  });
  const teacherMean = meanSd(runs.filter((r) => r.model === 'teacher').map((r) => r.test.auFaFr)).mean;
  return models.map((model, i) => {
    const mine = runs.map((r, k) => ({ r, p: probs[k] })).filter((x) => x.r.model === model);
    const test = meanSd(mine.map((x) => x.r.test.auFaFr));
    const real = mine.every((x) => x.r.real) ? meanSd(mine.map((x) => x.r.real?.auFaFr ?? NaN)) : undefined;
    return {
      model,
      seeds: mine.length,
      ...cost[i],
      memoryRatio: cost[0].bytes / cost[i].bytes,
      macsRatio: cost[0].macs / cost[i].macs,
      test,
      testCi: meanAuFaFrInterval(mine.map((x) => x.p), labels),
      frAtFa05: meanSd(mine.map((x) => x.r.test.frAtFa05)),
      frAtFa1: meanSd(mine.map((x) => x.r.test.frAtFa1)),
      ...(real ? { real } : {}),
      thresholdEpochs: mine.map((x) => x.r.thresholdEpoch),
      passes: model === 'teacher' ? null : test.mean <= THRESHOLD_FACTOR * teacherMean,
    };
  });
}
