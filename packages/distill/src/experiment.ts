/**
 * One distillation run end to end: measure the teacher on the run's own validation set (the
 * pass mark is au_fa_fr ≤ 1.1 × that, "on the same split"), train the student with the
 * distillation loss (in mixed precision when the preset says so), then write `summary.json`:
 * the teacher's figure, the threshold, the first epoch that reached it (over the whole
 * history.jsonl, so a resumed run counts its earlier epochs) and the best au_fa_fr.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogMel, type CRNN, type LogitModel } from '@kws/kws-model';
import { halfLoss, mixedPrecisionStep } from './amp.js';
import { plainFeatures } from './batches.js';
import { distillation, type InspectOptions } from './distill.js';
import { readHistoryFile } from './history.js';
import type { DistillPreset } from './presets.js';
import { fp32Step } from './step.js';
import { trainModel, type EpochRecord, type TrainConfig, type TrainData, type TrainHooks, type TrainResult } from './trainer.js';
import { validate } from './validate.js';

/** A model passes when its au_fa_fr ≤ THRESHOLD_FACTOR × the teacher's on the same validation set. */
export const THRESHOLD_FACTOR = 1.1;

export interface DistillRunOptions {
  outDir: string;
  /** The preset after command-line overrides (temperature, hardWeight, t2, ...). */
  preset: DistillPreset;
  train: TrainConfig;
  inspect?: InspectOptions;
  hooks?: TrainHooks;
  resume?: boolean;
  /** Extra JSON for the checkpoints' `train` metadata (e.g. the teacher's path). */
  extraMeta?: object;
  /** The teacher's au_fa_fr on `data.val`, if already measured (see `teacherAuFaFr`). */
  teacherAuFaFr?: number;
}

export interface DistillSummary {
  preset: string;
  teacherAuFaFr: number;
  threshold: number;
  /** First epoch with au_fa_fr ≤ threshold, or null if none did. */
  thresholdReachedEpoch: number | null;
  bestAuFaFr: number;
  bestEpoch: number | null;
  epochs: number;
  skippedSteps: number;
  stopped: boolean;
}

/**
 * The first epoch whose au_fa_fr is at most `threshold` (null if none).
 * @example thresholdEpoch(history, 1.1 * teacherAuFaFr)
 */
export function thresholdEpoch(history: readonly Pick<EpochRecord, 'epoch' | 'auFaFr'>[], threshold: number): number | null {
  return history.find((r) => r.auFaFr <= threshold)?.epoch ?? null;
}

/**
 * The teacher's au_fa_fr on clean (un-augmented) validation clips.
 * @example const threshold = THRESHOLD_FACTOR * teacherAuFaFr(teacher, data.val);
 */
export function teacherAuFaFr(teacher: LogitModel, val: TrainData['val']): number {
  return validate(teacher, plainFeatures(new LogMel(), val.clips), val.labels).auFaFr;
}

/**
 * Distil `teacher` into `student` (trained in place) and write summary.json next to the run.
 * @example const s = await distillRun(teacher, new CRNN(p.student, new Rng(0)), data, { outDir, preset: p, train: { ...COURSE_DEFAULTS, lr: p.lr, epochs: p.epochs } });
 */
export async function distillRun(teacher: LogitModel, student: CRNN, data: TrainData, o: DistillRunOptions): Promise<DistillSummary & { result: TrainResult }> {
  const p = o.preset;
  const teacherFigure = o.teacherAuFaFr ?? teacherAuFaFr(teacher, data.val);
  const threshold = THRESHOLD_FACTOR * teacherFigure;
  const d = distillation(teacher, { temperature: p.temperature, hardWeight: p.hardWeight, t2: p.t2, inspect: o.inspect });
  const onStep: TrainHooks['onStep'] = (s) => {
    d.onStep(s);
    o.hooks?.onStep?.(s);
  };
  const distill = { preset: p.name, temperature: p.temperature, hardWeight: p.hardWeight, t2: p.t2, reading: p.reading, mixedPrecision: p.mixedPrecision, teacherAuFaFr: teacherFigure, threshold };
  const result = await trainModel(student, data, o.train, {
    outDir: o.outDir,
    lossFn: p.mixedPrecision ? halfLoss(d.lossFn) : d.lossFn,
    stepper: p.mixedPrecision ? mixedPrecisionStep() : fp32Step(),
    hooks: { ...o.hooks, onStep },
    resume: o.resume,
    saveDtype: p.saveDtype,
    extraMeta: { ...o.extraMeta, distill },
  });
  const summary = summarise(o.outDir, p.name, teacherFigure, result);
  writeFileSync(join(o.outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return { ...summary, result };
}

function summarise(dir: string, preset: string, teacher: number, result: TrainResult): DistillSummary {
  const history = readHistoryFile(join(dir, 'history.jsonl'));
  const threshold = THRESHOLD_FACTOR * teacher;
  const best = history.reduce<EpochRecord | undefined>((b, r) => (b === undefined || r.auFaFr < b.auFaFr ? r : b), undefined);
  return {
    preset,
    teacherAuFaFr: teacher,
    threshold,
    thresholdReachedEpoch: thresholdEpoch(history, threshold),
    bestAuFaFr: best?.auFaFr ?? NaN,
    bestEpoch: best?.epoch ?? null,
    epochs: history.length,
    skippedSteps: history.reduce((s, r) => s + r.skippedSteps, 0),
    stopped: result.stopped,
  };
}
