/**
 * `kws-cli bench --stream`: the cost of one streaming step (median, p99, real-time factor) for
 * the teacher and the exp1 student (random weights from the presets: the cost does not depend on
 * the values), or for one checkpoint. `--train`: whole training steps per backend
 * (bench-train.ts). `--pipeline --data DIR`: an epoch of `train --data DIR` by part
 * (bench-pipeline.ts). The machine's load is printed beside the numbers, since other processes
 * on a 2-core machine move them.
 */
import { availableParallelism, loadavg } from 'node:os';
import { CRNN, loadModel, presetConfig, PRESETS } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { benchStreamStep, type StepTiming } from '../bench-stream.js';
import { runPipelineBench } from '../bench-pipeline.js';
import { BACKEND_NAMES, PEER_INSTALL, runTrainBench } from '../bench-train-report.js';
import { defineCommand } from '../command.js';
import { withCompute } from '../compute.js';
import { UsageError } from '../errors.js';
import { int } from '../format.js';
import type { Io } from '../io.js';

const flags = {
  stream: { type: 'boolean', help: 'time one streaming step' },
  train: { type: 'boolean', help: 'time whole training steps (forward, backward, clipping, Adam) and inference, per backend' },
  pipeline: { type: 'boolean', help: 'time an epoch of train --data DIR by part: building batches, training steps, validation' },
  data: { type: 'string', metavar: 'DIR', help: '--pipeline: the Speech Commands folder' },
  keyword: { type: 'string', default: 'sheila', metavar: 'WORD', help: '--pipeline: the word to spot (label 1), as train --keyword' },
  split: { type: 'string', choices: ['official', 'random'], default: 'official', help: '--pipeline: the train/val split, as train --split' },
  backends: { type: 'string', default: 'wasm,cpu', metavar: 'LIST', defaultText: 'wasm,cpu; wasm with --pipeline', help: `--train: comma-separated backends, the first is the base of the ratios; --pipeline: one (${BACKEND_NAMES.join(', ')})` },
  models: { type: 'string', default: 'teacher,exp1', metavar: 'LIST', defaultText: 'teacher,exp1; teacher with --pipeline', help: '--train: comma-separated presets; --pipeline: one' },
  batch: { type: 'int', range: 'positive', default: 128, metavar: 'N', help: '--train, --pipeline: batch size' },
  rounds: { type: 'int', range: 'positive', default: 7, metavar: 'N', help: '--train: timed rounds (each backend one step per round, interleaved; median, min, max)' },
  warm: { type: 'int', range: 'non-negative', default: 2, metavar: 'N', help: '--train: untimed steps per backend first' },
  peer: { type: 'boolean', help: `--train: also TensorFlow.js (wasm backend) on the same CRNN; install it first with '${PEER_INSTALL}'` },
  checkpoint: { type: 'string', metavar: 'FILE', help: 'time this model instead of the teacher and exp1 presets' },
  step: { type: 'int', range: 'positive', default: 8, metavar: 'FRAMES', help: 'frames per step (8 = 80 ms of audio)' },
  window: { type: 'int', range: 'positive', default: 101, metavar: 'FRAMES', help: 'the attention window' },
  steps: { type: 'int', range: 'positive', default: 3000, metavar: 'N', defaultText: '3000; one epoch with --pipeline', help: '--stream: timed steps per model (after 500 untimed); --pipeline: the batches timed (fewer than an epoch\'s: its first N; more: on into the next epochs)' },
  mode: { type: 'string', choices: ['staggered', 'reset', 'carried', 'all'], default: 'staggered', help: "the streaming mode timed (see 'kws-cli stream --help'); all: each in turn" },
  states: { type: 'int', range: 'positive', default: 4, metavar: 'K', help: 'GRU states of --mode staggered' },
  tensor: { type: 'boolean', help: 'also time the reference engine (the model modules on batch-1 tensors)' },
  json: { type: 'boolean', help: 'print one JSON line per model (and backend; with --pipeline, one line) instead of the table' },
} as const;

