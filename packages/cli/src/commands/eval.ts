/**
 * `kws-cli eval`: score a checkpoint on a Speech Commands folder and print the course's figures:
 * au_fa_fr, FA and FR at a threshold (both over all N clips, as the course divides), accuracy,
 * and the clip counts. `--scores` keeps every clip's probability as JSON lines.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { writeOutput } from '../paths.js';
import { dirname, join } from 'node:path';
import { accuracyAt, clipsOf, clipStats, faFrAt, operatingPointOf, scoreClips, type Clip, type ClipStats, type CRNN } from '@kws/kws-model';
import { defineCommand } from '../command.js';
import { computeFlags, withCompute } from '../compute.js';
import { UsageError } from '../errors.js';
import { bothClasses, clipCounts, loadLabelled, scanData } from '../data-source.js';
import { int, pct, rows, sci } from '../format.js';
import type { Io } from '../io.js';
import { loadKeywordModel } from '../keyword-model.js';
import { Progress } from '../progress.js';
import { forceKeywordFlag, scoredKeyword, scoredKeywordFlag } from '../keyword.js';
import { streamEval } from './eval-stream.js';
import { checkpointOf, modelFlag } from '../shipped.js';

const flags = {
  checkpoint: { type: 'string', metavar: 'FILE', help: 'the model to evaluate (.safetensors); or --model' },
  model: modelFlag,
  data: { type: 'string', required: true, metavar: 'DIR', help: 'a Speech Commands folder (word folders, optional split lists)' },
  split: { type: 'string', choices: ['train', 'val', 'test', 'all'], defaultText: 'val; all for a folder without validation_list.txt (unless --split-by random)', help: "which clips to score; 'all' takes every clip in the word folders and needs no lists" },
  splitBy: {
    type: 'string',
    choices: ['official', 'random'],
    default: 'official',
    help: "how the folder is split: its validation_list.txt/testing_list.txt, or the seeded 80/20 shuffle that 'train --split random' uses",
  },
  keyword: scoredKeywordFlag,
  forceKeyword: forceKeywordFlag,
  threshold: { type: 'number', range: 'non-negative', default: 0.5, help: 'the decision threshold for FA, FR and accuracy' },
  scores: { type: 'string', metavar: 'FILE', help: 'also write one JSON line per clip: {"file": "<word>/<name>.wav", "label": 0|1, "p": p(keyword)}' },
  batchSize: { type: 'int', range: 'positive', default: 256, help: 'clips per forward pass' },
  resamples: { type: 'int', range: 'positive', default: 1000, metavar: 'R', help: 'bootstrap resamples of the clips for the 95% interval of au_fa_fr' },
  json: { type: 'boolean', help: 'print one JSON object with every figure instead of the table' },
  ...computeFlags,
  stream: { type: 'boolean', help: 'wake-word figures instead: glue a long track of other-word clips and a track of keyword clips from the split, stream both, print the false-reject rate at --fa-per-hour false accepts an hour (--threshold, --scores, --batch-size, --backend, --threads do not apply)' },
  modes: { type: 'string', default: 'staggered,reset', metavar: 'LIST', help: 'with --stream: the streaming modes to compare, a comma list of staggered, staggered-K (K states), reset, carried (see kws-cli stream --help)' },
  states: { type: 'int', range: 'positive', default: 4, metavar: 'K', help: 'with --stream: GRU states of the staggered mode' },
  negativeMinutes: { type: 'number', range: 'positive', default: 60, metavar: 'M', help: 'with --stream: length of the negative track; the split\'s other-word clips are repeated in fresh seeded orders to fill it (at least one pass; at most 1440, a day)' },
  gap: { type: 'int', range: 'positive', default: 2, metavar: 'N', help: 'with --stream: other-word clips before each keyword clip on the keyword track (at most 100)' },
  tolerance: { type: 'number', range: 'non-negative', default: 0.5, metavar: 'SEC', help: "with --stream: an event at t (its window's end) hits a keyword clip [s, e] if s <= t <= e + SEC" },
  smooth: { type: 'int', range: 'positive', default: 1, metavar: 'N', help: 'with --stream: moving average of p over N steps before the threshold (as kws-cli stream)' },
  refractory: { type: 'number', range: 'non-negative', default: 1, metavar: 'SEC', help: 'with --stream: no second event within SEC seconds of one (as kws-cli stream)' },
  faPerHour: { type: 'string', default: '0.5,1,5', metavar: 'LIST', help: 'with --stream: the false accepts per hour at which the false-reject rate is reported' },
  seed: { type: 'int', range: 'non-negative', default: 0, help: 'seed of the bootstrap resampling of the clips; with --stream: seed of the tracks\' clip orders' },
  curve: { type: 'string', metavar: 'FILE', help: 'with --stream: write every threshold\'s point (FA/h, FR, per mode) to FILE.csv or FILE.jsonl' },
  plot: { type: 'string', metavar: 'FILE', help: 'with --stream: draw FR against FA/h for each mode to FILE.png or FILE.svg' },
  tracks: { type: 'string', metavar: 'DIR', help: 'with --stream: also write the two tracks as DIR/negative.wav and DIR/keyword.wav with .json clip lists (for kws-cli stream)' },
} as const;

type Split = 'train' | 'val' | 'test' | 'all';

/**
 * The split to score: --split, else val, or all (with a note) for a folder that has no
 * validation_list.txt: there the official val split is not the clips the user meant (a folder of
 * one's own recordings), and scoring it printed figures over a handful of clips without a word.
 */
