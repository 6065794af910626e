import { noGrad, Tensor } from '@kws/autograd';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { STUDENT_EXP1, TEACHER } from './config.js';
import { CRNN } from './crnn.js';
import { Ensemble } from './ensemble.js';

describe('Ensemble', () => {
  const x = Tensor.randn([3, 40, 101], new Rng(5));

  it("gives the mean of its members' logits, members of any architecture", () => {
    const members = [new CRNN(TEACHER, new Rng(1)), new CRNN(TEACHER, new Rng(2)), new CRNN(STUDENT_EXP1, new Rng(3))];
    const e = new Ensemble(members).eval();
    const z = noGrad(() => e.forward(x)).toArray();
    const each = members.map((m) => noGrad(() => m.forward(x)).toArray());
    expect(z).toHaveLength(6);
    for (let i = 0; i < z.length; i++) expect(z[i]).toBeCloseTo((each[0][i] + each[1][i] + each[2][i]) / 3, 6);
    // Not one member's logits: the members disagree, and the mean is none of them.
    for (const m of each) expect(m).not.toEqual(z);
  });

  it('eval() and train() reach every member; its parameters are the members\', named by index', () => {
    const members = [new CRNN(STUDENT_EXP1, new Rng(1)), new CRNN(STUDENT_EXP1, new Rng(2))];
    const e = new Ensemble(members);
    e.eval();
    expect(members.map((m) => m.training)).toEqual([false, false]);
    e.train();
    expect(members.map((m) => m.training)).toEqual([true, true]);
    expect(e.numParameters()).toBe(2 * members[0].numParameters());
    expect(e.namedParameters()[0][0]).toBe('0.conv.0.weight');
  });

  it('refuses to be empty', () => {
    expect(() => new Ensemble([])).toThrow(/at least one member/);
  });
});
