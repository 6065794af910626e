import { gradcheck, noGrad, Tensor } from '@kws/autograd';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { Attention } from '../nn/attention.js';
import { configFromShapes, presetConfig, STUDENT_EXP1, STUDENT_EXP2, TEACHER } from './config.js';
import { CRNN } from './crnn.js';
import { countMacs, countParameters } from './macs.js';

describe('the course CRNN', () => {
  it('has the teacher state_dict names, shapes and 70,443 parameters', () => {
    const m = new CRNN(TEACHER, new Rng(0));
    const names = m.namedParameters().map(([n, p]) => `${n} (${p.shape.join(',')})`);
    expect(names).toEqual([
      'conv.0.weight (8,1,5,20)', 'conv.0.bias (8)',
      'gru.weight_ih_l0 (192,144)', 'gru.weight_hh_l0 (192,64)', 'gru.bias_ih_l0 (192)', 'gru.bias_hh_l0 (192)',
      'gru.weight_ih_l1 (192,64)', 'gru.weight_hh_l1 (192,64)', 'gru.bias_ih_l1 (192)', 'gru.bias_hh_l1 (192)',
      'attention.energy.0.weight (64,64)', 'attention.energy.0.bias (64)',
      'attention.energy.2.weight (1,64)', 'attention.energy.2.bias (1)',
      'classifier.weight (2,64)', 'classifier.bias (2)',
    ]);
    expect(m.numParameters()).toBe(70443);
    expect(countParameters(TEACHER)).toBe(70443);
  });

  it('counts MACs by the thop rules: teacher 932,224; students about 10x fewer', () => {
    expect(countMacs(TEACHER)).toEqual({ conv: 158400, gru: 727936, attention: 45760, classifier: 128, total: 932224 });
    expect(countMacs(STUDENT_EXP1).total).toBe(39600 + 45254 + 5566 + 44);
    expect(countMacs(STUDENT_EXP2).total).toBe(39600 + 50952 + 264 + 48);
    for (const c of [STUDENT_EXP1, STUDENT_EXP2]) expect(countParameters(c)).toBe(new CRNN(c, new Rng(1)).numParameters());
  });

  it('maps (B, 40, 101) to (B, 2) logits, deterministically for a seed', () => {
    const x = Tensor.uniform([3, 40, 101], -5, 5, new Rng(7));
    const a = noGrad(() => new CRNN(TEACHER, new Rng(3)).eval().forward(x)).toArray();
    const b = noGrad(() => new CRNN(TEACHER, new Rng(3)).eval().forward(x)).toArray();
    expect(a).toHaveLength(6);
    expect(a).toEqual(b);
  });

  it('whole-model gradients pass gradcheck (tiny float64 config)', () => {
    const cfg = { ...TEACHER, nMels: 9, convChannels: 2, kernel: [3, 4] as [number, number], stride: [2, 2] as [number, number], hidden: 3 };
    const model = new CRNN(cfg, new Rng(5)).eval();
    const params = model.parameters();
    params.forEach((p) => (p.data = p.data.astype('float64')));
    const x = Tensor.uniform([2, 9, 10], -1, 1, new Rng(6), { dtype: 'float64' });
    const r = gradcheck(() => model.forward(x), params);
    expect(r.worst).toBe('');
  });

  it('reads the architecture back from state_dict shapes', () => {
    for (const c of [TEACHER, STUDENT_EXP1, STUDENT_EXP2]) {
      const shapes = new Map([...new CRNN(c, new Rng(0)).stateDict()].map(([k, v]) => [k, v.shape]));
      expect(configFromShapes(shapes)).toEqual(c);
    }
    expect(() => configFromShapes(new Map())).toThrow(/conv.0.weight/);
    expect(() => presetConfig('nope')).toThrow(/unknown architecture/);
  });

  it('loadStateDict round-trips and rejects unknown, missing and mis-shaped keys', () => {
    const a = new CRNN(STUDENT_EXP1, new Rng(1));
    const b = new CRNN(STUDENT_EXP1, new Rng(2));
    b.loadStateDict(a.stateDict());
    expect(b.parameters().map((p) => p.toArray())).toEqual(a.parameters().map((p) => p.toArray()));
    const sd = a.stateDict();
    sd.set('extra', { shape: [1], data: new Float32Array(1) });
    expect(() => b.loadStateDict(sd)).toThrow(/unknown keys extra/);
    sd.delete('extra');
    sd.delete('classifier.bias');
    expect(() => b.loadStateDict(sd)).toThrow(/missing keys classifier.bias/);
    const t = new CRNN(TEACHER, new Rng(0)).stateDict();
    expect(() => b.loadStateDict(t)).toThrow();
  });

  it('attention weights sum to one over time and pool the GRU outputs', () => {
    const att = new Attention(4, 'single', new Rng(0));
    const h = Tensor.uniform([2, 5, 4], -1, 1, new Rng(1));
    const alpha = att.energies(h).softmax(1);
    const sums = alpha.sum(1).toArray();
    sums.forEach((s) => expect(s).toBeCloseTo(1, 6));
    const ctx = att.forward(h).toArray();
    const a = alpha.toArray();
    const hv = h.toArray();
    let manual = 0;
    for (let t = 0; t < 5; t++) manual += a[t] * hv[t * 4];
    expect(ctx[0]).toBeCloseTo(manual, 6);
  });
});
