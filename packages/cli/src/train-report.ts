/**
 * What `kws-cli train` prints while it runs: a progress bar per epoch (samples, samples/s, ETA,
 * the step's loss) and one line per finished epoch, and what a stopped run keeps.
 */
import type { EpochRecord, StepInfo, TrainHooks } from '@kws/distill';
import { clock, duration, int, pct, sci, shown } from './format.js';
import type { Io } from './io.js';
import { Progress } from './progress.js';

/** `epoch  3/20  loss 0.2134  val loss 0.1987  val acc 96.12%  au_fa_fr 1.234e-3 [5.1e-4, 2.3e-3]  12.3 s  456 samples/s  *` */
export function epochLine(r: EpochRecord, epochs: number): string {
  const w = String(epochs).length;
  return [
    `epoch ${String(r.epoch).padStart(w)}/${epochs}`,
    `loss ${r.trainLoss.toFixed(4)}`,
    `val loss ${r.valLoss.toFixed(4)}`,
    `val acc ${pct(r.valAccuracy)}`,
    `au_fa_fr ${sci(r.auFaFr)}${r.auFaFrCi ? ` [${sci(r.auFaFrCi[0], 1)}, ${sci(r.auFaFrCi[1], 1)}]` : ''}`,
    duration(r.seconds),
    `${int(r.samplesPerSec)} samples/s`,
    ...(r.best ? ['*'] : []),
  ].join('  ');
}

/** Printed once, before the first epoch line: what the `*` at the end of a line means. */
export const BEST_MARK_NOTE = '(* on an epoch line: the best val au_fa_fr so far, lower is better; that epoch is saved as best.safetensors)';

/**
 * Drives the per-epoch bar from the trainer's hooks and prints the epoch lines. Beside the
 * epoch's own ETA the bar shows the whole run: time elapsed since the first step and the time
 * left, = this epoch's remaining samples / rate + epochs still to start × seconds per epoch
 * (the mean wall time of the epochs finished so far, validation included; before the first
 * one ends, samples / rate).
 */
export class TrainReporter {
  private bar: Progress | undefined;
  private started: number | undefined;
  private readonly finished: number[] = [];
  private epochStart = 0;
  private noted = false;

  constructor(
    private readonly io: Io,
    private readonly epochs: number,
    private readonly samples: number,
    private readonly batchSize: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  onStep(s: StepInfo): void {
    const t = this.now();
    this.started ??= t;
    if (s.step === 1 || this.bar === undefined) {
      this.bar?.clear();
      this.epochStart = t;
      this.bar = new Progress(this.io, { label: `epoch ${s.epoch}/${this.epochs}`, total: this.samples, unit: 'samples', everyPercent: 0, everySeconds: 30, now: this.now });
    }
    const done = Math.min(s.step * this.batchSize, this.samples);
    this.bar.update(done, `loss ${s.loss.toFixed(4)}  ${this.runNote(s.epoch, done, s.samplesPerSec, t)}`, s.samplesPerSec);
  }

  /** `run: 5:23 elapsed, ETA 8:10`: the whole run's elapsed time and time left. */
  private runNote(epoch: number, done: number, rate: number, t: number): string {
    const perEpoch = this.finished.length > 0 ? this.finished.reduce((a, b) => a + b, 0) / this.finished.length : this.samples / rate;
    const left = (this.samples - done) / rate + (this.epochs - epoch) * perEpoch;
    return `run: ${clock((t - (this.started ?? t)) / 1000)} elapsed, ETA ${rate > 0 ? clock(left) : '--:--'}`;
  }

  onEpoch(r: EpochRecord): void {
    this.clear();
    this.finished.push((this.now() - this.epochStart) / 1000);
    if (!this.noted) this.io.out(BEST_MARK_NOTE);
    this.noted = true;
    this.io.out(epochLine(r, this.epochs));
  }

  clear(): void {
    this.bar?.clear();
    this.bar = undefined;
  }
}

/** What the run folder holds after a stop: the end of the last finished epoch. */
export function stoppedLine(savedEpoch: number, dir: string): string {
  const kept = savedEpoch === 0 ? 'the initial weights (no epoch finished)' : `the end of epoch ${savedEpoch}`;
  return `stopped during epoch ${savedEpoch + 1}; ${shown(dir)} keeps ${kept}, and --resume replays epoch ${savedEpoch + 1} from its start.`;
}

/**
 * Run a training loop with the progress bar and epoch lines of `reporter`, and a Ctrl-C handler
 * that asks the loop to stop after the current step (the folder keeps the last finished epoch).
 * @example await withTrainHooks(io, reporter, (hooks) => trainModel(model, data, cfg, { outDir, hooks }));
 */
export async function withTrainHooks<T>(io: Io, reporter: TrainReporter, run: (hooks: TrainHooks) => Promise<T>): Promise<T> {
  let stop = false;
  const off = io.onInterrupt?.(() => {
    stop = true;
    reporter.clear();
    io.err('stopping after this step (Ctrl-C again to quit at once)...');
  });
  try {
    return await run({ onStep: reporter.onStep.bind(reporter), onEpoch: reporter.onEpoch.bind(reporter), shouldStop: () => stop });
  } finally {
    reporter.clear();
    off?.();
  }
}