/** The issue's targets on a 2-core machine, µs per 80 ms step. */
const TARGETS: Record<string, number> = { teacher: 300, exp1: 50 };

const us = (v: number): string => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : int(v)) + ' µs';

function models(checkpoint: string | undefined): { name: string; model: CRNN }[] {
  if (checkpoint !== undefined) return [{ name: checkpoint, model: loadModel(checkpoint).model.eval() }];
  return ['teacher', 'exp1'].map((name) => ({ name, model: new CRNN(presetConfig(name), new Rng(0)).eval() }));
}

/** The table's columns: header, width, alignment; one row per model and engine. */
const COLUMNS: [string, number, 'l' | 'r'][] = [['model', 8, 'l'], ['engine', 6, 'l'], ['mode', 11, 'l'], ['params', 7, 'r'], ['median', 9, 'r'], ['p99', 9, 'r'], ['RTF', 8, 'r'], ['features', 9, 'r'], ['target (80 ms step)', 0, 'l']];

function cells(values: readonly string[], nameWidth: number): string {
  return values.map((v, i) => {
    const [, w, align] = COLUMNS[i];
    const width = i === 0 ? nameWidth : w;
    return align === 'l' ? v.padEnd(width) : v.padStart(width);
  }).join('  ').trimEnd();
}

function row(name: string, model: CRNN, engine: string, mode: string, t: StepTiming, step: number): string[] {
  const target = TARGETS[name];
  const verdict = engine === 'fast' && target !== undefined && step === 8 ? `< ${target} µs: ${t.median < target ? 'met' : `missed by ${us(t.median - target)}`}` : '';
  return [name, engine, mode, int(model.numParameters()), us(t.median), us(t.p99), t.rtf.toExponential(2), us(t.features), verdict];
}

export const bench = defineCommand({
  name: 'bench',
  summary: 'time one streaming step (--stream), whole training steps per backend (--train) or an epoch of train --data by part (--pipeline)',
  description: [
    '--stream: a step is one push of --step frames of audio (8 frames = 80 ms) into the streaming model: the log-mel frames, the conv column and the GRU step(s) they complete (--mode), attention over the window and the classifier. Each step is timed alone; RTF = median step time / audio per step. "features" is the log-mel front end alone.',
    'Columns: model, engine (fast: the typed-array path the stream uses; tensor: the reference), mode (--mode; staggered-K for K states), params (parameters), median and p99 step time, RTF, features (median), and the target for an 80 ms step where one is set.',
    '--train: for each model, each backend (and with --peer TensorFlow.js on its wasm backend) runs one training step at --batch per round (forward, cross-entropy, backward, clipping at 5, Adam), rounds interleaved so that load from other processes hits all alike; samples/s is the median over rounds, min and max beside; then inference (no gradients) at batch 1 and --batch. Ratios are the first backend over each other one, measured in the same run.',
    '--pipeline --data DIR: the training loop of train --data DIR (the course recipe: per-clip augmentation with the folder\'s noise files, SpecAugment) for epoch 1 (or --steps batches: an epoch\'s first ones, or on into the next epochs), with building the batches (sampling, augmentation, log-mel, SpecAugment), the training steps and validation (its features, then the forward and metrics) timed apart; samples/s for each, and the batches\' share of the loop.',
  ],
  flags,
  examples: ['npx kws-cli bench --train', 'npx kws-cli bench --train --peer --backends wasm,cpu --json', 'npx kws-cli bench --stream', 'npx kws-cli bench --stream --mode all', 'npx kws-cli bench --stream --checkpoint runs/teacher-synth/best.safetensors --tensor', 'npx kws-cli bench --pipeline --data data/speech_commands_v0.01 --steps 20'],
  async run(args, io, path) {
    const f = args.flags;
    if (f.train) return trainBench(f, io, path);
    if (f.pipeline) return pipelineBench(f, args.given, io, path);
    if (!f.stream) throw new UsageError('choose a benchmark: --stream, --train or --pipeline', path);
    const engines = f.tensor ? (['fast', 'tensor'] as const) : (['fast'] as const);
    const [load1] = loadavg();
    if (!f.json) io.out(`streaming step = ${f.step} frames = ${f.step * 10} ms of audio, window ${f.window} frames; ${int(f.steps)} timed steps per model; ${availableParallelism()} CPUs, load average ${load1.toFixed(2)}`);
    const list = models(f.checkpoint);
    const nameWidth = Math.max(8, ...list.map((m) => m.name.length));
    if (!f.json) io.out(cells(COLUMNS.map(([h]) => h), nameWidth));
    const modes = f.mode === 'all' ? (['staggered', 'reset', 'carried'] as const) : [f.mode];
    for (const { name, model } of list) {
      for (const engine of engines) {
        for (const mode of modes) {
          const steps = engine === 'tensor' ? Math.min(f.steps, 300) : f.steps;
          const t = benchStreamStep(model, { stepFrames: f.step, maxWindowFrames: f.window, steps, engine, mode, states: f.states });
          const label = mode === 'staggered' ? `staggered-${f.states}` : mode;
          if (f.json) io.out(JSON.stringify({ model: name, engine, mode: label, params: model.numParameters(), stepFrames: f.step, ...t, load: load1 }));
          else io.out(cells(row(name, model, engine, label, t, f.step), nameWidth));
        }
      }
    }
    return 0;
  },
});

