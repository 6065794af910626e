import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad, Tensor } from '@kws/autograd';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { STUDENT_EXP1, STUDENT_EXP2, TEACHER } from '../model/config.js';
import { loadModel, saveModel } from '../model/checkpoint.js';
import { scoreClips } from '../model/predict.js';
import { gruCell } from '../nn/gru-reference.js';
import { FastEngine, type StepEngine } from './engine.js';
import { StreamingKws } from './streaming.js';
import { TensorEngine } from './tensor-engine.js';
import { sensitiveModel, testSignal } from './test-utils/signal.js';

function uniform(n: number, rng: Rng, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-scale, scale));
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('FastEngine equals TensorEngine stage by stage', () => {
  it.each([['teacher', TEACHER], ['exp1', STUDENT_EXP1], ['exp2', STUDENT_EXP2], ['3 channels (odd)', { ...STUDENT_EXP1, convChannels: 3 }]] as const)('%s: conv column, GRU step (with carried state), energy, classifier', (_, config) => {
    const model = sensitiveModel(config, testSignal(3 * 16000, 1));
    const engines: StepEngine[] = [new FastEngine(model), new TensorEngine(model)];
    const rng = new Rng(8);
    const patch = uniform(config.kernel[1] * config.nMels, rng, 10);
    const [cf, ct] = engines.map((e) => {
      const out = new Float32Array(e.convWidth);
      e.convColumn(patch, out);
      return out;
    });
    expect(maxDiff(cf, ct)).toBeLessThan(1e-5 * Math.max(...ct.map(Math.abs)));
    const states = engines.map((e) => Array.from({ length: e.layers }, () => new Float32Array(e.hidden)));
    const outs = engines.map((e) => new Float32Array(e.hidden));
    for (let t = 0; t < 5; t++) {
      const x = uniform(engines[0].convWidth, rng, 3);
      engines.forEach((e, i) => e.gruStep(x, states[i], outs[i]));
      expect(maxDiff(outs[0], outs[1])).toBeLessThan(1e-5);
      states[0].forEach((s, k) => expect(maxDiff(s, states[1][k])).toBeLessThan(1e-5));
    }
    expect(Math.max(...outs[0].map(Math.abs))).toBeGreaterThan(0.05);
    const h = uniform(config.hidden, rng);
    expect(Math.abs(engines[0].energy(h) - engines[1].energy(h))).toBeLessThan(1e-5);
    for (let k = 0; k < 3; k++) {
      const ctx = uniform(config.hidden, rng, 0.5);
      expect(Math.abs(engines[0].classify(ctx) - engines[1].classify(ctx))).toBeLessThan(1e-5);
    }
  });
});

describe('the fast engine\'s GRU cell is the textbook one', () => {
  it('gruStep equals gruCell (gru-reference.ts) layer by layer, state carried over 6 steps', () => {
    const model = sensitiveModel({ ...STUDENT_EXP2, gruLayers: 2 }, testSignal(3 * 16000, 2));
    const engine = new FastEngine(model);
    const { hidden: H, layers: L } = engine;
    const rng = new Rng(11);
    const state = Array.from({ length: L }, () => new Float32Array(H));
    let ref = Array.from({ length: L }, () => Tensor.zeros([1, H]));
    const out = new Float32Array(H);
    for (let t = 0; t < 6; t++) {
      const x = uniform(engine.convWidth, rng, 3);
      engine.gruStep(x, state, out);
      let input = Tensor.from(x, [1, x.length]);
      ref = noGrad(() => ref.map((h, k) => (input = gruCell(input, h, model.gru.layerWeights(k)))));
      state.forEach((s, k) => expect(maxDiff(s, ref[k].toArray())).toBeLessThan(1e-5));
      expect(maxDiff(out, ref[L - 1].toArray())).toBeLessThan(1e-5);
    }
    expect(Math.max(...out.map(Math.abs))).toBeGreaterThan(0.05);
  });
});

describe('streaming over a checkpoint', () => {
  it('runs over an F16 file as over the model it loads (parity with offline)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kws-stream-'));
    try {
      const long = testSignal(3 * 16000, 6);
      saveModel(join(dir, 'm.safetensors'), sensitiveModel(STUDENT_EXP1, long), { dtype: 'F16' });
      const { model, info } = loadModel(join(dir, 'm.safetensors'));
      expect(info.dtype).toBe('F16');
      const clip = long.slice(0, 16000);
      const kws = new StreamingKws(model);
      const out = [...kws.push(clip), ...kws.flush()];
      expect(Math.abs(out[0].p - scoreClips(model, [clip])[0])).toBeLessThan(1e-5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