function splitOf(io: Io, f: { data: string; split?: Split; splitBy: string }): Split {
  if (f.split !== undefined) return f.split;
  if (f.splitBy === 'random' || !existsSync(f.data) || existsSync(join(f.data, 'validation_list.txt'))) return 'val'; // a missing folder fails in scanData
  io.err(`note: ${f.data} has no validation_list.txt, so every clip is scored (--split all); give --split to choose`);
  return 'all';
}

/** Below this many keyword clips a figure of the keyword's side (au_fa_fr, FR) is mostly chance. */
export const FEW_KEYWORD_CLIPS = 10;

function warnFewKeywordClips(io: Io, clips: readonly Clip[], split: string): void {
  const k = clips.filter((c) => c.label === 1).length;
  if (k >= FEW_KEYWORD_CLIPS) return;
  const weight = k > 0 ? ` (one clip moves FR by ${pct(1 / k, 0)})` : '';
  io.err(`warning: the ${split} split holds ${k} keyword clip${k === 1 ? '' : 's'}: figures on fewer than ${FEW_KEYWORD_CLIPS} say little${weight}`);
}

/** Probabilities in batches, with progress. */
function score(io: Io, model: CRNN, waves: Float32Array[], batchSize: number): Float32Array {
  const bar = new Progress(io, { label: 'scoring', total: waves.length, unit: 'clips' });
  const p = new Float32Array(waves.length);
  for (let i = 0; i < waves.length; i += batchSize) {
    p.set(scoreClips(model, waves.slice(i, i + batchSize), batchSize), i);
    bar.update(Math.min(i + batchSize, waves.length));
  }
  bar.done();
  return p;
}

function writeScores(path: string, clips: readonly Clip[], p: Float32Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const lines = clips.map((c, i) => JSON.stringify({ file: c.file, label: c.label, p: p[i] }));
  writeOutput(path, lines.join('\n') + '\n');
}

/** Every figure of one evaluation (what --json prints). */
export interface EvalFigures extends ClipStats {
  clips: number;
  keywordClips: number;
  threshold: number;
  fa: number;
  fr: number;
  accuracy: number;
}

/** The figures from the scores: the course's at a threshold plus `clipStats` (interval, FR at FA). */
export function evalFigures(p: Float32Array, labels: Int32Array, threshold: number, boot: { resamples: number; seed: number }): EvalFigures {
  const { fa, fr } = faFrAt(p, labels, threshold);
  const keywordClips = labels.reduce((s, y) => s + y, 0);
  return { clips: labels.length, keywordClips, threshold, fa, fr, accuracy: accuracyAt(p, labels, threshold), ...clipStats(p, labels, boot) };
}

function report(e: EvalFigures, resamples: number): [string, string][] {
  const n = e.clips;
  const neg = n - e.keywordClips;
  return [
    ['au_fa_fr', sci(e.auFaFr)],
    ['  95% interval', `[${sci(e.auFaFrCi.lo)}, ${sci(e.auFaFrCi.hi)}] (percentile bootstrap, ${int(resamples)} resamples of the ${int(n)} clips)`],
    ...e.frAtFa.map((r): [string, string] => [
      `FR at FA ${pct(r.faTarget, 1)}`,
      `${pct(r.fr)} of ${int(e.keywordClips)} keyword clips (FA ${pct(r.fa)} of ${int(neg)} others; accept p > ${r.threshold === -Infinity ? '-inf' : r.threshold.toPrecision(4)})`,
    ]),
    [`FA at ${e.threshold}`, `${sci(e.fa)} (${int(e.fa * n)} of ${int(n)} clips falsely accepted)`],
    [`FR at ${e.threshold}`, `${sci(e.fr)} (${int(e.fr * n)} of ${int(n)} clips falsely rejected)`],
    [`accuracy at ${e.threshold}`, pct(e.accuracy)],
  ];
}

