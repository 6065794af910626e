/**
 * `kws-cli distill --teacher CKPT --preset exp1|exp2|exp3`: the report's experiments. The student
 * learns from w · CE(labels) + (1 − w) · T² · KL(teacher_T ‖ student_T), the teacher running
 * without gradients on the same augmented batch; exp3 trains in fp16 mixed precision and saves
 * F16 weights. Same data, run folder, progress, Ctrl-C and --resume as `train`, plus
 * summary.json (the teacher's au_fa_fr on this validation set, the 1.1× pass mark and the first
 * epoch that reached it) and, with --inspect N, inspect.jsonl (one row per step for N steps).
 */
import { existsSync, rmSync } from 'node:fs';
import { writeOutput } from '../paths.js';
import { dirname, join, resolve } from 'node:path';
import { distillPreset, distillRun, DISTILL_PRESETS, MINING_DEFAULTS, teacherAuFaFr, THRESHOLD_FACTOR, type DistillPreset, type DistillSummary, type TrainConfig, type TrainData, type TrainResult } from '@kws/distill';
import { trainWithMining } from '../train-mining.js';
import { countMacs, countParameters, CRNN, loadModel } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { int, sci, shown } from '../format.js';
import type { Io } from '../io.js';
import { loadKeywordModel } from '../keyword-model.js';
import { stoppedLine, TrainReporter, withTrainHooks } from '../train-report.js';
import { withRunLock } from '../run-lock.js';
import { checkResume, prepareRun, resolveData, runFolder, writeRunConfig, type RunOptions } from '../train-setup.js';
import { computeFlags, withCompute } from '../compute.js';
import { checkpointKeyword, recordsKeyword } from '../keyword.js';
import { BUILT_IN_RECIPE, flags as trainFlags, loadData, shipRule, trainConfig } from './train.js';

const T = trainFlags;
const flags = {
  teacher: { type: 'string', metavar: 'CKPT', help: 'the teacher checkpoint (a kws-ts .safetensors, or a PyTorch state_dict saved with safetensors); required unless --resume' },
  preset: { type: 'string', choices: Object.keys(DISTILL_PRESETS), help: 'exp1: conv 2, GRU 1×22; exp2: single-linear attention, hidden 24; exp3: exp1 in fp16 mixed precision with F16 weights; exp4 (beyond the report): conv 2, time stride 12, GRU 1×16, single-linear attention, fp16, F16; required unless --resume' },
  data: T.data,
  epochs: { type: 'int', range: 'positive', defaultText: "the preset's, 30", help: 'train until this epoch (with --resume: the new last epoch)' },
  lr: { type: 'number', range: 'positive', defaultText: "the preset's, 0.003", help: 'Adam learning rate (the report raised it well above the teacher\'s 3e-4)' },
  temperature: { type: 'number', range: 'positive', metavar: 'T', defaultText: "the preset's, 10", help: 'softmax temperature of the soft targets' },
  hardWeight: { type: 'number', range: 'non-negative', metavar: 'W', defaultText: "the preset's: exp1/exp3 0.6, exp2 0.3", help: 'w, the weight of the cross-entropy on labels; the soft term gets 1 - w. The presets read the report\'s "student loss" as this term; --hard-weight 0.4 (exp1/exp3) or 0.7 (exp2) runs the other reading' },
  noT2: { type: 'boolean', help: 'do not multiply the soft term by T²' },
  lrSchedule: { type: 'string', choices: ['constant', 'cosine'], default: 'constant', help: 'the learning rate over the run: constant (the presets), or cosine: lr · ½(1 + cos(π t/n)) from --lr down to 0 at the last step' },
  inspect: { type: 'int', range: 'non-negative', default: 0, metavar: 'N', help: 'write <out>/inspect.jsonl: for the first N steps, the labels, teacher soft targets, student probabilities, loss terms, gradient norm and lr' },
  batchSize: { ...T.batchSize, defaultText: `128; ${BUILT_IN_RECIPE.batchSize} on the built-in data (as train)` },
  weightDecay: { ...T.weightDecay, defaultText: `${T.weightDecay.default} (the course's), also on the built-in data: the students were tuned with it; train uses ${BUILT_IN_RECIPE.weightDecay} there` },
  clipNorm: T.clipNorm,
  seed: T.seed,
  ema: { ...T.ema, defaultText: `${BUILT_IN_RECIPE.ema} on the built-in data (as train); 0 (none) with --data` },
  name: { ...T.name, defaultText: "<preset>-synth, or <preset>-<data folder name>; -<keyword> added for a keyword other than sheila (exp1-synth-computer)" },
  out: T.out,
  resume: T.resume,
  keyword: { ...T.keyword, defaultText: "the teacher's (its train.keyword metadata; 'sheila' when it has none)", help: 'the word to spot (label 1), as the teacher was trained on; the students\' checkpoints record it' },
  split: T.split,
  noAugment: T.noAugment,
  noSpecAugment: T.noSpecAugment,
  specMasks: T.specMasks,
  cache: T.cache,
  synthSeed: T.synthSeed,
  speakers: T.speakers,
  engines: T.engines,
  mineRounds: { ...T.mineRounds, defaultText: '0', help: "after the distillation, R rounds of hard-negative mining as train's --mine-rounds: the student streams the training split's other words, and the windows it fires on hardest join the negatives (the teacher's soft labels on them included) for --mine-epochs more epochs" },
  mineEpochs: T.mineEpochs,
  operatingFa: T.operatingFa,
  ...computeFlags,
} as const;

