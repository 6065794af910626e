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

function line(name: string, model: CRNN, engine: string, t: StepTiming, step: number): string {
  const target = TARGETS[name];
  const verdict = engine === 'fast' && target !== undefined && step === 8 ? `  (target < ${target} µs: ${t.median < target ? 'met' : `missed by ${us(t.median - target)}`})` : '';
  return `${name.padEnd(8)} ${engine.padEnd(6)} ${int(model.numParameters()).padStart(7)}  median ${us(t.median).padStart(9)}  p99 ${us(t.p99).padStart(9)}  RTF ${t.rtf.toExponential(2)}  features ${us(t.features)}${verdict}`;
}

export const bench = defineCommand({
  name: 'bench',
  summary: 'time one streaming step of the teacher and the exp1 student (--stream)',
  description: [
    'A step is one push of --step frames of audio (8 frames = 80 ms) into the streaming model: the log-mel frames, the conv column and GRU step they complete, attention over the window and the classifier. Each step is timed alone; RTF = median step time / audio per step. "features" is the log-mel front end alone.',
  ],
  flags,
  examples: ['npx kws-cli bench --stream', 'npx kws-cli bench --stream --checkpoint runs/teacher-synth/best.safetensors --tensor'],
  run(args, io, path) {
    const f = args.flags;
    if (!f.stream) throw new UsageError('choose a benchmark: --stream', path);
    const engines = f.tensor ? (['fast', 'tensor'] as const) : (['fast'] as const);
    const [load1] = loadavg();
    if (!f.json) io.out(`streaming step = ${f.step} frames = ${f.step * 10} ms of audio, window ${f.window} frames; ${int(f.steps)} timed steps per model; ${availableParallelism()} CPUs, load average ${load1.toFixed(2)}`);
    for (const { name, model } of models(f.checkpoint)) {
      for (const engine of engines) {
        const steps = engine === 'tensor' ? Math.min(f.steps, 300) : f.steps;
        const t = benchStreamStep(model, { stepFrames: f.step, maxWindowFrames: f.window, steps, engine });
        if (f.json) io.out(JSON.stringify({ model: name, engine, params: model.numParameters(), stepFrames: f.step, ...t, load: load1 }));
        else io.out(line(name, model, engine, t, f.step));
      }
    }
    return Promise.resolve(0);
  },
});