export const evaluate = defineCommand({
  name: 'eval',
  summary: 'score a checkpoint on a Speech Commands folder: au_fa_fr, FA/FR, accuracy; --stream: FR at false accepts per hour',
  description: [
    'au_fa_fr is the area under the false-rejection vs false-acceptance curve over every threshold (lower is better); FA and FR count clips over the total N, as the course does.',
    "Multi-channel clips are averaged to mono, so a stereo copy of a mono clip scores the same; train and distill sum channels, as the course recipe loads its data (the same on mono files such as Speech Commands).",
    "--stream measures the model as a wake word instead. From the split it glues a negative track (every other-word clip back to back, repeated in fresh seeded orders up to --negative-minutes) and a keyword track (each keyword clip once, after --gap other-word clips), streams both in each of --modes, and detects events at each threshold of a grid (sigmoid(u), u = -6 .. 12 by 0.1) as kws-cli stream does (moving average of --smooth steps, rising crossing, --refractory seconds). False accepts per hour = events on the negative track / its hours. A keyword clip at [s, e] is hit when an event's time t (the end of its 1 s window) has s <= t <= e + --tolerance; the false-reject rate is the share of keyword clips not hit. It prints, per mode, the lowest false-reject rate among thresholds with at most each --fa-per-hour false accepts an hour.",
    'Its 95% interval resamples the clips with replacement (--resamples times, seeded by --seed) and takes the 2.5th and 97.5th percentiles of au_fa_fr over the resamples. "FR at FA a" is the share of keyword clips rejected when at most floor(a x others) of the other clips are accepted (accept p > the (k+1)-th highest other-clip score): there both rates are over their own class.',
  ],
  flags,
  examples: [
    'npx kws-cli eval --checkpoint runs/teacher-synth/best.safetensors --data data/speech_commands_v0.01',
    'npx kws-cli eval --checkpoint runs/teacher-synth/best.safetensors --data my_clips --split all --scores scores.jsonl',
    'npx kws-cli eval --stream --checkpoint runs/teacher-synth/best.safetensors --data .cache/kws-ts/synth-0-flite --split test --modes staggered,reset,carried --plot wake.png',
    'npx kws-cli eval --model exp2 --data .cache/kws-ts/synth-0-flite --split test --json',
  ],
  async run(args, io, path) {
    const { backend, threads, ...f } = args.flags;
    if (f.threshold > 1) throw new UsageError(`--threshold must be in [0, 1], got '${f.threshold}'`, path);
    const checkpoint = checkpointOf(f.checkpoint, f.model, path);
    const { model, info } = loadKeywordModel(checkpoint, io);
    const keyword = scoredKeyword(info, f, checkpoint, path);
    const split = splitOf(io, f);
    const sc = scanData(f.data, keyword, split === 'all' ? 'random' : f.splitBy);
    const clips = clipsOf(sc, split);
    if (clips.length === 0) {
      throw new Error(`${sc.root}: the ${split} split has no clips (${f.splitBy} split); try --split all or --split-by random`);
    }
    bothClasses(clips, `${sc.root}: the ${split} split`, sc.keyword);
    warnFewKeywordClips(io, clips, split);
    if (f.stream) {
      const data = `${sc.root} (${split}: ${split === 'all' ? 'every clip' : `${f.splitBy} split`}, ${clipCounts(clips)})`;
      io.out(rows([['checkpoint', checkpoint]])[0]);
      await streamEval(io, model.eval(), sc.root, clips, f, { data, keyword: sc.keyword, operatingPoint: operatingPointOf(info.metadata, checkpoint) }, path);
      return 0;
    }
    const [{ clips: waves, labels }] = loadLabelled(io, sc.root, [clips], 'loading clips', 'mean');
    let ran = '';
    const p = await withCompute({ backend, threads, warn: (m) => io.err(m) }, (what) => {
      ran = what;
      return Promise.resolve(score(io, model, waves, f.batchSize));
    });
    const nan = p.findIndex(Number.isNaN);
    if (nan >= 0) throw new Error(`${join(sc.root, clips[nan].file)}: the probability of ${checkpoint} is NaN on this clip; nothing written`);
    if (f.scores !== undefined) writeScores(f.scores, clips, p);
    const figures = evalFigures(p, labels, f.threshold, { resamples: f.resamples, seed: f.seed });
    if (f.json) {
      io.out(JSON.stringify({ checkpoint, epoch: info.epoch ?? null, data: sc.root, split, backend: ran, ...figures }));
      return 0;
    }
    const lists = split === 'all' ? 'every clip' : `${f.splitBy} split`;
    const lines = rows([
      ['checkpoint', `${checkpoint}${info.epoch !== undefined ? ` (epoch ${info.epoch})` : ''}`],
      ['data', `${sc.root} (${split}: ${lists}, keyword '${sc.keyword}')`],
      ['clips', clipCounts(clips)],
      ['backend', ran],
      ...report(figures, f.resamples),
      ...(f.scores !== undefined ? ([['scores', f.scores]] as [string, string][]) : []),
    ]);
    lines.forEach((l) => io.out(l));
    return 0;
  },
});
