/**
 * GRU: PyTorch's `nn.GRU(input, hidden, num_layers, batch_first=True, dropout)`, unidirectional.
 * Each layer runs as one fused sequence op (gru-op.ts holds the equations and BPTT; gru-reference.ts
 * is the same layer written cell by cell, the readable form and the tests' oracle); dropout
 * sits between layers in training only. Parameters per layer k: weight_ih_l{k} (3H, in),
 * weight_hh_l{k} (3H, H), bias_ih_l{k} (3H), bias_hh_l{k} (3H), stacked r|z|n.
 * Initialisation: everything U(-1/√H, 1/√H).
 */
import { apply, dropout, Tensor } from '@kws/autograd';
import { NDArray, type Rng } from '@kws/tensor';
import { GruSequence } from './gru-op.js';
import type { GruWeights } from './gru-reference.js';
import { uniformArray } from './init.js';
import { Module } from './module.js';

export class GRU extends Module {
  private readonly layers: GruWeights[] = [];

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    readonly numLayers: number,
    rng: Rng,
    readonly dropoutP = 0,
  ) {
    super();
    const bound = 1 / Math.sqrt(hiddenSize);
    const H3 = 3 * hiddenSize;
    for (let k = 0; k < numLayers; k++) {
      const inK = k === 0 ? inputSize : hiddenSize;
      this.layers.push({
        weightIh: this.param(`weight_ih_l${k}`, uniformArray([H3, inK], bound, rng)),
        weightHh: this.param(`weight_hh_l${k}`, uniformArray([H3, hiddenSize], bound, rng)),
        biasIh: this.param(`bias_ih_l${k}`, uniformArray([H3], bound, rng)),
        biasHh: this.param(`bias_hh_l${k}`, uniformArray([H3], bound, rng)),
      });
    }
  }

  /** Layer k's parameters (the live tensors), e.g. for `gruCell` in gru-reference.ts. */
  layerWeights(k: number): GruWeights {
    return this.layers[k];
  }

  /**
   * x (B, T, in) -> outputs of the last layer (B, T, H) and the final hidden state per layer.
   * @example const { output } = gru.forward(x);
   */
  forward(x: Tensor, h0?: readonly Tensor[], rng?: Rng): { output: Tensor; hidden: Tensor[] } {
    const B = x.shape[0];
    const T = x.shape[1];
    let seq = x;
    const hidden: Tensor[] = [];
    this.layers.forEach((l, k) => {
      if (k > 0 && this.training && rng && this.dropoutP > 0) seq = dropout(seq, this.dropoutP, rng);
      const h = h0?.[k] ?? new Tensor(NDArray.zeros([B, this.hiddenSize], x.dtype));
      seq = apply(GruSequence, [seq, h, l.weightIh, l.weightHh, l.biasIh, l.biasHh], undefined);
      hidden.push(seq.slice(1, T - 1, T).reshape([B, this.hiddenSize]));
    });
    return { output: seq, hidden };
  }
}