/** What config.json keeps for --resume: train's options plus the distillation ones. */
interface DistillOptions extends Omit<RunOptions, 'epochs' | 'lr'> {
  teacher: string | undefined;
  preset: string | undefined;
  epochs: number | undefined;
  lr: number | undefined;
  temperature: number | undefined;
  hardWeight: number | undefined;
  noT2: boolean;
  lrSchedule: string;
  inspect: number;
  resume: boolean;
}

/**
 * On the built-in set, batch 32 and the weight average unless given, as `train` does: the
 * course's 128 gives too few steps an epoch on a few thousand clips. (On --resume the saved
 * settings win.)
 */
function builtInRecipe(io: Io, o: DistillOptions, given: ReadonlySet<string>): DistillOptions {
  if (o.data !== undefined || o.resume) return o;
  const batchSize = given.has('batchSize') ? o.batchSize : BUILT_IN_RECIPE.batchSize;
  const ema = given.has('ema') ? o.ema : BUILT_IN_RECIPE.ema;
  io.out(`built-in data recipe: batch ${batchSize}, weight average ${ema} (the course's 128 and none apply with --data; override with --batch-size / --ema)`);
  return { ...o, batchSize, ema };
}

/** The preset with the command line's overrides applied. */
function effectivePreset(o: DistillOptions, path: string): DistillPreset {
  if (o.preset === undefined) throw new UsageError('--preset is required (exp1, exp2, exp3 or exp4)', path);
  const p = distillPreset(o.preset);
  const hardWeight = o.hardWeight ?? p.hardWeight;
  if (hardWeight > 1) throw new UsageError(`--hard-weight must be between 0 and 1, got '${hardWeight}'`, path);
  const custom = o.hardWeight !== undefined && o.hardWeight !== p.hardWeight;
  const reading = custom ? `custom: --hard-weight ${hardWeight} (preset ${p.hardWeight}; ${p.reading})` : p.reading;
  return { ...p, temperature: o.temperature ?? p.temperature, hardWeight, reading, t2: !o.noT2, lr: o.lr ?? p.lr, epochs: o.epochs ?? p.epochs };
}

/** The trainer's settings: train's, with the preset's epochs and lr and the lr schedule. */
function distillConfig(o: DistillOptions, preset: DistillPreset): TrainConfig {
  return { ...trainConfig({ ...o, epochs: preset.epochs, lr: preset.lr }, 'distill'), lrSchedule: o.lrSchedule === 'cosine' ? 'cosine' : 'constant' };
}

/**
 * The options with the teacher's keyword (a student spots what its teacher spots): --keyword when
 * not given, or checked against it. On --resume the run's saved keyword is restored instead.
 */
