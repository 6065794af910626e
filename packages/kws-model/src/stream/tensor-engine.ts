/**
 * The reference streaming engine: each stage runs the model's own modules on batch-1 tensors,
 * without a graph. The conv block over a patch of exactly kw frames gives one column (T' = 1);
 * `gru.forward(x (1, 1, in), h0)` runs one time step from the carried state; the attention's
 * `energies` and the `classifier` run on one vector. Slow (per-op overhead), exact by construction.
 */
import { noGrad, Tensor } from '@kws/autograd';
import type { CRNN } from '../model/crnn.js';
import { keywordProbs } from '../model/predict.js';
import { convFreqOut } from '../model/config.js';
import type { StepEngine } from './engine.js';

/** @example const engine = new TensorEngine(model); engine.gruStep(column, state, h); */
export class TensorEngine implements StepEngine {
  readonly convWidth: number;
  readonly hidden: number;
  readonly layers: number;

  constructor(readonly model: CRNN, readonly keywordIndex = 1) {
    const c = model.config;
    this.convWidth = c.convChannels * convFreqOut(c);
    this.hidden = c.hidden;
    this.layers = c.gruLayers;
  }

  convColumn(patch: Float32Array, out: Float32Array): void {
    const { nMels, kernel } = this.model.config;
    const x = Tensor.from(patch, [1, kernel[1], nMels]).transpose(1, 2);
    out.set(noGrad(() => this.model.conv.forward(x)).data.contiguous().data);
  }

  gruStep(x: Float32Array, state: Float32Array[], out: Float32Array): void {
    const H = this.hidden;
    const h0 = state.map((s) => Tensor.from(s, [1, H]));
    const { output, hidden } = noGrad(() => this.model.gru.forward(Tensor.from(x, [1, 1, x.length]), h0));
    hidden.forEach((h, k) => state[k].set(h.data.contiguous().data));
    out.set(output.data.contiguous().data);
  }

  energy(h: Float32Array): number {
    return noGrad(() => this.model.attention.energies(Tensor.from(h, [1, 1, h.length]))).item();
  }

  classify(context: Float32Array): number {
    const logits = noGrad(() => this.model.classifier.forward(Tensor.from(context, [1, context.length])));
    return keywordProbs(logits, this.keywordIndex)[0];
  }
}
