/**
 * Timing whole training steps: for a preset model at batch B, one step is forward on random
 * log-mel features (B, nMels, 101), cross-entropy, backward, global-norm clipping at 5 and one
 * Adam update: exactly what `trainModel` does per batch minus data loading and augmentation.
 * After `warm` untimed steps each of `steps` steps is timed alone; samples/s = B / step time,
 * reported as the median with the min and max beside it. Inference is the model's forward
 * without gradients (eval mode), at batch 1 and batch B.
 */
import { crossEntropy, noGrad, Tensor } from '@kws/autograd';
import { Adam, fp32Step } from '@kws/distill';
import { CRNN, presetConfig } from '@kws/kws-model';
import { NDArray, Rng } from '@kws/tensor';

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface TrainBench {
  /** Training samples per second (median / min / max over the timed steps). */
  train: Spread;
  /** Inference ms per call at batch 1 and at batch B. */
  infer1: Spread;
  inferBatch: Spread;
}

export interface TrainBenchOptions {
  batch: number;
  steps: number;
  warm: number;
  /** Timed forward calls per inference case. */
  inferSteps: number;
}

const FRAMES = 101;

function spread(values: number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

/** Milliseconds of each of `n` calls after `warm` untimed ones. */
export function timeCalls(fn: () => void, n: number, warm: number): number[] {
  for (let i = 0; i < warm; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

function features(batch: number, nMels: number, rng: Rng): Tensor {
  const x = NDArray.zeros([batch, nMels, FRAMES], 'float32');
  for (let i = 0; i < x.size; i++) x.data[i] = rng.normal();
  return new Tensor(x);
}

/** One training step closure for `preset` at `batch` (fixed data: the cost does not depend on it). */
export function trainStep(preset: string, batch: number, seed = 0): () => void {
  const rng = new Rng(seed);
  const model = new CRNN(presetConfig(preset), rng);
  model.train();
  const x = features(batch, model.config.nMels, rng);
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 2);
  const opt = new Adam(model.parameters(), { lr: 3e-4, weightDecay: 1e-5 });
  const stepper = fp32Step();
  return () => void stepper.step(model.parameters(), opt, crossEntropy(model.forward(x, rng), labels), 5);
}

/** @example const r = benchTrain('teacher', { batch: 128, steps: 7, warm: 2, inferSteps: 20 }); */
export function benchTrain(preset: string, o: TrainBenchOptions): TrainBench {
  const step = trainStep(preset, o.batch);
  const train = timeCalls(step, o.steps, o.warm).map((ms) => (o.batch * 1000) / ms);
  const model = new CRNN(presetConfig(preset), new Rng(1)).eval();
  const rng = new Rng(2);
  const infer = (b: number): Spread => {
    const x = features(b, model.config.nMels, rng);
    return spread(noGrad(() => timeCalls(() => void model.forward(x), b === 1 ? o.inferSteps * 10 : o.inferSteps, 3)));
  };
  return { train: spread(train), infer1: infer(1), inferBatch: infer(o.batch) };
}
