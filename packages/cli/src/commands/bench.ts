/**
 * `kws-cli bench --stream`: the cost of one streaming step (median, p99, real-time factor) for
 * the teacher and the exp1 student (random weights from the presets: the cost does not depend on
 * the values), or for one checkpoint. The machine's load is printed beside the numbers, since
 * other processes on a 2-core machine move them.
 */
import { availableParallelism, loadavg } from 'node:os';
import { CRNN, loadModel, presetConfig } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { benchStreamStep, type StepTiming } from '../bench-stream.js';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { int } from '../format.js';

const flags = {
  stream: { type: 'boolean', help: 'time one streaming step (the only benchmark so far)' },
  checkpoint: { type: 'string', metavar: 'FILE', help: 'time this model instead of the teacher and exp1 presets' },
  step: { type: 'int', range: 'positive', default: 8, metavar: 'FRAMES', help: 'frames per step (8 = 80 ms of audio)' },
  window: { type: 'int', range: 'positive', default: 101, metavar: 'FRAMES', help: 'the attention window' },
  steps: { type: 'int', range: 'positive', default: 3000, metavar: 'N', help: 'timed steps per model (after 500 untimed)' },
  tensor: { type: 'boolean', help: 'also time the reference engine (the model modules on batch-1 tensors)' },
  json: { type: 'boolean', help: 'print one JSON line per model instead of the table' },
} as const;

/** The issue's targets on a 2-core machine, µs per 80 ms step. */
const TARGETS: Record<string, number> = { teacher: 300, exp1: 50 };

const us = (v: number): string => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : int(v)) + ' µs';

function models(checkpoint: string | undefined): { name: string; model: CRNN }[] {
  if (checkpoint !== undefined) return [{ name: checkpoint, model: loadModel(checkpoint).model.eval() }];
  return ['teacher', 'exp1'].map((name) => ({ name, model: new CRNN(presetConfig(name), new Rng(0)).eval() }));
}

/** The table's columns: header, width, alignment; one row per model and engine. */
const COLUMNS: [string, number, 'l' | 'r'][] = [['model', 8, 'l'], ['engine', 6, 'l'], ['params', 7, 'r'], ['median', 9, 'r'], ['p99', 9, 'r'], ['RTF', 8, 'r'], ['features', 9, 'r'], ['target (80 ms step)', 0, 'l']];

function cells(values: readonly string[], nameWidth: number): string {
  return values.map((v, i) => {
    const [, w, align] = COLUMNS[i];
    const width = i === 0 ? nameWidth : w;
    return align === 'l' ? v.padEnd(width) : v.padStart(width);
  }).join('  ').trimEnd();
}

function row(name: string, model: CRNN, engine: string, t: StepTiming, step: number): string[] {
  const target = TARGETS[name];
  const verdict = engine === 'fast' && target !== undefined && step === 8 ? `< ${target} µs: ${t.median < target ? 'met' : `missed by ${us(t.median - target)}`}` : '';
  return [name, engine, int(model.numParameters()), us(t.median), us(t.p99), t.rtf.toExponential(2), us(t.features), verdict];
}

export const bench = defineCommand({
  name: 'bench',
  summary: 'time one streaming step of the teacher and the exp1 student (--stream)',
  description: [
    'A step is one push of --step frames of audio (8 frames = 80 ms) into the streaming model: the log-mel frames, the conv column and GRU step they complete, attention over the window and the classifier. Each step is timed alone; RTF = median step time / audio per step. "features" is the log-mel front end alone.',
    'Columns: model, engine (fast: the typed-array path the stream uses; tensor: the reference), params (parameters), median and p99 step time, RTF, features (median), and the target for an 80 ms step where one is set.',
  ],
  flags,
  examples: ['npx kws-cli bench --stream', 'npx kws-cli bench --stream --checkpoint runs/teacher-synth/best.safetensors --tensor'],
  run(args, io, path) {
    const f = args.flags;
    if (!f.stream) throw new UsageError('choose a benchmark: --stream', path);
    const engines = f.tensor ? (['fast', 'tensor'] as const) : (['fast'] as const);
    const [load1] = loadavg();
    if (!f.json) io.out(`streaming step = ${f.step} frames = ${f.step * 10} ms of audio, window ${f.window} frames; ${int(f.steps)} timed steps per model; ${availableParallelism()} CPUs, load average ${load1.toFixed(2)}`);
    const list = models(f.checkpoint);
    const nameWidth = Math.max(8, ...list.map((m) => m.name.length));
    if (!f.json) io.out(cells(COLUMNS.map(([h]) => h), nameWidth));
    for (const { name, model } of list) {
      for (const engine of engines) {
        const steps = engine === 'tensor' ? Math.min(f.steps, 300) : f.steps;
        const t = benchStreamStep(model, { stepFrames: f.step, maxWindowFrames: f.window, steps, engine });
        if (f.json) io.out(JSON.stringify({ model: name, engine, params: model.numParameters(), stepFrames: f.step, ...t, load: load1 }));
        else io.out(cells(row(name, model, engine, t, f.step), nameWidth));
      }
    }
    return Promise.resolve(0);
  },
});
