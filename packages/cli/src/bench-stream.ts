/**
 * Timing one streaming step: push exactly stepFrames·hop samples (80 ms for 8 frames) into a
 * warmed-up StreamingKws, which computes stepFrames log-mel frames, the conv column(s) and GRU
 * step(s) they complete, the attention over the window and the classifier: one output. Each push
 * is timed alone (hrtime, ns); the median and p99 are reported, and the real-time factor
 * RTF = median step time / audio per step. The front end alone (the same pushes into
 * StreamingLogMel) is timed too, so that "features" and "model" can be told apart.
 */
import { StreamingKws, StreamingLogMel, type CRNN, type GruMode } from '@kws/kws-model';
import { Rng } from '@kws/tensor';

export interface StepTiming {
  /** Microseconds. */
  median: number;
  p99: number;
  mean: number;
  /** The log-mel front end alone, median µs. */
  features: number;
  /** Seconds of audio per step. */
  audio: number;
  rtf: number;
}

export interface StepBenchOptions {
  stepFrames: number;
  maxWindowFrames: number;
  steps: number;
  engine?: 'fast' | 'tensor';
  mode?: GruMode;
  states?: number;
}

/** Noise with a tone: any audio costs the same, this only keeps the numbers honest (no zeros). */
function chunkOf(samples: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: samples }, (_, i) => 0.2 * Math.sin(i / 5) + 0.05 * rng.normal());
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Time `steps` calls of fn (after `warm` untimed ones); µs each, sorted. */
function timeEach(fn: (i: number) => void, steps: number, warm: number): Float64Array {
  for (let i = 0; i < warm; i++) fn(i);
  const t = new Float64Array(steps);
  for (let i = 0; i < steps; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    t[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return t.sort();
}

/**
 * @example const t = benchStreamStep(model, { stepFrames: 8, maxWindowFrames: 101, steps: 2000 });
 */
export function benchStreamStep(model: CRNN, o: StepBenchOptions): StepTiming {
  const hop = 160;
  const chunks = [0, 1, 2, 3].map((s) => chunkOf(o.stepFrames * hop, s));
  const kws = new StreamingKws(model, { stepFrames: o.stepFrames, maxWindowFrames: o.maxWindowFrames, engine: o.engine, mode: o.mode, states: o.states });
  // Fill the first window; from then on each push of stepFrames·hop samples is exactly one step.
  while (kws.frames < o.maxWindowFrames + o.stepFrames) kws.push(chunks[0]);
  let outputs = 0;
  const times = timeEach((i) => (outputs += kws.push(chunks[i % 4]).length), o.steps, Math.min(500, o.steps));
  if (outputs !== o.steps + Math.min(500, o.steps)) throw new Error(`bench: expected one output per step, got ${outputs}`);
  const front = new StreamingLogMel();
  const features = timeEach((i) => front.push(chunks[i % 4], () => undefined), o.steps, Math.min(500, o.steps));
  const audio = (o.stepFrames * hop) / 16000;
  const median = quantile(times, 0.5);
  return { median, p99: quantile(times, 0.99), mean: times.reduce((s, v) => s + v, 0) / times.length, features: quantile(features, 0.5), audio, rtf: median / 1e6 / audio };
}
