/**
 * Several models as one: the mean of their logits, (z_1 + … + z_K) / K. `kws-cli train --ensemble
 * K` distils this mean into one CRNN: runs of one recipe that differ only in their seed disagree on
 * real speech far more than their validation figures do, and the mean of a few of them is steadier
 * than any one (README, "marvin"). The mean is taken of logits, not probabilities, so that
 * softmax(mean / T) is the soft target of the distillation at any temperature T.
 */
import type { Tensor } from '@kws/autograd';
import type { Rng } from '@kws/tensor';
import { Module } from '../nn/module.js';
import type { LogitModel } from './predict.js';

export class Ensemble extends Module {
  readonly members: readonly LogitModel[];

  /**
   * The members are children '0', '1', …, so `eval()` and `train()` reach them all.
   * @example const teacher = new Ensemble([a, b, c]).eval(); const z = teacher.forward(x);
   */
  constructor(members: readonly (LogitModel & Module)[]) {
    super();
    if (members.length === 0) throw new RangeError('an ensemble needs at least one member');
    this.members = members.map((m, i) => this.child(String(i), m));
  }

  /** The members' mean logits (B, classes), summed in member order, then divided by K. */
  forward(x: Tensor, rng?: Rng): Tensor {
    let sum = this.members[0].forward(x, rng);
    for (let i = 1; i < this.members.length; i++) sum = sum.add(this.members[i].forward(x, rng));
    return sum.div(this.members.length);
  }
}
