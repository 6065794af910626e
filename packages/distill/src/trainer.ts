/**
 * The training loop shared by the teacher and the students. Each epoch: balanced draws →
 * augmented batches → loss → backward → step (clip, Adam; with `ema`, the weight average folds the
 * step in) → validation (loss, accuracy, au_fa_fr, its bootstrap interval, FR at fixed FA; of the
 * average when there is one) → history row (JSON lines) → `last` checkpoint, and `best` when
 * au_fa_fr improves.
 * Each epoch draws from its own Rng seeded by (seed, epoch), so `resume` replays exactly.
 * The loop awaits between steps so that a Ctrl-C handler can ask it to stop; it then returns,
 * leaving the run folder at the end of the last finished epoch.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { crossEntropy, type Tensor } from '@kws/autograd';
import { encodeModel, LogMel, type CRNN } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { epochOrder, plainFeatures, trainingBatch, type Batch, type LabelledClips } from './batches.js';
import { WeightAverage } from './ema.js';
import { Adam } from './optim.js';
import { historyText, readHistoryFile } from './history.js';
import { commitEpoch, type RunFs } from './run-commit.js';
import { loadTrainerState, trainerStateFiles } from './state.js';
import { fp32Step, type Stepper } from './step.js';
import { validate } from './validate.js';

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  clipNorm: number;
  seed: number;
  augment: boolean;
  specAugment: boolean;
  /**
   * Decay of the weight average (ema.ts) used for validation and the saved `best` model; 0 or
   * absent: none (the course validates the raw weights).
   */
  ema?: number;
  /**
   * The learning rate over the run: 'constant' (absent in runs made before schedules existed) or
   * 'cosine', see `scheduledLr`.
   */
  lrSchedule?: LrSchedule;
  /**
   * SpecAugment's masks: 'batch' (absent: the course, one pair shared by the batch) or 'clip'
   * (a pair per clip).
   */
  specAugmentMasks?: 'batch' | 'clip';
}

export type LrSchedule = 'constant' | 'cosine';

/**
 * The learning rate of step `step` (0-based) of `epoch` (1-based) with `steps` steps an epoch.
 * Cosine annealing to zero over the whole run (Loshchilov & Hutter's SGDR without restarts):
 *   lr_t = lr · ½ (1 + cos(π t / n)),  t = (epoch − 1) · steps + step,  n = epochs · steps,
 * so early steps move at about the full rate and the last epochs settle into a minimum instead of
 * bouncing around it at the full rate (what a short run's last, best-chosen epochs need). It is a
 * function of (epoch, step) only, so --resume replays it exactly; raising --epochs on resume
 * stretches the rest of the curve.
 * @example scheduledLr({ ...COURSE_DEFAULTS, lrSchedule: 'cosine' }, 1, 0, 10) // 3e-4
 */
export function scheduledLr(cfg: TrainConfig, epoch: number, step: number, steps: number): number {
  if ((cfg.lrSchedule ?? 'constant') === 'constant') return cfg.lr;
  const t = (epoch - 1) * steps + step;
  return cfg.lr * 0.5 * (1 + Math.cos((Math.PI * t) / (cfg.epochs * steps)));
}

/** The course's defaults. */
export const COURSE_DEFAULTS: TrainConfig = { epochs: 20, batchSize: 128, lr: 3e-4, weightDecay: 1e-5, clipNorm: 5, seed: 0, augment: true, specAugment: true };

export interface LossOutput {
  loss: Tensor;
  /** Named loss terms as numbers, recorded per epoch (e.g. ce, kd). */
  terms: Record<string, number>;
}

export type LossFn = (model: CRNN, batch: Batch, rng: Rng) => LossOutput;

export const crossEntropyLoss: LossFn = (model, batch, rng) => {
  const loss = crossEntropy(model.forward(batch.x, rng), batch.labels);
  return { loss, terms: { ce: loss.item() } };
};

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  terms: Record<string, number>;
  valLoss: number;
  valAccuracy: number;
  auFaFr: number;
  /** 95% bootstrap interval of auFaFr over the validation clips, [lo, hi] (absent in old runs). */
  auFaFrCi?: [number, number];
  /** FR over the keyword clips at FA = 0.5% / 1% of the other clips (absent in old runs). */
  frAtFa05?: number;
  frAtFa1?: number;
  fa: number;
  fr: number;
  gradNorm: number;
  skippedSteps: number;
  lr: number;
  seconds: number;
  samplesPerSec: number;
  best: boolean;
}