const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');

async function trainBench(f: { backends: string; models: string; batch: number; rounds: number; warm: number; peer?: boolean; json?: boolean }, io: Io, path: string): Promise<number> {
  const backends = list(f.backends);
  const bad = backends.find((b) => !(BACKEND_NAMES as readonly string[]).includes(b));
  if (bad !== undefined) throw new UsageError(`--backends: unknown backend '${bad}' (choose from ${BACKEND_NAMES.join(', ')})`, path);
  const presets = list(f.models);
  const unknown = presets.find((m) => !(m in PRESETS));
  if (unknown !== undefined) throw new UsageError(`--models: unknown preset '${unknown}' (choose from ${Object.keys(PRESETS).join(', ')})`, path);
  const [load1] = loadavg();
  if (!f.json) io.out(`training step = forward + backward + clip + Adam on random features, batch ${f.batch}; ${f.rounds} interleaved rounds after ${f.warm} warm-up steps; ${availableParallelism()} CPUs, load average ${load1.toFixed(2)}`);
  await runTrainBench(io, { presets, backends, peer: f.peer === true, json: f.json === true, batch: f.batch, rounds: f.rounds, warm: f.warm });
  return 0;
}

type PipelineArgs = { data?: string; keyword: string; split: string; backends: string; models: string; batch: number; steps: number; json?: boolean };

/** --pipeline: one model on one backend (train's defaults: teacher, wasm) unless given. */
async function pipelineBench(f: PipelineArgs, given: ReadonlySet<string>, io: Io, path: string): Promise<number> {
  if (f.data === undefined) throw new UsageError('--pipeline needs --data DIR, a Speech Commands folder', path);
  const one = (flag: 'models' | 'backends', fallback: string, names: readonly string[]): string => {
    const l = given.has(flag) ? list(f[flag]) : [fallback];
    if (l.length !== 1) throw new UsageError(`--pipeline times one model on one backend: give --${flag} one name`, path);
    if (!names.includes(l[0])) throw new UsageError(`--${flag}: unknown name '${l[0]}' (choose from ${names.join(', ')})`, path);
    return l[0];
  };
  const model = one('models', 'teacher', Object.keys(PRESETS));
  const backend = one('backends', 'wasm', BACKEND_NAMES);
  const compute = { backend: backend === 'wasm' ? 'wasm' : 'cpu', threads: backend === 'cpu-parallel-2' ? 2 : 1 };
  const split = f.split === 'random' ? 'random' : 'official';
  const steps = given.has('steps') ? f.steps : undefined;
  await withCompute(compute, () => Promise.resolve(runPipelineBench(io, { data: f.data as string, keyword: f.keyword, split, model, backend, batch: f.batch, steps, json: f.json === true })));
  return 0;
}
