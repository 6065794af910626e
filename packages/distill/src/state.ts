/**
 * Trainer state for `--resume`: `last.safetensors` (the model, always F32: these are the master
 * weights) and `last.optim.safetensors` (Adam's m and v per parameter index, with the step, the
 * finished epoch, the best au_fa_fr and the stepper's state in its metadata).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, loadSafetensors, saveModel, saveSafetensors, type CRNN, type NamedTensor } from '@kws/kws-model';
import type { Adam } from './optim.js';
import type { Stepper } from './step.js';

export interface Progress {
  epoch: number;
  best: number;
}

export function saveTrainerState(
  dir: string, model: CRNN, opt: Adam, stepper: Stepper, p: Progress, meta: object, metrics?: object,
): void {
  saveModel(join(dir, 'last.safetensors'), model, { epoch: p.epoch, train: meta, metrics });
  const tensors = new Map<string, NamedTensor>();
  opt.m.forEach((m, i) => tensors.set(`m.${i}`, { shape: [m.length], data: m }));
  opt.v.forEach((v, i) => tensors.set(`v.${i}`, { shape: [v.length], data: v }));
  const metadata = { step: String(opt.step), epoch: String(p.epoch), best: String(p.best), stepper: JSON.stringify(stepper.state()) };
  saveSafetensors(join(dir, 'last.optim.safetensors'), tensors, { metadata });
}

/** Restore model, optimiser and stepper from `dir`; returns the epoch to start at and the best so far. */
export function loadTrainerState(dir: string, model: CRNN, opt: Adam, stepper: Stepper): { start: number; best: number } {
  const modelPath = join(dir, 'last.safetensors');
  const optPath = join(dir, 'last.optim.safetensors');
  if (!existsSync(modelPath) || !existsSync(optPath)) throw new Error(`nothing to resume in ${dir} (no last.safetensors / last.optim.safetensors)`);
  const { model: saved } = loadModel(modelPath);
  model.loadStateDict(saved.stateDict());
  const { tensors, metadata } = loadSafetensors(optPath);
  opt.m.forEach((m, i) => m.set(tensors.get(`m.${i}`)?.data ?? m));
  opt.v.forEach((v, i) => v.set(tensors.get(`v.${i}`)?.data ?? v));
  opt.step = Number(metadata.step ?? 0);
  stepper.load(JSON.parse(metadata.stepper ?? '{}') as Record<string, number>);
  return { start: Number(metadata.epoch ?? 0) + 1, best: Number(metadata.best ?? Infinity) };
}
