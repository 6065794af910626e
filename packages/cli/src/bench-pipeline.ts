/**
 * `kws-cli bench --pipeline --data DIR`: where the time of a real `train --data DIR` epoch goes.
 * The loop is the trainer's (`runEpoch` in distill/src/trainer.ts: the epoch's Rng seeded by
 * (seed, epoch), balanced draws, then batch after batch), with each part timed apart:
 *   batches      drawing the epoch's order and building each batch (`trainingBatch`: per clip
 *                one of the four augmentations and its mel power, then SpecAugment on the
 *                batch and the log), as the course recipe trains on a folder;
 *   train        forward, cross-entropy, backward, clipping at 5 and one Adam step on the batch;
 *   val features the validation clips' log-mel features (computed once a run);
 *   validation   the model's forward and the metrics on them (every epoch).
 * samples/s of a part = the clips it handled / the seconds it took. `--steps N` times N batches
 * instead of an epoch's (fewer: the epoch's first N; more: on into epoch 2 and after, each drawn
 * as the trainer draws it, for steadier figures on a small folder); validation runs once, whole.
 * The batches' share = batches / (batches + train): what building batches costs the loop.
 */
import { loadavg } from 'node:os';
import { COURSE_DEFAULTS, crossEntropyLoss, epochOrder, fp32Step, plainFeatures, trainingBatch, validate, Adam, type TrainConfig, type TrainData } from '@kws/distill';
import { CRNN, LogMel, loadNoise, presetConfig } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { clipCounts, loadLabelled, scanData, type SplitBy } from './data-source.js';
import { int, shown } from './format.js';
import type { Io } from './io.js';

export interface PartTiming {
  samples: number;
  seconds: number;
  samplesPerSec: number;
}

