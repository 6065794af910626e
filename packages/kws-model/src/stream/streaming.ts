/**
 * Streaming keyword spotting over any CRNN (teacher or student, F32 or F16 checkpoint).
 *
 * Pipeline, per pushed chunk of 16 kHz samples (any size):
 *   samples → StreamingLogMel (frame t = samples t·hop − pad .. +nFft, start reflect-padded as the
 *   offline centre padding) → a ring of the last kw = 20 frames → conv column j as soon as frame
 *   8j + 19 exists (receptive field 20 frames, stride 8: columns sit on the same grid as offline) →
 *   one GRU time step per column from the carried hidden state → a ring of the last
 *   Wc = ⌊(maxWindowFrames − 20)/8⌋ + 1 GRU outputs with their attention energies →
 *   every stepFrames frames, once F ≥ maxWindowFrames frames exist and (F − maxWindowFrames) is a
 *   multiple of stepFrames: α = softmax(e over the ring), ctx = Σ α_t h_t,
 *   p = softmax(classifier(ctx))[1], emitted with time = (F − 1)·hop / sampleRate (the centre of
 *   the newest frame; 1.00 s for the first window of 101 frames).
 * Latency: the output at `time` t needs samples up to t + pad/sampleRate (12.5 ms) and comes out
 * of the `push` that delivers them.
 * The energies e_t = w₂ᵀ tanh(W₁h_t + b₁) + b₂ depend on h_t alone, so each is computed once, when
 * its column arrives; a step is then a softmax over ≤ Wc numbers, a weighted sum and the classifier.
 *
 * How the GRU runs over the columns is `mode` (gru-window.ts): 'staggered' (the default: K = 4
 * GRU states a quarter window apart, each reset once a window; every output is the offline model
 * on the last 85 to 101 frames, and exactly on the last 101 at 4 of every 11 columns), 'reset'
 * (the GRU from zeros over the window at every output: equals the offline model on every window,
 * Wc = 11 GRU steps an output) or 'carried' (one state from the stream's start: 1 GRU step a column,
 * but later windows differ from offline, since the state has heard everything before them).
 * The first full window (F = maxWindowFrames) equals the offline model on that window in every
 * mode. Windows are exactly frames [F − maxWindowFrames, F) when stepFrames is a multiple of the
 * conv stride (8); otherwise a window is the last Wc conv columns completed, on the stream's
 * stride-8 grid.
 *
 * Memory: fixed-size typed arrays (a 2·nFft sample buffer, 20 frames, the GRU window's rings and states);
 * nothing grows with the stream's length.
 */
import { LogMel } from '../features/logmel.js';
import { convTimeOut } from '../model/config.js';
import type { CRNN } from '../model/crnn.js';
import { FastEngine, type StepEngine } from './engine.js';
import { StreamingLogMel } from './frontend.js';
import { CarriedWindow, ResetWindow, StaggeredWindow, type GruMode, type GruWindow } from './gru-window.js';
import { TensorEngine } from './tensor-engine.js';

export interface StreamingOptions {
  /** Frames in the attention window (default 101 = 1 s, what the model was trained on). */
  maxWindowFrames?: number;
  /** Frames between outputs (default 8 = 80 ms, one conv column). */
  stepFrames?: number;
  /** How the GRU runs over the stream (default 'staggered'; see gru-window.ts). */
  mode?: GruMode;
  /** GRU states of the 'staggered' mode (default 4; 1 .. the window's columns). */
  states?: number;
  /** 'fast' (typed arrays, default) or 'tensor' (the model's modules; the reference). */
  engine?: 'fast' | 'tensor';
  /** Class index of the keyword (default 1). */
  keywordIndex?: number;
}

export interface StreamOutput {
  /** Seconds from the start of the stream to the centre of the newest frame of the window. */
  time: number;
  /** p(keyword) for the window ending there. */
  p: number;
  /** Conv columns the attention pooled (the window's Wc, or fewer in 'staggered' mode). */
  columns?: number;
}

/**
 * @example
 * const kws = new StreamingKws(model, { maxWindowFrames: 101, stepFrames: 8 });
 * for (const chunk of chunks) for (const { time, p } of kws.push(chunk)) console.log(time, p);
 * kws.flush(); // the end of the stream, reflect-padded as offline
 */
export class StreamingKws {
  readonly maxWindowFrames: number;
  readonly stepFrames: number;
  readonly mode: GruMode;
  /** Conv columns (GRU steps) in the attention window. */
  readonly windowColumns: number;
  private readonly engine: StepEngine;
  private readonly front: StreamingLogMel;
  private readonly gru: GruWindow;
  private readonly kw: number;
  private readonly sw: number;
  private readonly nMels: number;
  private readonly frameRing: Float32Array;
  private readonly patch: Float32Array;
  private readonly column: Float32Array;
  private readonly ctx: Float32Array;
  private outputs: StreamOutput[] = [];