export interface StepInfo {
  epoch: number;
  step: number;
  steps: number;
  loss: number;
  samplesPerSec: number;
  /** The global gradient norm before clipping (Infinity or NaN on a skipped step). */
  gradNorm: number;
  lr: number;
  /** The stepper skipped the update (mixed precision found Inf/NaN gradients). */
  skipped: boolean;
}

export interface TrainHooks {
  onStep?: (s: StepInfo) => void;
  onEpoch?: (r: EpochRecord) => void;
  shouldStop?: () => boolean;
}

export interface TrainData {
  train: LabelledClips;
  val: LabelledClips;
  noises: Float32Array[];
}

export interface TrainOptions {
  outDir: string;
  lossFn?: LossFn;
  stepper?: Stepper;
  hooks?: TrainHooks;
  resume?: boolean;
  saveDtype?: 'F32' | 'F16';
  /** Extra JSON stored in checkpoints' `train` metadata (e.g. distillation settings). */
  extraMeta?: object;
  /** The file operations of the epoch saves (a test injects faults here). */
  fs?: RunFs;
}

export interface TrainResult {
  history: EpochRecord[];
  stopped: boolean;
  /** The last epoch saved in the run folder (what --resume continues from). */
  savedEpoch: number;
  bestAuFaFr: number;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Train `model` in place, writing history.jsonl, best.safetensors and last.safetensors to outDir.
 * A fresh run first commits epoch 0 (the initial weights); every finished epoch is then one
 * commit (run-commit.ts). A stop request drops the unfinished epoch: the folder keeps the end of
 * the last finished one, and resume replays the dropped epoch exactly (its Rng is (seed, epoch)).
 * @example await trainModel(model, data, COURSE_DEFAULTS, { outDir: 'runs/teacher' });
 */
export async function trainModel(model: CRNN, data: TrainData, cfg: TrainConfig, opts: TrainOptions): Promise<TrainResult> {
  mkdirSync(opts.outDir, { recursive: true });
  const fe = new LogMel();
  const opt = new Adam(model.parameters(), { lr: cfg.lr, weightDecay: cfg.weightDecay });
  const stepper = opts.stepper ?? fp32Step();
  const ema = cfg.ema ? new WeightAverage(model.parameters(), cfg.ema) : undefined;
  /** `fn` on the weights that are validated and saved as `best`: the average when there is one. */
  const judged = <T>(fn: () => T): T => (ema ? ema.swapped(fn) : fn());
  const meta = { ...cfg, ...opts.extraMeta };
  const save = (epoch: number, best: number, rows: EpochRecord[], rec?: EpochRecord): void => {
    const files = trainerStateFiles(model, opt, stepper, { epoch, best }, meta, rec, ema);
    files.set('history.jsonl', new TextEncoder().encode(historyText(rows)));
    if (rec?.best) files.set('best.safetensors', judged(() => encodeModel(model, { dtype: opts.saveDtype, epoch, train: meta, metrics: rec })));
    commitEpoch(opts.outDir, files, { epoch, best }, opts.fs);
  };
  let start = 1;
  let best = Infinity;
  const rows: EpochRecord[] = [];
  if (opts.resume) {
    ({ start, best } = loadTrainerState(opts.outDir, model, opt, stepper, opts.fs, ema));
    rows.push(...readHistoryFile(join(opts.outDir, 'history.jsonl')));
  } else save(0, best, rows);
  const valX = plainFeatures(fe, data.val.clips);
  const history: EpochRecord[] = [];
  for (let epoch = start; epoch <= cfg.epochs; epoch++) {
    const t0 = performance.now();
    const run = await runEpoch(model, data, cfg, { fe, opt, stepper, ema, epoch, lossFn: opts.lossFn ?? crossEntropyLoss, hooks: opts.hooks });
    const seconds = (performance.now() - t0) / 1000;
    if (run.stopped) return { history, stopped: true, savedEpoch: epoch - 1, bestAuFaFr: best };
    checkFinite(model, epoch);
    const v = judged(() => validate(model, valX, data.val.labels));
    const rec = makeRecord(epoch, run, v, opt.lr, seconds, v.auFaFr < best);
    if (rec.best) best = v.auFaFr;
    rows.push(rec);
    save(epoch, best, rows, rec);
    history.push(rec);
    opts.hooks?.onEpoch?.(rec);
  }
  return { history, stopped: false, savedEpoch: Math.max(start - 1, cfg.epochs), bestAuFaFr: best };
}

/** NaN/Inf weights would only surface later as an anonymous NaN probability: name the tensor now. */
function checkFinite(model: CRNN, epoch: number): void {
  for (const [name, t] of model.stateDict()) {
    if (!t.data.every(Number.isFinite)) throw new Error(`epoch ${epoch}: parameter '${name}' holds NaN or Inf: training diverged (try a lower --lr); the run folder keeps epoch ${epoch - 1}`);
  }
}

interface EpochContext {
  fe: LogMel;
  opt: Adam;
  stepper: Stepper;
  ema?: WeightAverage;
  epoch: number;
  lossFn: LossFn;
  hooks?: TrainHooks;
}

interface EpochRun {
  loss: number;
  terms: Record<string, number>;
  gradNorm: number;
  skipped: number;
  samples: number;
  stopped: boolean;
}

async function runEpoch(model: CRNN, data: TrainData, cfg: TrainConfig, ctx: EpochContext): Promise<EpochRun> {
  const rng = new Rng(cfg.seed * 1_000_003 + ctx.epoch);
  const order = epochOrder(data.train.labels, rng);
  const steps = Math.ceil(order.length / cfg.batchSize);
  const sums: Record<string, number> = {};
  const acc = { loss: 0, gradNorm: 0, skipped: 0, samples: 0 };
  const t0 = performance.now();
  model.train();
  for (let s = 0; s < steps; s++) {
    const idx = order.subarray(s * cfg.batchSize, (s + 1) * cfg.batchSize);
    const batch = trainingBatch(ctx.fe, data.train, idx, rng, { augment: cfg.augment, specAugment: cfg.specAugment, iidMasks: cfg.specAugmentMasks === 'clip', noises: data.noises });
    ctx.opt.lr = scheduledLr(cfg, ctx.epoch, s, steps);
    const out = ctx.lossFn(model, batch, rng);
    const res = ctx.stepper.step(model.parameters(), ctx.opt, out.loss, cfg.clipNorm);
    acc.loss += out.loss.item() * idx.length;
    // A skipped step's norm is Inf/NaN: the epoch's mean is over the steps actually taken.
    if (!res.skipped) {
      acc.gradNorm += res.gradNorm;
      ctx.ema?.update();
    }
    acc.skipped += res.skipped ? 1 : 0;
    acc.samples += idx.length;
    for (const [k, v] of Object.entries(out.terms)) sums[k] = (sums[k] ?? 0) + v * idx.length;
    const sps = acc.samples / ((performance.now() - t0) / 1000);
    ctx.hooks?.onStep?.({ epoch: ctx.epoch, step: s + 1, steps, loss: out.loss.item(), samplesPerSec: sps, gradNorm: res.gradNorm, lr: ctx.opt.lr, skipped: res.skipped });
    await tick();
    if (ctx.hooks?.shouldStop?.()) return { ...acc, loss: NaN, terms: {}, stopped: true };
  }
  const terms = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / acc.samples]));
  return { loss: acc.loss / acc.samples, terms, gradNorm: acc.gradNorm / Math.max(1, steps - acc.skipped), skipped: acc.skipped, samples: acc.samples, stopped: false };
}

function makeRecord(epoch: number, run: EpochRun, v: ReturnType<typeof validate>, lr: number, seconds: number, best: boolean): EpochRecord {
  return {
    epoch,
    trainLoss: run.loss,
    terms: run.terms,
    valLoss: v.loss,
    valAccuracy: v.accuracy,
    auFaFr: v.auFaFr,
    auFaFrCi: [v.auFaFrCi.lo, v.auFaFrCi.hi],
    frAtFa05: v.frAtFa05,
    frAtFa1: v.frAtFa1,
    fa: v.fa,
    fr: v.fr,
    gradNorm: run.gradNorm,
    skippedSteps: run.skipped,
    lr,
    seconds,
    samplesPerSec: run.samples / seconds,
    best,
  };
}

