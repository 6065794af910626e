/**
 * Trainer state for `--resume`: `last.safetensors` (the model, always F32: these are the master
 * weights) and `last.optim.safetensors` (Adam's m and v per parameter index, with the step, the
 * finished epoch, the best au_fa_fr and the stepper's state in its metadata; with weight
 * averaging also the average per parameter index and its update count). With weight averaging,
 * `average.safetensors` holds the averaged weights as a model a user can evaluate. All are
 * written as part of one epoch commit (run-commit.ts); resume checks them against it.
 */
import { join } from 'node:path';
import { encodeModel, encodeSafetensors, loadModel, loadSafetensors, type CRNN, type NamedTensor } from '@kws/kws-model';
import type { WeightAverage } from './ema.js';
import type { Adam } from './optim.js';
import { recoverRun, type RunFs } from './run-commit.js';
import type { Stepper } from './step.js';

export interface Progress {
  epoch: number;
  best: number;
}

/** The files of the trainer state, as name -> bytes, for `commitEpoch`. */
export function trainerStateFiles(
  model: CRNN, opt: Adam, stepper: Stepper, p: Progress, meta: object, metrics?: object, ema?: WeightAverage,
): Map<string, Uint8Array> {
  const tensors = new Map<string, NamedTensor>();
  opt.m.forEach((m, i) => tensors.set(`m.${i}`, { shape: [m.length], data: m }));
  opt.v.forEach((v, i) => tensors.set(`v.${i}`, { shape: [v.length], data: v }));
  ema?.values.forEach((a, i) => tensors.set(`ema.${i}`, { shape: [a.length], data: a }));
  const metadata: Record<string, string> = { step: String(opt.step), epoch: String(p.epoch), best: String(p.best), stepper: JSON.stringify(stepper.state()) };
  if (ema) metadata.emaUpdates = String(ema.updates);
  const files = new Map([
    ['last.safetensors', encodeModel(model, { epoch: p.epoch, train: meta, metrics })],
    ['last.optim.safetensors', encodeSafetensors(tensors, { metadata })],
  ]);
  if (ema) files.set('average.safetensors', ema.swapped(() => encodeModel(model, { epoch: p.epoch, train: meta, metrics })));
  return files;
}

/** Copy `saved` into `into`, every array's length checked, naming the file on a mismatch. */
function restore(into: Float32Array[], saved: Map<string, NamedTensor>, prefix: string, path: string): void {
  into.forEach((a, i) => {
    const t = saved.get(`${prefix}.${i}`);
    if (t?.data.length !== a.length) throw new Error(`${path}: tensor '${prefix}.${i}' is missing or has the wrong size for this model; cannot resume`);
    a.set(t.data);
  });
}

/**
 * Restore model, optimiser and stepper from the last commit of `dir` (finishing or refusing a
 * save that a kill interrupted); returns the epoch to start at and the best so far.
 */
export function loadTrainerState(dir: string, model: CRNN, opt: Adam, stepper: Stepper, fs?: RunFs, ema?: WeightAverage): { start: number; best: number } {
  const head = recoverRun(dir, fs);
  const modelPath = join(dir, 'last.safetensors');
  const optPath = join(dir, 'last.optim.safetensors');
  const { model: saved, info } = loadModel(modelPath);
  if (info.epoch !== head.epoch) throw new Error(`${modelPath}: holds epoch ${info.epoch}, but the run's commit is epoch ${head.epoch}; cannot resume`);
  try {
    model.loadStateDict(saved.stateDict());
  } catch (err) {
    throw new Error(`${modelPath}: ${(err as Error).message} (the run's architecture differs from the one asked for)`);
  }
  const { tensors, metadata } = loadSafetensors(optPath);
  if (Number(metadata.epoch) !== head.epoch) throw new Error(`${optPath}: holds epoch ${metadata.epoch}, but the run's commit is epoch ${head.epoch}; cannot resume`);
  restore(opt.m, tensors, 'm', optPath);
  restore(opt.v, tensors, 'v', optPath);
  opt.step = Number(metadata.step ?? 0);
  if (ema) {
    if (metadata.emaUpdates === undefined) throw new Error(`${optPath}: the run was trained without weight averaging; resume it without --ema`);
    restore(ema.values, tensors, 'ema', optPath);
    ema.updates = Number(metadata.emaUpdates);
  } else if (metadata.emaUpdates !== undefined) {
    throw new Error(`${optPath}: the run was trained with weight averaging; resume it with the same --ema`);
  }
  stepper.load(JSON.parse(metadata.stepper ?? '{}') as Record<string, number>);
  return { start: head.epoch + 1, best: head.best ?? Infinity };
}