function teacherKeyword(o: DistillOptions, given: ReadonlySet<string>, path: string): DistillOptions {
  if (o.resume || o.teacher === undefined || !existsSync(o.teacher)) return o;
  const info = loadModel(o.teacher).info;
  const own = checkpointKeyword(info);
  if (!given.has('keyword')) return { ...o, keyword: own };
  if (recordsKeyword(info) && o.keyword !== own) throw new UsageError(`--keyword ${o.keyword}: the teacher ${o.teacher} was trained on '${own}'; drop --keyword, the student learns the teacher's word`, path);
  return o;
}

function loadTeacher(file: string | undefined, path: string, io: Io): CRNN {
  if (file === undefined) throw new UsageError('--teacher is required', path);
  if (!existsSync(file)) throw new Error(`${file}: no such teacher checkpoint`);
  return loadKeywordModel(file, io).model;
}

/** An appender of JSON lines to <dir>/inspect.jsonl (started afresh unless resuming). */
function inspectWriter(dir: string, steps: number, resume: boolean): { steps: number; write: (row: object) => void } | undefined {
  if (steps === 0) return undefined;
  const path = join(dir, 'inspect.jsonl');
  if (!resume) rmSync(path, { force: true });
  return { steps, write: (row) => writeOutput(path, `${JSON.stringify(row)}\n`, true) };
}

interface Job {
  teacher: CRNN;
  student: CRNN;
  data: ReturnType<typeof loadData>;
  preset: DistillPreset;
  dir: string;
  o: DistillOptions;
  teacherFigure: number;
}

/** distillRun with the progress bar, epoch lines and a Ctrl-C handler (as `train`), on `data` for `cfg.epochs`. */
async function runDistill(io: Io, job: Job, data: TrainData, cfg: TrainConfig, resume: boolean): Promise<DistillSummary & { result: TrainResult }> {
  const reporter = new TrainReporter(io, cfg.epochs, data.train.labels.length, cfg.batchSize);
  return withTrainHooks(io, reporter, (hooks) =>
    distillRun(job.teacher, job.student, data, {
      outDir: job.dir, preset: job.preset, train: cfg, hooks, resume,
      inspect: inspectWriter(job.dir, job.o.inspect, resume),
      teacherAuFaFr: job.teacherFigure,
      extraMeta: { teacher: job.o.teacher, keyword: job.o.keyword },
    }),
  );
}

/** The distillation, then `--mine-rounds` rounds of mined negatives (train-mining.ts), each phase one distillRun. */
async function distilWithMining(io: Io, job: Job): Promise<DistillSummary & { result: TrainResult }> {
  const cfg = distillConfig(job.o, job.preset);
  const mining = { ...MINING_DEFAULTS, rounds: job.o.mineRounds ?? 0, epochsPerRound: job.o.mineEpochs ?? MINING_DEFAULTS.epochsPerRound };
  let last: DistillSummary | undefined;
  const result = await trainWithMining(io, job.dir, job.data, cfg, mining, job.o.resume, async (d, c, r) => {
    const s = await runDistill(io, job, d, c, r);
    last = s;
    return s.result;
  });
  if (last === undefined) throw new Error('distill: no phase ran');
  return { ...last, result }; // the last phase's summary reads the whole history, every phase's epochs
}

/** The closing lines: the pass mark, when it was reached, and how to report the runs. */
function closing(io: Io, s: DistillSummary, dir: string, teacherPath: string): void {
  const reached = s.thresholdReachedEpoch === null ? `not reached in ${s.epochs} epochs` : `reached at epoch ${s.thresholdReachedEpoch}`;
  io.out(`pass mark au_fa_fr <= ${THRESHOLD_FACTOR} x teacher's ${sci(s.teacherAuFaFr)} = ${sci(s.threshold)}: ${reached}; best ${sci(s.bestAuFaFr)} (epoch ${s.bestEpoch ?? '-'})`);
  io.out(`run folder: ${shown(dir)} (config.json, history.jsonl, summary.json, best.safetensors)`);
  const teacherRun = dirname(teacherPath);
  const runs = existsSync(join(teacherRun, 'history.jsonl')) ? `${shown(teacherRun)} ${shown(dir)}` : shown(dir);
  io.out(`report it: npx kws-cli report ${runs} --out reports/latest`);
}

