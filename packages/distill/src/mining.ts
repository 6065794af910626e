/**
 * Hard-negative mining rounds: after the main epochs, stream the model over the training split's
 * other-word clips glued into one long track (a fresh seeded order each round, so that the words
 * meet new neighbours), take the windows it fires on hardest (kws-model's mineHardNegatives:
 * peaks of p, the 1 s of audio before each), add them to the training clips as label 0, and train
 * on for a few more epochs; repeat. The model a round mines with is the one that is validated and
 * saved (the weight average when there is one).
 *
 * A round's windows are a function of the model at the round's start and of (seed, round), and
 * they are written to `mined-<round>.json` (their times on the track) before the round trains, so
 * a resumed run rebuilds exactly the windows it trained on without the model that found them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { glueClips, mineHardNegatives, windowEndingAt, writeFileAtomic, type CRNN } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import type { LabelledClips } from './batches.js';

export interface MiningConfig {
  /** Rounds of mining after the main epochs (0: none). */
  rounds: number;
  /** Epochs each round trains. */
  epochsPerRound: number;
  /** Windows a round adds (at most: fewer when fewer peaks reach the floor). */
  windows: number;
  /** Lowest p a mined window may have. */
  floor: number;
}

export const MINING_DEFAULTS: MiningConfig = { rounds: 1, epochsPerRound: 3, windows: 1500, floor: 0.3 };

/** The other-word clips of `train` in round `round`'s seeded order, glued back to back. */
export function miningTrack(train: LabelledClips, seed: number, round: number): Float32Array {
  const others = [...train.labels.keys()].filter((i) => train.labels[i] === 0);
  const order = new Rng(seed * 7919 + round).shuffle(others);
  return glueClips(order.map((i) => train.clips[i]));
}

export interface MinedRound {
  round: number;
  seed: number;
  /** Where on the round's track each window ends (seconds), and the p it scored then. */
  times: number[];
  p: number[];
}

const file = (dir: string, round: number): string => join(dir, `mined-${round}.json`);

/** Mine round `round` with `model` and record it in the run folder. */
export function mineRound(dir: string, model: CRNN, train: LabelledClips, seed: number, round: number, cfg: MiningConfig): { record: MinedRound; windows: Float32Array[] } {
  const track = miningTrack(train, seed, round);
  const found = mineHardNegatives(model, track, { count: cfg.windows, floor: cfg.floor, mode: 'staggered' });
  const record: MinedRound = { round, seed, times: found.map((w) => w.time), p: found.map((w) => w.p) };
  writeFileAtomic(file(dir, round), `${JSON.stringify(record)}\n`);
  return { record, windows: found.map((w) => w.wave) };
}

/** The windows of a round already mined (undefined when `mined-<round>.json` is absent). */
export function minedWindows(dir: string, train: LabelledClips, seed: number, round: number): Float32Array[] | undefined {
  const path = file(dir, round);
  if (!existsSync(path)) return undefined;
  let r: Partial<MinedRound>;
  try {
    r = JSON.parse(readFileSync(path, 'utf8')) as Partial<MinedRound>;
  } catch {
    throw new Error(`${path}: not valid JSON; delete the run folder's mined-*.json and the epochs after them, or start the run again`);
  }
  if (r.round !== round || r.seed !== seed || !Array.isArray(r.times) || !r.times.every((t) => typeof t === 'number' && Number.isFinite(t))) {
    throw new Error(`${path}: not the record of round ${round} of a run with seed ${seed}; cannot resume this run`);
  }
  const track = miningTrack(train, seed, round);
  return r.times.map((t) => windowEndingAt(track, t));
}

/** `train` with `extra` clips appended as label 0. */
export function withNegatives(train: LabelledClips, extra: readonly Float32Array[]): LabelledClips {
  const labels = new Int32Array(train.labels.length + extra.length);
  labels.set(train.labels);
  return { clips: [...train.clips, ...extra], labels };
}