  constructor(model: CRNN, opts: StreamingOptions = {}) {
    const c = model.config;
    this.kw = c.kernel[1];
    this.sw = c.stride[1];
    this.nMels = c.nMels;
    this.maxWindowFrames = opts.maxWindowFrames ?? 101;
    this.stepFrames = opts.stepFrames ?? 8;
    this.mode = opts.mode ?? 'staggered';
    checkOptions(this.maxWindowFrames, this.stepFrames, this.kw);
    this.windowColumns = convTimeOut(c, this.maxWindowFrames);
    const keyword = opts.keywordIndex ?? 1;
    this.engine = opts.engine === 'tensor' ? new TensorEngine(model, keyword) : new FastEngine(model, keyword);
    this.gru = gruWindow(this.mode, this.engine, this.windowColumns, opts.states ?? 4);
    this.front = new StreamingLogMel(new LogMel({ nMels: c.nMels }));
    this.frameRing = new Float32Array(this.kw * this.nMels);
    this.patch = new Float32Array(this.kw * this.nMels);
    this.column = new Float32Array(this.engine.convWidth);
    this.ctx = new Float32Array(this.engine.hidden);
  }

  /** Feed samples (16 kHz, any chunk size); returns the outputs of the steps they completed. */
  push(samples: Float32Array): StreamOutput[] {
    this.front.push(samples, this.onFrame);
    return this.take();
  }

  /** End of stream: the remaining frames with the end reflect-padded as offline, and their steps. */
  flush(): StreamOutput[] {
    this.front.flush(this.onFrame);
    return this.take();
  }

  /** Start a new stream: no samples, zero GRU state. */
  reset(): void {
    this.front.reset();
    this.gru.reset();
    this.outputs = [];
  }

  /** Feature frames so far. */
  get frames(): number {
    return this.front.frames;
  }

  /** Samples held by the front end now (at most 2·nFft). */
  get bufferedSamples(): number {
    return this.front.buffered;
  }

  /** Bytes of every buffer the stream holds (constant for a given model and options). */
  stateBytes(): number {
    const arrays = [this.frameRing, this.patch, this.column, this.ctx, ...this.gru.buffers];
    return arrays.reduce((s, a) => s + a.byteLength, 0);
  }

  private take(): StreamOutput[] {
    const out = this.outputs;
    this.outputs = [];
    return out;
  }

  /** A new frame f = frames − 1: store it, make a column if it completes one, step if due. */
  private readonly onFrame = (logMel: Float32Array): void => {
    const f = this.front.frames - 1;
    this.frameRing.set(logMel, (f % this.kw) * this.nMels);
    const first = f - this.kw + 1;
    if (first >= 0 && first % this.sw === 0) this.addColumn(first);
    const F = f + 1;
    if (F >= this.maxWindowFrames && (F - this.maxWindowFrames) % this.stepFrames === 0) this.step(F);
  };

  /** Conv column from frames first .. first + kw − 1, handed to the GRU window. */
  private addColumn(first: number): void {
    const { kw, nMels, patch } = this;
    for (let k = 0; k < kw; k++) {
      const slot = (first + k) % kw;
      patch.set(this.frameRing.subarray(slot * nMels, (slot + 1) * nMels), k * nMels);
    }
    this.engine.convColumn(patch, this.column);
    this.gru.add(this.column);
  }

  /** Attention over the window, then the classifier. */
  private step(F: number): void {
    const columns = this.gru.pool(this.ctx);
    const { hop, sampleRate } = this.front.fe;
    this.outputs.push({ time: ((F - 1) * hop) / sampleRate, p: this.engine.classify(this.ctx), columns });
  }
}

function gruWindow(mode: GruMode, engine: StepEngine, Wc: number, states: number): GruWindow {
  if (mode === 'carried') return new CarriedWindow(engine, Wc);
  if (mode === 'reset') return new ResetWindow(engine, Wc);
  if (mode === 'staggered') return new StaggeredWindow(engine, Wc, states);
  throw new RangeError(`StreamingKws: mode must be staggered, reset or carried, got '${String(mode)}'`);
}

function checkOptions(window: number, step: number, kw: number): void {
  if (!Number.isInteger(window) || window < kw) throw new RangeError(`StreamingKws: maxWindowFrames must be an integer >= ${kw} (the conv's receptive field), got ${window}`);
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`StreamingKws: stepFrames must be a positive integer, got ${step}`);
}
