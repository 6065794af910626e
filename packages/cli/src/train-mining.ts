/**
 * `train --mine-rounds R`: the main epochs, then R rounds of hard-negative mining (distill's
 * mining.ts), each adding the windows of the training split's glued other-word clips on which the
 * model fires hardest as negatives and training `--mine-epochs` more epochs in the same run
 * folder (epochs base + 1 … base + R·E of one history), each round from the weight average with
 * a fresh optimiser (distill's restartFromAverage). Each
 * round's windows are recorded (`mined-<r>.json`) before it trains, so Ctrl-C and --resume work
 * in a round as in any epoch.
 */
import { join } from 'node:path';
import { keywordsInContext, mineRound, minedWindows, readHistoryFile, restartFromAverage, withNegatives, withPositives, type MiningConfig, type TrainConfig, type TrainData, type TrainResult } from '@kws/distill';
import { duration, int } from './format.js';
import type { Io } from './io.js';

export type PhaseTrainer = (data: TrainData, cfg: TrainConfig, resume: boolean) => Promise<TrainResult>;

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
    const start = end - mining.epochsPerRound;
    const done = readHistoryFile(join(dir, 'history.jsonl')).length;
    // The round's start (idempotent): on a resume inside the round its first epoch is already committed.
    const model = done === start ? restartFromAverage(dir) : undefined;
    let windows = minedWindows(dir, data.train, cfg.seed, r);
    if (windows === undefined) {
      if (model === undefined) throw new Error(`${join(dir, `mined-${r}.json`)} is missing, but the run trained past epoch ${start}; cannot resume mining round ${r}`);
      const t0 = performance.now();
      const mined = mineRound(dir, model, data.train, cfg.seed, r, mining);
      windows = mined.windows;
      io.out(`mining round ${r}/${mining.rounds}: ${int(windows.length)} windows of the training split's other words streamed as one track (${spread(mined.record.p)}) in ${duration((performance.now() - t0) / 1000)}; training epochs ${end - mining.epochsPerRound + 1}-${end} with them as negatives`);
    }
    extra.push(...windows);
    const negatives = withNegatives(data.train, extra);
    const train = mining.context ? withPositives(negatives, keywordsInContext(data.train, cfg.seed, r)) : negatives;
    result = await trainer({ ...data, train }, { ...cfg, epochs: end }, true);
    history.push(...result.history);
  }
  return { ...result, history };
}
