import { noGrad, Tensor } from '@kws/autograd';
import { describe, expect, it } from 'vitest';
import { LogMel } from '../features/logmel.js';
import { convTimeOut, STUDENT_EXP1, STUDENT_EXP2, STUDENT_EXP4, TEACHER, type CRNNConfig } from '../model/config.js';
import type { CRNN } from '../model/crnn.js';
import { keywordProbs, scoreClips, scoreFeatures } from '../model/predict.js';
import { StreamingKws, type StreamingOptions, type StreamOutput } from './streaming.js';
import { sensitiveModel, testSignal } from './test-utils/signal.js';

function run(model: CRNN, x: Float32Array, chunk: number, opts: StreamingOptions = {}): StreamOutput[] {
  const kws = new StreamingKws(model, opts);
  const out: StreamOutput[] = [];
  for (let i = 0; i < x.length; i += chunk) out.push(...kws.push(x.subarray(i, i + chunk)));
  out.push(...kws.flush());
  return out;
}

/** Log-mel frames [a, a + W) of the whole signal's spectrogram, for each window start. */
function windows(x: Float32Array, starts: number[], W: number): Tensor {
  const { data, frames } = new LogMel().compute(x);
  const out = new Float32Array(starts.length * 40 * W);
  starts.forEach((a, b) => {
    for (let m = 0; m < 40; m++) out.set(data.subarray(m * frames + a, m * frames + a + W), (b * 40 + m) * W);
  });
  return Tensor.from(out, [starts.length, 40, W]);
}

/** The carried-state reference: offline conv + GRU over frames [0, F), attention over the last Wc outputs. */
function carriedReference(model: CRNN, x: Float32Array, F: number, Wc: number): number {
  const feats = windows(x, [0], F);
  return noGrad(() => {
    const { output } = model.gru.forward(model.conv.forward(feats));
    const T = output.shape[1];
    const ctx = model.attention.forward(output.slice(1, T - Wc, T));
    return keywordProbs(model.classifier.forward(ctx))[0];
  });
}

const CONFIGS: [string, CRNNConfig][] = [['teacher', TEACHER], ['exp1', STUDENT_EXP1], ['exp2 (single attention)', STUDENT_EXP2], ['exp4 (time stride 12)', STUDENT_EXP4]];

