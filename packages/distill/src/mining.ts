/**
 * Hard-negative mining rounds: after the main epochs, stream the model over the training split's
 * other-word clips glued into one long track (a fresh seeded order each round, so that the words
 * meet new neighbours), take the windows it fires on hardest (kws-model's mineHardNegatives:
 * peaks of p, the 1 s of audio before each), add them to the training clips as label 0, and train
 * on for a few more epochs; repeat. The model a round mines with is the one that is validated and
 * saved (the weight average when there is one).
 *
 * Each round starts afresh from the weight average (restartFromAverage): the raw weights become
 * the average, Adam's moments and step and the average's update count go back to zero, so the
 * round fine-tunes the model that was judged and the average then follows the round's own steps
 * (a continued average of ~2,000 earlier updates would still hold half the pre-round weights
 * after a 3-epoch round; measured on seed 1 of the default teacher: FR 100% at 1 FA/h on the real
 * clips continued, 40% restarted). The restart is one commit, and doing it twice changes nothing.
 *
 * A round's windows are a function of the model at the round's start and of (seed, round), and
 * they are written to `mined-<round>.json` (their times on the track) before the round trains, so
 * a resumed run rebuilds exactly the windows it trained on without the model that found them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel, encodeSafetensors, glueClips, loadModel, loadSafetensors, mineHardNegatives, windowEndingAt, writeFileAtomic, type CRNN } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import type { LabelledClips } from './batches.js';
import { commitEpoch, recoverRun, type RunFs } from './run-commit.js';

export interface MiningConfig {
  /** Rounds of mining after the main epochs (0: none). */
  rounds: number;
  /** Epochs each round trains. */
  epochsPerRound: number;
  /** Windows a round adds (at most: fewer when fewer peaks reach the floor). */
  windows: number;
  /** Lowest p a mined window may have. */
  floor: number;
  /** Each round also trains on every keyword clip once more, in context (keywordsInContext). */
  context: boolean;
}

export const MINING_DEFAULTS: MiningConfig = { rounds: 1, epochsPerRound: 3, windows: 1500, floor: 0.3, context: false };

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

/**
 * Start a round from the weight average: `last.safetensors` becomes `average.safetensors`'s
 * weights, and in `last.optim.safetensors` Adam's m, v and step and the average's update count
 * are zeroed (the average's values are the weights themselves); one commit of the same epoch.
 * Without an average only the optimiser is reset. Returns the weights the round starts from.
 */
export function restartFromAverage(dir: string, fs?: RunFs): CRNN {
  const head = recoverRun(dir, fs);
  const average = join(dir, 'average.safetensors');
  const last = loadModel(join(dir, 'last.safetensors'));
  const model = existsSync(average) ? loadModel(average).model : last.model;
  const optPath = join(dir, 'last.optim.safetensors');
  const { tensors, metadata } = loadSafetensors(optPath);
  const params = model.parameters();
  for (const [name, t] of tensors) {
    const [kind, index] = name.split('.');
    if (kind === 'm' || kind === 'v') t.data.fill(0);
    else if (kind === 'ema') t.data.set(params[Number(index)].data.data);
  }
  const meta = { ...metadata, step: '0', ...(metadata.emaUpdates === undefined ? {} : { emaUpdates: '0' }) };
  const files = new Map<string, Uint8Array>();
  for (const name of Object.keys(head.files)) files.set(name, readFileSync(join(dir, name)));
  files.set('last.safetensors', encodeModel(model, { epoch: last.info.epoch, train: last.info.train, metrics: last.info.metrics }));
  files.set(
    'last.optim.safetensors',
    encodeSafetensors(new Map([...tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data }])), { metadata: meta }),
  );
  commitEpoch(dir, files, { epoch: head.epoch, best: head.best ?? Infinity }, fs);
  return model;
}

/**
 * [first, last) samples of a clip's loud part: the 10 ms frames whose RMS is within 20 dB of the
 * loudest frame's (the word, without the silence Speech Commands clips carry around it).
 */
export function activeSpan(clip: Float32Array, frame = 160): [number, number] {
  const n = Math.floor(clip.length / frame);
  const rms = new Float64Array(n);
  for (let f = 0; f < n; f++) {
    let s = 0;
    for (let i = f * frame; i < (f + 1) * frame; i++) s += clip[i] * clip[i];
    rms[f] = Math.sqrt(s / frame);
  }
  const floor = 0.1 * Math.max(0, ...rms);
  let first = 0;
  let last = n - 1;
  while (first < n - 1 && !(rms[first] >= floor && rms[first] > 0)) first++;
  while (last > first && !(rms[last] >= floor && rms[last] > 0)) last--;
  return [first * frame, (last + 1) * frame];
}

/**
 * Keyword clips in context: each keyword clip of `train` between two random other-word clips
 * ([o, k, o], 3 s), and the 1 s window cut from it at a seeded offset that keeps the keyword's
 * loud part whole (activeSpan), as a stream shows it: with the ends of its neighbours inside.
 */
export function keywordsInContext(train: LabelledClips, seed: number, round: number): Float32Array[] {
  const rng = new Rng(seed * 7919 + round + 500_009);
  const others = [...train.labels.keys()].filter((i) => train.labels[i] === 0);
  const out: Float32Array[] = [];
  for (let k = 0; k < train.labels.length; k++) {
    if (train.labels[k] !== 1) continue;
    const clip = train.clips[k];
    const track = glueClips([train.clips[rng.choice(others)], clip, train.clips[rng.choice(others)]]);
    const [a, b] = activeSpan(clip.length > 16000 ? clip.subarray(0, 16000) : clip);
    // Window [o, o + 16000) of the track must hold [16000 + a, 16000 + b): b <= o <= 16000 + a.
    const lo = b;
    const hi = 16000 + a;
    const o = lo >= hi ? 16000 : Math.round(rng.uniform(lo, hi));
    out.push(track.slice(o, o + 16000));
  }
  return out;
}

/** `train` with `extra` clips appended as label 1. */
export function withPositives(train: LabelledClips, extra: readonly Float32Array[]): LabelledClips {
  const labels = new Int32Array(train.labels.length + extra.length).fill(1);
  labels.set(train.labels);
  return { clips: [...train.clips, ...extra], labels };
}
