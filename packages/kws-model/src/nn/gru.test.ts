import { apply, gradcheck, Tensor, type GradcheckResult, type Op } from '@kws/autograd';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import * as kwsModel from '../index.js';
import { GRU } from './gru.js';
import { GruSequence } from './gru-op.js';
import { gruCell, gruLayerReference } from './gru-reference.js';

const rand64 = (shape: number[], rng: Rng, requiresGrad = true): Tensor =>
  Tensor.uniform(shape, -1, 1, rng, { dtype: 'float64', requiresGrad });

describe('fused GRU sequence', () => {
  const rng = new Rng(4);
  const B = 3, T = 4, I = 5, H = 6;
  const make = (): Tensor[] => [rand64([B, T, I], rng), rand64([B, H], rng), rand64([3 * H, I], rng), rand64([3 * H, H], rng), rand64([3 * H], rng), rand64([3 * H], rng)];

  /** The gradchecks of this package's own primitives (ops with a hand-written backward). */
  const OP_GRADCHECKS: Record<string, () => GradcheckResult> = {
    [GruSequence.name]: () => gradcheck((...xs) => apply(GruSequence, xs, undefined), make()),
  };

  it.each(Object.keys(OP_GRADCHECKS))('%s passes gradcheck for every input', (name) => {
    expect(OP_GRADCHECKS[name]().worst).toBe('');
  });

  it('every Op that @kws/kws-model exports has a gradcheck above', () => {
    const isOp = (v: unknown): v is Op<unknown, unknown> => typeof v === 'object' && v !== null && 'forward' in v && 'backward' in v;
    const exported = (Object.values(kwsModel) as unknown[]).filter(isOp).map((op) => op.name);
    expect(exported).toContain('gruSequence');
    expect(exported.filter((n) => !(n in OP_GRADCHECKS))).toEqual([]);
  });

  it('equals the cell-by-cell reference (gru-reference.ts), values and gradients', () => {
    const inputs = make();
    const fused = apply(GruSequence, inputs, undefined);
    const cot = Tensor.uniform(fused.shape, -1, 1, rng, { dtype: 'float64' });
    fused.mul(cot).sum().backward();
    const g1 = inputs.map((t) => t.grad!.toArray());
    inputs.forEach((t) => t.zeroGrad());
    const [x, h0, weightIh, weightHh, biasIh, biasHh] = inputs;
    const comp = gruLayerReference(x, h0, { weightIh, weightHh, biasIh, biasHh });
    comp.mul(cot).sum().backward();
    fused.toArray().forEach((v, i) => expect(v).toBeCloseTo(comp.toArray()[i], 12));
    inputs.forEach((t, k) => t.grad!.toArray().forEach((v, i) => expect(v).toBeCloseTo(g1[k][i], 10)));
  });

  it('the reference cell is PyTorch\'s equations, b_hn inside r ⊙ (·), checked by hand at H = 1', () => {
    const s = (v: number): Tensor => Tensor.from([v], [1, 1], { dtype: 'float64' });
    const col = (...v: number[]): Tensor => Tensor.from(v, [v.length, 1], { dtype: 'float64' });
    const vec = (...v: number[]): Tensor => Tensor.from(v, [v.length], { dtype: 'float64' });
    const [x, h] = [0.7, -0.4];
    const w = { weightIh: col(0.5, -1.2, 0.9), weightHh: col(0.3, 0.8, -0.6), biasIh: vec(0.1, -0.2, 0.05), biasHh: vec(-0.3, 0.4, 1.5) };
    const sig = (v: number): number => 1 / (1 + Math.exp(-v));
    const r = sig(0.5 * x + 0.1 + 0.3 * h - 0.3);
    const z = sig(-1.2 * x - 0.2 + 0.8 * h + 0.4);
    const n = Math.tanh(0.9 * x + 0.05 + r * (-0.6 * h + 1.5));
    expect(gruCell(s(x), s(h), w).item()).toBeCloseTo((1 - z) * n + z * h, 14);
    const bhnOutside = Math.tanh(0.9 * x + 0.05 + r * (-0.6 * h) + 1.5);
    expect(Math.abs(gruCell(s(x), s(h), w).item() - ((1 - z) * bhnOutside + z * h))).toBeGreaterThan(1e-3);
  });

  it('the GRU module (two layers) equals the reference layers stacked', () => {
    const gru = new GRU(5, 4, 2, new Rng(6), 0.3).eval();
    const x = Tensor.uniform([2, 7, 5], -1, 1, new Rng(7));
    const h0 = [Tensor.uniform([2, 4], -1, 1, new Rng(8)), Tensor.uniform([2, 4], -1, 1, new Rng(9))];
    const { output } = gru.forward(x, h0);
    const ref = gruLayerReference(gruLayerReference(x, h0[0], gru.layerWeights(0)), h0[1], gru.layerWeights(1));
    const want = ref.toArray();
    output.toArray().forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
  });

  it('the GRU module has PyTorch names and shapes, and stacks layers', () => {
    const gru = new GRU(144, 64, 2, new Rng(0), 0.1);
    expect(gru.namedParameters().map(([n, p]) => `${n} ${p.shape.join('x')}`)).toEqual([
      'weight_ih_l0 192x144', 'weight_hh_l0 192x64', 'bias_ih_l0 192', 'bias_hh_l0 192',
      'weight_ih_l1 192x64', 'weight_hh_l1 192x64', 'bias_ih_l1 192', 'bias_hh_l1 192',
    ]);
    const bound = 1 / 8;
    for (const p of gru.parameters()) expect(p.toArray().every((v) => Math.abs(v) <= bound)).toBe(true);
    const { output, hidden } = gru.eval().forward(Tensor.zeros([2, 11, 144]));
    expect(output.shape).toEqual([2, 11, 64]);
    expect(hidden.map((h) => h.shape)).toEqual([[2, 64], [2, 64]]);
  });

  it('carrying the hidden state equals running the whole sequence', () => {
    const gru = new GRU(5, 4, 2, new Rng(1)).eval();
    const x = Tensor.uniform([2, 6, 5], -1, 1, new Rng(2));
    const whole = gru.forward(x).output.toArray();
    const first = gru.forward(x.slice(1, 0, 3));
    const second = gru.forward(x.slice(1, 3, 6), first.hidden).output;
    const joined = Tensor.concat([first.output, second], 1).toArray();
    joined.forEach((v, i) => expect(v).toBeCloseTo(whole[i], 5));
  });
});
