/**
 * After training: choose the wake-word operating point of a run's best checkpoint on held-out
 * clips (kws-model's `calibrate`: the validation split glued into a negative and a keyword track,
 * streamed as `kws-cli stream` does) and store it in the checkpoint's metadata, as one more
 * commit of the run folder (the files of the last commit, unchanged, and the new best), so that a
 * kill while it is written leaves the folder as recoverable as any epoch's save.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calibrate, encodeModel, loadModel, type OperatingPoint } from '@kws/kws-model';
import type { LabelledClips } from './batches.js';
import { commitEpoch, recoverRun, type RunFs } from './run-commit.js';

export interface OperatingPointOptions {
  /** The false accepts per hour to meet on the held-out negatives (e.g. 0.5). */
  targetFaPerHour: number;
  /** Names the held-out clips in the stored point. */
  data: string;
  mode?: 'staggered' | 'reset' | 'carried';
  states?: number;
  /** Candidate moving averages (default 1, 2, 3). */
  smoothSteps?: readonly number[];
  fs?: RunFs;
}

/**
 * The checkpoint at `path` with its operating point chosen on `heldOut`: its bytes (same weights,
 * dtype and metadata, plus `operatingPoint`) and the point.
 * @example const { bytes, op } = withOperatingPoint('exp1.safetensors', val, { targetFaPerHour: 0.5, data: 'val' });
 */
export function withOperatingPoint(path: string, heldOut: LabelledClips, opts: OperatingPointOptions): { bytes: Uint8Array; op: OperatingPoint } {
  const { model, info } = loadModel(path);
  const op = calibrate(model, heldOut.clips, heldOut.labels, {
    mode: opts.mode ?? 'staggered',
    states: opts.states ?? 4,
    targetFaPerHour: opts.targetFaPerHour,
    smoothSteps: opts.smoothSteps ?? [1, 2, 3],
    data: opts.data,
  });
  const dtype = info.dtype === 'F16' ? 'F16' : 'F32';
  return { bytes: encodeModel(model, { dtype, epoch: info.epoch, train: info.train, metrics: info.metrics, operatingPoint: op }), op };
}

/**
 * Choose and store the operating point of `<dir>/best.safetensors`; returns it.
 * @example const op = shipOperatingPoint('runs/teacher-synth', data.val, { targetFaPerHour: 0.5, data: 'the synthetic validation split' });
 */
export function shipOperatingPoint(dir: string, heldOut: LabelledClips, opts: OperatingPointOptions): OperatingPoint {
  const head = recoverRun(dir, opts.fs);
  const { bytes, op } = withOperatingPoint(join(dir, 'best.safetensors'), heldOut, opts);
  const files = new Map<string, Uint8Array>();
  for (const name of Object.keys(head.files)) if (name !== 'best.safetensors') files.set(name, readFileSync(join(dir, name)));
  files.set('best.safetensors', bytes);
  commitEpoch(dir, files, { epoch: head.epoch, best: head.best ?? Infinity }, opts.fs);
  return op;
}
