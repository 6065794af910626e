/**
 * Timing whole training steps: for a preset model at batch B, one step is forward on random
 * log-mel features (B, nMels, 101), cross-entropy, backward, global-norm clipping at 5 and one
 * Adam update: exactly what `trainModel` does per batch minus data loading and augmentation.
 * Inference is the model's forward without gradients (eval mode), at batch 1 and batch B.
 *
 * Several contenders (backends, and optionally the TF.js peer) are timed in interleaved rounds,
 * one step each per round, so that a burst of load from other processes hits them alike and
 * their ratio stays meaningful on a shared machine. samples/s = B / step time: the median over
 * the rounds, with the min and max beside it.
 */
import { crossEntropy, noGrad, Tensor, useBackend } from '@kws/autograd';
import { Adam, fp32Step } from '@kws/distill';
import { CRNN, presetConfig } from '@kws/kws-model';
import { NDArray, Rng, type Backend } from '@kws/tensor';

export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** What one contender runs for one preset: a training step, and forward at batch 1 and B. */
export interface Workload {
  train: () => void;
  infer1: () => void;
  inferBatch: () => void;
}

export interface Contender {
  name: string;
  /** Build the workload (model, data, optimiser) for `preset` at `batch`. */
  prepare(preset: string, batch: number): Workload;
}

export interface TrainBenchRow {
  contender: string;
  /** Training samples per second. */
  train: Spread;
  /** Milliseconds per forward call. */
  infer1: Spread;
  inferBatch: Spread;
}

export interface TrainBenchOptions {
  batch: number;
  /** Timed rounds (each contender one training step and a few forwards per round). */
  rounds: number;
  /** Untimed training steps per contender before the rounds. */
  warm: number;
}

export const FRAMES = 101;

function spread(values: number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

/** Milliseconds of one call. */
function timeOnce(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Milliseconds of each of `n` calls after `warm` untimed ones. */
export function timeCalls(fn: () => void, n: number, warm: number): number[] {
  for (let i = 0; i < warm; i++) fn();
  return Array.from({ length: n }, () => timeOnce(fn));
}

/** Random features (B, nMels, FRAMES), flat (the TF.js peer uses the same numbers). */
export function featureData(batch: number, nMels: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: batch * nMels * FRAMES }, () => rng.normal());
}

export const labelsFor = (batch: number): Int32Array => Int32Array.from({ length: batch }, (_, i) => i % 2);

/** One training step closure for `preset` at `batch` on the current backend. */
export function trainStep(preset: string, batch: number, seed = 0): () => void {
  const rng = new Rng(seed);
  const model = new CRNN(presetConfig(preset), rng);
  model.train();
  const x = new Tensor(new NDArray(featureData(batch, model.config.nMels, seed), [batch, model.config.nMels, FRAMES]));
  const labels = labelsFor(batch);
  const opt = new Adam(model.parameters(), { lr: 3e-4, weightDecay: 1e-5 });
  const stepper = fp32Step();
  return () => void stepper.step(model.parameters(), opt, crossEntropy(model.forward(x, rng), labels), 5);
}

/** A kws-ts backend as a contender: it is made current around each call. */
export function backendContender(be: Backend): Contender {
  const on = (fn: () => void) => (): void => {
    useBackend(be);
    fn();
  };
  return {
    name: be.name,
    prepare(preset, batch) {
      useBackend(be);
      const train = trainStep(preset, batch);
      const model = new CRNN(presetConfig(preset), new Rng(1)).eval();
      const forward = (b: number): (() => void) => {
        const x = new Tensor(new NDArray(featureData(b, model.config.nMels, 2), [b, model.config.nMels, FRAMES]));
        return () => void noGrad(() => model.forward(x));
      };
      return { train: on(train), infer1: on(forward(1)), inferBatch: on(forward(batch)) };
    },
  };
}

/**
 * @example const rows = benchTrain('teacher', [backendContender(cpuBackend)], { batch: 128, rounds: 7, warm: 2 });
 */
export function benchTrain(preset: string, contenders: readonly Contender[], o: TrainBenchOptions): TrainBenchRow[] {
  const work = contenders.map((c) => c.prepare(preset, o.batch));
  for (const w of work) {
    for (let i = 0; i < o.warm; i++) w.train();
    w.infer1();
    w.inferBatch();
  }
  const t = work.map(() => ({ train: [] as number[], infer1: [] as number[], inferBatch: [] as number[] }));
  for (let r = 0; r < o.rounds; r++) {
    work.forEach((w, i) => {
      t[i].train.push((o.batch * 1000) / timeOnce(w.train));
      t[i].inferBatch.push(timeOnce(w.inferBatch));
      for (let k = 0; k < 5; k++) t[i].infer1.push(timeOnce(w.infer1));
    });
  }
  return contenders.map((c, i) => ({ contender: c.name, train: spread(t[i].train), infer1: spread(t[i].infer1), inferBatch: spread(t[i].inferBatch) }));
}
