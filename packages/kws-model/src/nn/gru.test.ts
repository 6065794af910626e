import { apply, gradcheck, linear, Tensor } from '@kws/autograd';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { GRU } from './gru.js';
import { GruSequence } from './gru-op.js';

const rand64 = (shape: number[], rng: Rng, requiresGrad = true): Tensor =>
  Tensor.uniform(shape, -1, 1, rng, { dtype: 'float64', requiresGrad });

/** The same layer written cell by cell with composite ops (PyTorch's equations, r|z|n). */
function gruComposite(x: Tensor, h0: Tensor, wih: Tensor, whh: Tensor, bih: Tensor, bhh: Tensor): Tensor {
  const [B, T, I] = x.shape;
  const H = whh.shape[1];
  let h = h0;
  const outs: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const gi = linear(x.slice(1, t, t + 1).reshape([B, I]), wih, bih);
    const gh = linear(h, whh, bhh);
    const part = (m: Tensor, k: number): Tensor => m.slice(1, k * H, (k + 1) * H);
    const r = part(gi, 0).add(part(gh, 0)).sigmoid();
    const z = part(gi, 1).add(part(gh, 1)).sigmoid();
    const n = part(gi, 2).add(r.mul(part(gh, 2))).tanh();
    h = z.neg().add(1).mul(n).add(z.mul(h));
    outs.push(h.reshape([B, 1, H]));
  }
  return Tensor.concat(outs, 1);
}

describe('fused GRU sequence', () => {
  const rng = new Rng(4);
  const B = 3, T = 4, I = 5, H = 6;
  const make = (): Tensor[] => [rand64([B, T, I], rng), rand64([B, H], rng), rand64([3 * H, I], rng), rand64([3 * H, H], rng), rand64([3 * H], rng), rand64([3 * H], rng)];

  it('passes gradcheck for every input', () => {
    const r = gradcheck((...xs) => apply(GruSequence, xs, undefined), make());
    expect(r.worst).toBe('');
  });

  it('equals the cell-by-cell composite, values and gradients', () => {
    const inputs = make();
    const fused = apply(GruSequence, inputs, undefined);
    const cot = Tensor.uniform(fused.shape, -1, 1, rng, { dtype: 'float64' });
    fused.mul(cot).sum().backward();
    const g1 = inputs.map((t) => t.grad!.toArray());
    inputs.forEach((t) => t.zeroGrad());
    const comp = gruComposite(...(inputs as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]));
    comp.mul(cot).sum().backward();
    fused.toArray().forEach((v, i) => expect(v).toBeCloseTo(comp.toArray()[i], 12));
    inputs.forEach((t, k) => t.grad!.toArray().forEach((v, i) => expect(v).toBeCloseTo(g1[k][i], 10)));
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
