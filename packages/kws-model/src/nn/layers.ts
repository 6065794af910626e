/**
 * Linear and Conv2d. (Dropout is the `dropout` function of @kws/autograd, called by the GRU
 * between layers in training; there is no Dropout module.)
 *   Linear:  y = x·Wᵀ + b,             W (out, in)
 *   Conv2d:  y = W ⋆ x + b (cross-correlation, as PyTorch), W (Cout, Cin, kh, kw), no dilation
 */
import { conv2d, linear, type Tensor } from '@kws/autograd';
import type { Rng } from '@kws/tensor';
import { defaultBound, uniformArray } from './init.js';
import { Module } from './module.js';

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(readonly inFeatures: number, readonly outFeatures: number, rng: Rng) {
    super();
    const bound = defaultBound(inFeatures);
    this.weight = this.param('weight', uniformArray([outFeatures, inFeatures], bound, rng));
    this.bias = this.param('bias', uniformArray([outFeatures], bound, rng));
  }

  /** @example new Linear(64, 2, rng).forward(x) // (..., 64) -> (..., 2) */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: readonly [number, number],
    readonly stride: readonly [number, number],
    rng: Rng,
    readonly padding: readonly [number, number] = [0, 0],
  ) {
    super();
    const bound = defaultBound(inChannels * kernel[0] * kernel[1]);
    this.weight = this.param('weight', uniformArray([outChannels, inChannels, kernel[0], kernel[1]], bound, rng));
    this.bias = this.param('bias', uniformArray([outChannels], bound, rng));
  }

  /** @example conv.forward(x) // (B, Cin, H, W) -> (B, Cout, Ho, Wo) */
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding });
  }
}