describe('StreamingKws', () => {
  it.each(CONFIGS)('%s: the first full window equals the offline model on the clip, for any chunk size (flush reflects the end as offline)', (_, config) => {
    const long = testSignal(3 * 16000, 5);
    const model = sensitiveModel(config, long);
    const clip = long.slice(0, 16000);
    const offline = scoreClips(model, [clip])[0];
    expect(Math.abs(offline - 0.5)).toBeLessThan(0.45); // not saturated: dp/dlogit is large // the check below is not vacuous
    for (const chunk of [1, 160, 1000, 16000]) {
      const out = run(model, clip, chunk);
      expect(out).toHaveLength(1);
      expect(out[0].time).toBeCloseTo(1.0, 10);
      expect(Math.abs(out[0].p - offline)).toBeLessThan(1e-5);
    }
  });

  it.each([['reset', { mode: 'reset' }], ['staggered with K = Wc states', { mode: 'staggered', states: 11 }]] as const)('%s equals the offline model on every window of a longer signal', (_, opts) => {
    const x = testSignal(3 * 16000 + 777, 9);
    const model = sensitiveModel(TEACHER, x);
    for (const stepFrames of [8, 24]) {
      const out = run(model, x, 1000, { ...opts, stepFrames });
      const starts = out.map((o) => Math.round(o.time * 100) + 1 - 101);
      expect(starts).toEqual(Array.from({ length: out.length }, (_, i) => i * stepFrames));
      const offline = scoreFeatures(model, windows(x, starts, 101));
      expect(out.length).toBeGreaterThan(7);
      out.forEach((o, i) => expect(Math.abs(o.p - offline[i])).toBeLessThan(1e-5));
    }
  });

  it('carried state: later windows equal conv + GRU over the whole stream, and differ from offline windows by design', () => {
    const x = testSignal(2 * 16000, 11);
    const model = sensitiveModel(TEACHER, x);
    const out = run(model, x, 1600, { mode: 'carried' });
    const F = out.map((o) => Math.round(o.time * 100) + 1);
    const Wc = convTimeOut(TEACHER, 101);
    for (const i of [0, 3, out.length - 1]) expect(Math.abs(out[i].p - carriedReference(model, x, F[i], Wc))).toBeLessThan(1e-5);
    const sliding = scoreFeatures(model, windows(x, F.map((f) => f - 101), 101));
    expect(Math.abs(out[0].p - sliding[0])).toBeLessThan(1e-5);
    const worst = Math.max(...out.map((o, i) => Math.abs(o.p - sliding[i])));
    expect(worst).toBeGreaterThan(1e-3);
  });

  it('the fast engine equals the tensor engine (the modules themselves) to 1e-5, in every mode', () => {
    for (const config of [TEACHER, STUDENT_EXP2]) {
      const x = testSignal(2 * 16000, 2);
      const model = sensitiveModel(config, x, 4);
      for (const mode of ['carried', 'reset', 'staggered'] as const) {
        const fast = run(model, x, 700, { mode, stepFrames: 8 });
        const ref = run(model, x, 700, { mode, stepFrames: 8, engine: 'tensor' });
        expect(fast.length).toBe(ref.length);
        fast.forEach((o, i) => expect(Math.abs(o.p - ref[i].p)).toBeLessThan(1e-5));
      }
    }
  });

  it('staggered (K = 4, the default): each output is the offline model on the window of the columns it pooled; all 11 at 4 of every 11 steps', () => {
    const x = testSignal(4 * 16000 + 333, 12);
    const model = sensitiveModel(TEACHER, x);
    const out = run(model, x, 1000);
    const Wc = convTimeOut(TEACHER, 101);
    const cols = out.map((o) => o.columns ?? 0);
    // Offsets 0, 3, 6, 8: ages at output i (column Wc − 1 + i) cycle 11, 9, 10, 11, 9, 10, 11, 10, 11, 9, 10, ...
    expect(cols.slice(0, 11)).toEqual([11, 9, 10, 11, 9, 10, 11, 10, 11, 9, 10]);
    expect(cols.filter((c) => c === Wc).length).toBeGreaterThanOrEqual(Math.floor((4 * out.length) / 11));
    for (const c of new Set(cols)) {
      const idx = out.flatMap((_, i) => (cols[i] === c ? [i] : []));
      const W = 101 - 8 * (Wc - c); // c columns of the stride-8 grid ending where the full window's do
      const starts = idx.map((i) => Math.round(out[i].time * 100) + 1 - W);
      const offline = scoreFeatures(model, windows(x, starts, W));
      idx.forEach((i, k) => expect(Math.abs(out[i].p - offline[k])).toBeLessThan(1e-5));
    }
    const reset = run(model, x, 1000, { mode: 'reset' });
    const worst = Math.max(...out.map((o, i) => Math.abs(o.p - reset[i].p)));
    expect(worst).toBeGreaterThan(1e-4); // the shorter windows do differ: the check above is not vacuous
  });

  it('memory stays bounded over 60 s of audio pushed in chunks', () => {
    const kws = new StreamingKws(sensitiveModel(STUDENT_EXP1, testSignal(3 * 16000, 3)), { stepFrames: 8 });
    const bytes = kws.stateBytes();
    const chunk = testSignal(1234, 3);
    let steps = 0, maxBuffered = 0;
    for (let n = 0; n < 60 * 16000; n += chunk.length) {
      steps += kws.push(chunk).length;
      maxBuffered = Math.max(maxBuffered, kws.bufferedSamples);
      expect(kws.stateBytes()).toBe(bytes);
    }
    expect(maxBuffered).toBeLessThanOrEqual(800);
    // Frames complete by sample ~60·16000: ≈ 6000, steps every 8 after the first 101.
    expect(steps).toBe(Math.floor((kws.frames - 101) / 8) + 1);
    expect(kws.frames).toBeGreaterThan(5990);
  });

  it('reset starts a new stream; bad options are rejected', () => {
    const long = testSignal(3 * 16000, 5);
    const model = sensitiveModel(STUDENT_EXP1, long);
    const clip = long.slice(0, 16000);
    const kws = new StreamingKws(model);
    kws.push(testSignal(5000, 1));
    kws.reset();
    kws.push(clip);
    expect(Math.abs(kws.flush()[0].p - scoreClips(model, [clip])[0])).toBeLessThan(1e-5);
    expect(() => new StreamingKws(model, { maxWindowFrames: 19 })).toThrow(/maxWindowFrames/);
    expect(() => new StreamingKws(model, { stepFrames: 0 })).toThrow(/stepFrames/);
    expect(() => new StreamingKws(model, { states: 12 })).toThrow(/states must be an integer in \[1, 11\]/);
  });
});
