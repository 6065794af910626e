/**
 * A Stepper turns a loss into a parameter update. The plain fp32 one: zero the gradients,
 * backward, clip the global norm, Adam. Mixed precision swaps in a stepper with loss scaling.
 */
import type { Tensor } from '@kws/autograd';
import { clipGradNorm, type Adam } from './optim.js';

export interface StepResult {
  gradNorm: number;
  skipped: boolean;
}

export interface Stepper {
  step(params: readonly Tensor[], opt: Adam, loss: Tensor, clipNorm: number): StepResult;
  /** State to keep across a resume (e.g. the loss scale). */
  state(): Record<string, number>;
  load(state: Record<string, number>): void;
}

/** @example const s = fp32Step(); s.step(model.parameters(), opt, loss, 5); */
export function fp32Step(): Stepper {
  return {
    step(params, opt, loss, clipNorm) {
      opt.zeroGrad();
      loss.backward();
      const gradNorm = clipGradNorm(params, clipNorm);
      opt.update();
      return { gradNorm, skipped: false };
    },
    state: () => ({}),
    load: () => undefined,
  };
}