export const distill = defineCommand({
  name: 'distill',
  summary: "distil a teacher into a small student: the report's experiments exp1, exp2, exp3",
  description: [
    'Loss: w * CE(student, labels) + (1 - w) * T^2 * KL(softmax(teacher/T) || softmax(student/T)); the teacher runs without gradients, in eval mode, on the same augmented batch. The teacher\'s au_fa_fr on this validation set is measured first; a student passes at <= 1.1x that, and summary.json records the first epoch that did.',
    'Presets: exp1 (conv 2, GRU 1x22, T 10, w 0.6, lr 3e-3), exp2 (hidden 24, single-linear attention, w 0.3), exp3 (exp1 with fp16 mixed precision and F16 checkpoints). Every flag overrides its preset value.',
  ],
  flags,
  examples: [
    'npx kws-cli distill --teacher runs/teacher-synth/best.safetensors --preset exp1',
    'npx kws-cli distill --teacher runs/teacher-synth/best.safetensors --preset exp2 --hard-weight 0.7 --name exp2-readingB',
    'npx kws-cli distill --teacher runs/teacher-synth/best.safetensors --preset exp3 --inspect 3 --epochs 1',
  ],
  async run(args, io, path) {
    const { out, name, resume, threads, backend, ...rest } = args.flags;
    const asked = teacherKeyword(builtInRecipe(io, { ...rest, arch: rest.preset ?? 'distill', resume }, args.given), args.given, path);
    const dir = runFolder(out, name, asked);
    return withRunLock(io, dir, async () => {
      const o = { ...prepareRun(dir, resume, asked, args.given, flags), resume, inspect: rest.inspect };
      const preset = effectivePreset(o, path);
      const cfg = distillConfig(o, preset); // its usage errors come before any data is loaded or generated
      if (resume) checkResume(dir, preset.student, `--preset ${preset.name}`);
      const teacher = loadTeacher(o.teacher, path, io);
      o.teacher = resolve(o.teacher ?? '');
      const src = await resolveData(io, o);
      const data = loadData(io, src.sc, !o.noAugment);
      const teacherFigure = teacherAuFaFr(teacher, data.val);
      const student = new CRNN(preset.student, new Rng(o.seed));
      const record = { preset: preset.name, teacher: o.teacher, teacherAuFaFr: teacherFigure, threshold: THRESHOLD_FACTOR * teacherFigure, ...preset };
      writeRunConfig(dir, { options: o, model: preset.student, train: cfg, data: src, command: args.argv, commandName: 'distill', extra: { distill: record } });
      const macs = countMacs(teacher.config).total / countMacs(preset.student).total;
      io.out(`teacher: ${shown(o.teacher ?? '')} (${int(teacher.numParameters())} parameters), val au_fa_fr ${sci(teacherFigure)}; pass mark ${sci(record.threshold)}`);
      io.out(`distilling into ${preset.name} (${int(countParameters(preset.student))} parameters, ${macs.toFixed(1)}x fewer MACs), T ${preset.temperature}, w ${preset.hardWeight}${preset.t2 ? '' : ', no T^2'}, lr ${preset.lr}${cfg.lrSchedule === 'cosine' ? ' (cosine to 0)' : ''}${preset.mixedPrecision ? ', fp16 mixed precision' : ''}, ${cfg.epochs} epochs -> ${shown(dir)}`);
      const s = await withCompute({ backend, threads, warn: (m) => io.err(m) }, () => distilWithMining(io, { teacher, student, data, preset, dir, o, teacherFigure }));
      if (s.result.stopped) {
        io.out(`${stoppedLine(s.result.savedEpoch, dir)} Resume with: npx kws-cli distill --resume --out ${shown(dir)}`);
        return 130;
      }
      if (o.inspect > 0) io.out(`inspect: ${shown(join(dir, 'inspect.jsonl'))} (${o.inspect} step${o.inspect === 1 ? '' : 's'})`);
      if (s.result.history.length > 0) await shipRule(io, dir, src.sc, data.val, o.operatingFa ?? 0.5);
      closing(io, s, dir, o.teacher ?? '');
      return 0;
    });
  },
});