export interface PipelineTiming {
  /** Batches timed (epochs on from the first), and the batches of one epoch. */
  steps: number;
  stepsPerEpoch: number;
  batches: PartTiming;
  train: PartTiming;
  valFeatures: PartTiming;
  validation: PartTiming;
  /** batches.seconds / (batches.seconds + train.seconds). */
  batchShare: number;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e9;

/** Seconds of fn(), and its result. */
function timed<T>(fn: () => T): [T, number] {
  const t0 = now();
  const out = fn();
  return [out, now() - t0];
}

const part = (samples: number, seconds: number): PartTiming => ({ samples, seconds, samplesPerSec: samples / seconds });

/**
 * The first `steps` batches (default: one epoch's) of `cfg`'s training loop on `model`, timed
 * by part; past an epoch's last batch the next epoch's come, drawn as the trainer draws them.
 * @example const t = benchPipeline(new CRNN(TEACHER, new Rng(0)), data, COURSE_DEFAULTS, 4);
 */
export function benchPipeline(model: CRNN, data: TrainData, cfg: TrainConfig, steps?: number): PipelineTiming {
  const fe = new LogMel();
  const opt = new Adam(model.parameters(), { lr: cfg.lr, weightDecay: cfg.weightDecay });
  const stepper = fp32Step();
  const opts = { augment: cfg.augment, specAugment: cfg.specAugment, iidMasks: cfg.specAugmentMasks === 'clip', noises: data.noises };
  const stepsPerEpoch = Math.ceil(data.train.labels.length / cfg.batchSize);
  const n = steps ?? stepsPerEpoch;
  let [batchSeconds, trainSeconds, samples] = [0, 0, 0];
  model.train();
  for (let epoch = 1, done = 0; done < n; epoch++) {
    const rng = new Rng(cfg.seed * 1_000_003 + epoch); // as runEpoch seeds each epoch
    const [order, orderSeconds] = timed(() => epochOrder(data.train.labels, rng));
    batchSeconds += orderSeconds;
    for (let s = 0; s < stepsPerEpoch && done < n; s++, done++) {
      const idx = order.subarray(s * cfg.batchSize, (s + 1) * cfg.batchSize);
      const [batch, tb] = timed(() => trainingBatch(fe, data.train, idx, rng, opts));
      const [, ts] = timed(() => stepper.step(model.parameters(), opt, crossEntropyLoss(model, batch, rng).loss, cfg.clipNorm));
      batchSeconds += tb;
      trainSeconds += ts;
      samples += idx.length;
    }
  }
  const [valX, featureSeconds] = timed(() => plainFeatures(fe, data.val.clips));
  const [, valSeconds] = timed(() => validate(model, valX, data.val.labels));
  const valClips = data.val.labels.length;
  return {
    steps: n,
    stepsPerEpoch,
    batches: part(samples, batchSeconds),
    train: part(samples, trainSeconds),
    valFeatures: part(valClips, featureSeconds),
    validation: part(valClips, valSeconds),
    batchShare: batchSeconds / (batchSeconds + trainSeconds),
  };
}

export interface PipelineFlags {
  data: string;
  keyword: string;
  split: SplitBy;
  model: string;
  backend: string;
  batch: number;
  steps?: number;
  json: boolean;
}

/** The course recipe at `batch` (augmentation and SpecAugment on, as `train --data` runs). */
export const pipelineConfig = (batch: number): TrainConfig => ({ ...COURSE_DEFAULTS, batchSize: batch, epochs: 1 });

/** `1 of 2 batches of epoch 1`, `2 batches = epoch 1`, `6 batches = epochs 1-3`. */
function epochsText(t: PipelineTiming): string {
  if (t.steps < t.stepsPerEpoch) return `${t.steps} of ${t.stepsPerEpoch} batches of epoch 1`;
  const last = Math.ceil(t.steps / t.stepsPerEpoch);
  return `${t.steps} batches = epoch${last === 1 ? ' 1' : `s 1-${last}`}${t.steps % t.stepsPerEpoch === 0 ? '' : ' (the last in part)'}`;
}

/** Loads the folder as `train --data` does (progress on stderr), times the pipeline, prints. */
export function runPipelineBench(io: Io, f: PipelineFlags): void {
  const sc = scanData(f.data, f.keyword, f.split);
  if (sc.train.length === 0 || sc.val.length === 0) throw new Error(`${sc.root}: needs training and validation clips${f.split === 'official' ? ' (try --split random)' : ''}`);
  const [train, val] = loadLabelled(io, sc.root, [sc.train, sc.val]);
  const data = { train, val, noises: loadNoise(sc.noiseFiles) };
  const cfg = pipelineConfig(f.batch);
  const t = benchPipeline(new CRNN(presetConfig(f.model), new Rng(cfg.seed)), data, cfg, f.steps);
  const [load1] = loadavg();
  if (f.json) {
    io.out(JSON.stringify({ data: sc.root, trainClips: sc.train.length, valClips: sc.val.length, noiseFiles: sc.noiseFiles.length, model: f.model, backend: f.backend, batch: f.batch, ...t, load: load1 }));
    return;
  }
  io.out(`pipeline of train --data ${shown(sc.root)}: train ${clipCounts(sc.train)}, val ${int(sc.val.length)} clips, ${sc.noiseFiles.length} noise file${sc.noiseFiles.length === 1 ? '' : 's'}; ${f.model} on ${f.backend}, batch ${f.batch}, ${epochsText(t)}; load average ${load1.toFixed(2)}`);
  const row = (name: string, p: PartTiming, what: string): string => `${name.padEnd(12)} ${int(p.samplesPerSec).padStart(8)} samples/s  ${p.seconds.toFixed(3).padStart(8)} s  ${what}`;
  io.out(row('batches', t.batches, 'sampling, augmentation, log-mel, SpecAugment'));
  io.out(row('train', t.train, 'forward, backward, clipping, Adam'));
  io.out(row('val features', t.valFeatures, 'log-mel of the validation clips (once a run)'));
  io.out(row('validation', t.validation, 'forward and metrics (every epoch)'));
  io.out(`batches take ${(100 * t.batchShare).toFixed(0)}% of the training loop (batches + train)`);
}
