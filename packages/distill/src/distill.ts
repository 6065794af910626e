/**
 * Dark-knowledge distillation (Hinton et al., 2015). With student logits z_s, teacher logits z_t,
 * labels y, temperature T and hard weight w:
 *   p_t   = softmax(z_t / T)                      (soft targets, a constant: no gradient)
 *   log q = logSoftmax(z_s / T)
 *   ce    = CE(z_s, y)                             (the hard, "ordinary" loss at T = 1)
 *   kd    = T² · KL(p_t ‖ q) = T² · mean_n Σ_i p_t (log p_t − log q)
 *   loss  = w · ce + (1 − w) · kd
 * Why T²: ∂KL/∂z_s = (q − p_t) / T, so the soft term's gradients shrink as 1/T² relative to the
 * hard term's once both are scaled by 1/T; multiplying by T² keeps their balance independent of
 * T (switchable with `t2: false`, which drops the factor).
 * The teacher runs in eval mode (no dropout) under `noGrad`, on the very batch the student sees
 * (same augmentation, same SpecAugment masks), so the soft targets describe the student's input.
 */
import { crossEntropy, klDiv, logSoftmax, noGrad, probabilities, Tensor } from '@kws/autograd';
import type { LogitModel } from '@kws/kws-model';
import type { LossFn, StepInfo } from './trainer.js';

export interface DistillOptions {
  temperature: number;
  /** w: the weight of the hard-label cross-entropy; the soft term gets 1 − w. */
  hardWeight: number;
  /** Multiply the soft term by T² (default true). */
  t2?: boolean;
}

export interface DistillTerms {
  loss: Tensor;
  ce: Tensor;
  kd: Tensor;
}

/**
 * The loss on given logits (a pure function of tensors, so it can be gradchecked).
 * @example const { loss } = distillationTerms(studentLogits, teacherLogits, labels, { temperature: 10, hardWeight: 0.6 });
 */
export function distillationTerms(student: Tensor, teacher: Tensor, labels: Int32Array, o: DistillOptions): DistillTerms {
  checkOptions(o);
  const T = o.temperature;
  const soft = noGrad(() => teacher.detach().div(T).softmax(-1));
  const ce = crossEntropy(student, labels);
  const kl = klDiv(logSoftmax(student.div(T), -1), soft);
  const kd = o.t2 === false ? kl : kl.mul(T * T);
  const loss = ce.mul(o.hardWeight).add(kd.mul(1 - o.hardWeight));
  return { loss, ce, kd };
}

function checkOptions(o: DistillOptions): void {
  if (!(o.temperature > 0)) throw new RangeError(`distillation: temperature must be > 0, got ${o.temperature}`);
  if (!(o.hardWeight >= 0 && o.hardWeight <= 1)) throw new RangeError(`distillation: hardWeight must be in [0, 1], got ${o.hardWeight}`);
}

/** One `--inspect` row: everything needed to redo a step's loss by hand. */
export interface InspectRow {
  epoch: number;
  step: number;
  temperature: number;
  hardWeight: number;
  t2: boolean;
  labels: number[];
  /** softmax(teacher / T), one [p0, p1] pair per clip. */
  teacherSoft: number[][];
  /** softmax(student / T). */
  studentSoft: number[][];
  /** softmax(student), the student's own probabilities (T = 1). */
  studentProbs: number[][];
  terms: Record<string, number>;
  gradNorm: number;
  lr: number;
  skipped: boolean;
}

export interface InspectOptions {
  /** Emit rows for the first `steps` optimiser steps. */
  steps: number;
  write: (row: InspectRow) => void;
}

export interface Distillation {
  lossFn: LossFn;
  /** Pass to the trainer's `hooks.onStep`: completes and writes the pending inspect row. */
  onStep: (s: StepInfo) => void;
}

type PendingRow = Omit<InspectRow, 'epoch' | 'step' | 'gradNorm' | 'lr' | 'skipped'>;

/**
 * The distillation loss plus `--inspect` rows. The loss half of a row is known in the forward;
 * the gradient norm and learning rate only after the step, so the row waits for `onStep`.
 * @example const d = distillation(teacher, { temperature: 10, hardWeight: 0.6, inspect: { steps: 3, write } });
 *          await trainModel(student, data, cfg, { outDir, lossFn: d.lossFn, hooks: { onStep: d.onStep } });
 */
export function distillation(teacher: LogitModel, o: DistillOptions & { inspect?: InspectOptions }): Distillation {
  checkOptions(o);
  teacher.eval();
  let written = 0;
  let pending: PendingRow | undefined;
  const lossFn: LossFn = (model, batch, rng) => {
    teacher.eval();
    const zt = noGrad(() => teacher.forward(batch.x));
    const zs = model.forward(batch.x, rng);
    const t = distillationTerms(zs, zt, batch.labels, o);
    const terms = { ce: t.ce.item(), kd: t.kd.item(), total: t.loss.item() };
    if (o.inspect && written < o.inspect.steps) pending = pendingRow(zs, zt, batch.labels, o, terms);
    return { loss: t.loss, terms };
  };
  const onStep = (s: StepInfo): void => {
    if (!o.inspect || !pending) return;
    o.inspect.write({ epoch: s.epoch, step: ++written, ...pending, gradNorm: s.gradNorm, lr: s.lr, skipped: s.skipped });
    pending = undefined;
  };
  return { lossFn, onStep };
}

/**
 * The distillation loss as a trainer `LossFn` (no inspection).
 * @example trainModel(student, data, cfg, { outDir, lossFn: distillationLoss(teacher, { temperature: 10, hardWeight: 0.6 }) });
 */
export function distillationLoss(teacher: LogitModel, o: DistillOptions): LossFn {
  return distillation(teacher, o).lossFn;
}

function pendingRow(zs: Tensor, zt: Tensor, labels: Int32Array, o: DistillOptions, terms: Record<string, number>): PendingRow {
  const T = o.temperature;
  const rows = (x: Tensor): number[][] => pairs(probabilities(x).toArray(), x.shape[1]);
  return {
    temperature: T,
    hardWeight: o.hardWeight,
    t2: o.t2 !== false,
    labels: Array.from(labels),
    teacherSoft: noGrad(() => rows(zt.detach().div(T))),
    studentSoft: noGrad(() => rows(zs.detach().div(T))),
    studentProbs: rows(zs),
    terms,
  };
}

function pairs(flat: number[], classes: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < flat.length; i += classes) out.push(flat.slice(i, i + classes));
  return out;
}
