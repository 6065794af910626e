/**
 * `kws-cli train --ensemble K`: K runs of one recipe that differ only in their seed, then one model
 * of the same architecture distilled from the mean of their logits.
 *
 * Why: on the built-in data, runs of one recipe that differ only in their seed disagree on real
 * speech far more than on their validation split (for "marvin", 2.2e-5 to 2.8e-3 on the same 300
 * real clips); the mean of a few runs is steadier than any one of them, and distilling it
 * gives one CRNN of the usual size and speed (README, "marvin").
 *
 * The run folder: `member-0` … `member-<K-1>`, each a complete `train` run folder (member k uses
 * seed --seed + 1000 k, and trains exactly as `train --seed <that>` would), then the distilled
 * model in the run folder itself (history.jsonl, best.safetensors, …), trained with the same
 * recipe and --seed, for twice as many epochs, on w · CE(labels) + (1 − w) · KL(softmax(mean) ‖
 * softmax(student)), T 1, w 0.2.
 * Ctrl-C stops inside whichever part is running; --resume skips the finished members and
 * continues the rest.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { distillation, readManifest, recoverRun, teacherAuFaFr, type LossFn, type TrainConfig, type TrainResult } from '@kws/distill';
import { CRNN, Ensemble, loadModel, type CRNNConfig } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { sci, shown } from './format.js';
import type { Io } from './io.js';

/**
 * The distillation: T 1 and w 0.2 (the soft term, the members' own probabilities, weighted 0.8),
 * for twice the members' epochs: of the settings measured on the real "marvin" clips (README,
 * "Second keyword"), the one whose worst seed did best. The real clips chose it; none trained on them.
 */
export const ENSEMBLE_DISTILL = { temperature: 1, hardWeight: 0.2, epochFactor: 2, seedStep: 1000 } as const;

/** The distillation's training config: the run's, for epochFactor times its epochs. */
export const distillConfig = (cfg: TrainConfig): TrainConfig => ({ ...cfg, epochs: cfg.epochs * ENSEMBLE_DISTILL.epochFactor });

/** The folder of member k (0-based). */
export const memberDir = (dir: string, k: number): string => join(dir, `member-${k}`);

/** Member k's training config: the run's, with seed + 1000 k. */
export const memberConfig = (cfg: TrainConfig, k: number): TrainConfig => ({ ...cfg, seed: cfg.seed + ENSEMBLE_DISTILL.seedStep * k });

/** The last finished epoch saved in a run folder (a save a kill interrupted is finished first); 0 if none. */
export function savedEpoch(dir: string): number {
  return readManifest(dir) === undefined ? 0 : recoverRun(dir).epoch;
}

/** Trains one model; `lossFn` replaces the cross-entropy (train.ts passes its reporter and Ctrl-C handling). */
export type Trainer = (model: CRNN, cfg: TrainConfig, dir: string, resume: boolean, lossFn?: LossFn) => Promise<TrainResult>;

/** What config.json records of an ensemble run: the members' seeds and the distillation's settings. */
export function ensembleRecord(cfg: TrainConfig, members: number): { members: number; seeds: number[]; temperature: number; hardWeight: number; epochs: number } {
  const { temperature, hardWeight } = ENSEMBLE_DISTILL;
  return { members, seeds: Array.from({ length: members }, (_, k) => memberConfig(cfg, k).seed), temperature, hardWeight, epochs: distillConfig(cfg).epochs };
}

/**
 * On --resume, the folder whose last.safetensors holds the run's model: the run folder, or member-0
 * for an ensemble stopped before its distillation began. A single run (its folder has no members;
 * one made before --ensemble saved no value to compare) is not turned into an ensemble.
 */
export function savedWeightsFolder(dir: string, members: number): string {
  if (members === 1) return dir;
  const distilled = existsSync(join(dir, 'last.safetensors'));
  if (distilled && !existsSync(memberDir(dir, 0))) {
    throw new Error(`--ensemble ${members} conflicts with the run in ${shown(dir)}, a single run (no member-0); drop --ensemble to continue it, or start a new one with another --out`);
  }
  return distilled ? dir : memberDir(dir, 0);
}

/**
 * Once the distillation has begun (the run folder holds a save), its teacher must not change: every
 * member must have finished `epochs`. train.ts calls it on --resume, before any data is loaded.
 */
export function checkMembers(dir: string, members: number, epochs: number): void {
  if (readManifest(dir) === undefined) return;
  for (let k = 0; k < members; k++) {
    const done = savedEpoch(memberDir(dir, k));
    if (done < epochs) throw new Error(`${shown(memberDir(dir, k))} finished ${done} epochs, but the distillation in ${shown(dir)} has begun from it: --epochs ${epochs} would change its teacher; start a new run with another --out`);
  }
}

export interface EnsembleJob {
  dir: string;
  members: number;
  model: CRNNConfig;
  cfg: TrainConfig;
  val: Parameters<typeof teacherAuFaFr>[1];
}

/**
 * Train the members still unfinished, then distil their mean into the run folder (on --resume,
 * after `checkMembers`). Returns the result of the part that ran last and its folder (stopped:
 * Ctrl-C inside it).
 */
export async function trainEnsemble(io: Io, job: EnsembleJob, train: Trainer): Promise<{ result: TrainResult; dir: string }> {
  const { dir, members: K, cfg } = job;
  const distilStarted = readManifest(dir) !== undefined;
  if (distilStarted) recoverRun(dir);
  for (let k = 0; k < K; k++) {
    const mdir = memberDir(dir, k);
    const mcfg = memberConfig(cfg, k);
    const done = savedEpoch(mdir);
    if (done >= cfg.epochs) {
      io.out(`member ${k + 1}/${K} (seed ${mcfg.seed}): finished, ${shown(mdir)}`);
      continue;
    }
    io.out(`member ${k + 1}/${K} (seed ${mcfg.seed}): ${done > 0 ? `resuming after epoch ${done}` : 'training'} -> ${shown(mdir)}`);
    const r = await train(new CRNN(job.model, new Rng(mcfg.seed)), mcfg, mdir, existsSync(join(mdir, 'last.safetensors')));
    if (r.stopped) return { result: r, dir: mdir };
  }
  const loaded = Array.from({ length: K }, (_, k) => loadModel(join(memberDir(dir, k), 'best.safetensors')));
  const teacher = new Ensemble(loaded.map((l) => l.model));
  const figures = loaded.map((l) => (typeof l.info.metrics?.auFaFr === 'number' ? sci(l.info.metrics.auFaFr) : '-'));
  io.out(`the ${K} members' mean: val au_fa_fr ${sci(teacherAuFaFr(teacher, job.val))} (members' best epochs: ${figures.join(', ')})`);
  const { temperature, hardWeight } = ENSEMBLE_DISTILL;
  const dcfg = distillConfig(cfg);
  io.out(`distilling the mean into one model (seed ${cfg.seed}, T ${temperature}, w ${hardWeight}, ${dcfg.epochs} epochs) -> ${shown(dir)}`);
  const d = distillation(teacher, { temperature, hardWeight });
  return { result: await train(new CRNN(job.model, new Rng(cfg.seed)), dcfg, dir, distilStarted, d.lossFn), dir };
}
