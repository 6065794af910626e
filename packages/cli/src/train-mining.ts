/**
 * `train --mine-rounds R`: the main epochs, then R rounds of hard-negative mining (distill's
 * mining.ts), each adding the windows of the training split's glued other-word clips on which the
 * model fires hardest as negatives and training `--mine-epochs` more epochs in the same run
 * folder (the same optimiser, weight average and history: epochs base + 1 … base + R·E). Each
 * round's windows are recorded (`mined-<r>.json`) before it trains, so Ctrl-C and --resume work
 * in a round as in any epoch.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mineRound, minedWindows, readHistoryFile, withNegatives, type MiningConfig, type TrainConfig, type TrainData, type TrainResult } from '@kws/distill';
import { loadModel } from '@kws/kws-model';
import { duration, int } from './format.js';
import type { Io } from './io.js';

export type PhaseTrainer = (data: TrainData, cfg: TrainConfig, resume: boolean) => Promise<TrainResult>;

/** The weights the next round mines with: the weight average at the last epoch, else the last weights. */
function judgedModel(dir: string): ReturnType<typeof loadModel>['model'] {
  const average = join(dir, 'average.safetensors');
  return loadModel(existsSync(average) ? average : join(dir, 'last.safetensors')).model;
}

/** Count windows at or above each p, for the round's line. */
function spread(p: readonly number[]): string {
  return [0.5, 0.9, 0.99].map((t) => `${int(p.filter((v) => v >= t).length)} at p >= ${t}`).join(', ');
}

/**
 * The main epochs (cfg.epochs), then the mining rounds; returns the last phase's result with the
 * history of every phase run now.
 */
export async function trainWithMining(io: Io, dir: string, data: TrainData, cfg: TrainConfig, mining: MiningConfig, resume: boolean, trainer: PhaseTrainer): Promise<TrainResult> {
  let result = await trainer(data, cfg, resume);
  const history = [...result.history];
  const extra: Float32Array[] = [];
  for (let r = 1; r <= mining.rounds && !result.stopped; r++) {
    const end = cfg.epochs + r * mining.epochsPerRound;
    let windows = minedWindows(dir, data.train, cfg.seed, r);
    if (windows === undefined) {
      const done = readHistoryFile(join(dir, 'history.jsonl')).length;
      if (done > end - mining.epochsPerRound) throw new Error(`${join(dir, `mined-${r}.json`)} is missing, but the run trained past epoch ${end - mining.epochsPerRound}; cannot resume mining round ${r}`);
      const t0 = performance.now();
      const mined = mineRound(dir, judgedModel(dir), data.train, cfg.seed, r, mining);
      windows = mined.windows;
      io.out(`mining round ${r}/${mining.rounds}: ${int(windows.length)} windows of the training split's other words streamed as one track (${spread(mined.record.p)}) in ${duration((performance.now() - t0) / 1000)}; training epochs ${end - mining.epochsPerRound + 1}-${end} with them as negatives`);
    }
    extra.push(...windows);
    result = await trainer({ ...data, train: withNegatives(data.train, extra) }, { ...cfg, epochs: end }, true);
    history.push(...result.history);
  }
  return { ...result, history };
}
