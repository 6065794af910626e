/**
 * The course CRNN keyword spotter:
 *   x (B, nMels, T) → unsqueeze → conv.0: Conv2d(1 → C, (5, 20), stride (2, 8)), no activation
 *   → (B, C, F', T') → flatten channel-major (feature = c·F' + f) → transpose → (B, T', C·F')
 *   → gru (num_layers, hidden H, batch_first, dropout between layers) → attention pooling (B, H)
 *   → classifier Linear(H, 2) → logits.  p(keyword) = softmax(logits)[1].
 */
import type { Tensor } from '@kws/autograd';
import type { Rng } from '@kws/tensor';
import { Attention } from '../nn/attention.js';
import { GRU } from '../nn/gru.js';
import { Conv2d, Linear } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { convFreqOut, type CRNNConfig } from './config.js';

/** nn.Sequential(Conv2d, Flatten(1, 2)): the conv is child '0', as in the course. */
class ConvBlock extends Module {
  readonly conv: Conv2d;

  constructor(c: CRNNConfig, rng: Rng) {
    super();
    this.conv = this.child('0', new Conv2d(1, c.convChannels, c.kernel, c.stride, rng));
  }

  /** (B, nMels, T) → (B, T', C·F') */
  forward(x: Tensor): Tensor {
    const y = this.conv.forward(x.unsqueeze(1));
    const [B, C, F, T] = y.shape;
    return y.reshape([B, C * F, T]).transpose(1, 2);
  }
}

export class CRNN extends Module {
  readonly conv: ConvBlock;
  readonly gru: GRU;
  readonly attention: Attention;
  readonly classifier: Linear;

  /** @example const model = new CRNN(TEACHER, new Rng(0)); */
  constructor(readonly config: CRNNConfig, rng: Rng) {
    super();
    const c = config;
    this.conv = this.child('conv', new ConvBlock(c, rng));
    this.gru = this.child('gru', new GRU(c.convChannels * convFreqOut(c), c.hidden, c.gruLayers, rng, c.dropout));
    this.attention = this.child('attention', new Attention(c.hidden, c.attention, rng));
    this.classifier = this.child('classifier', new Linear(c.hidden, c.numClasses, rng));
  }

  /**
   * Logits (B, numClasses) of log-mel features (B, nMels, T). `rng` drives dropout in training.
   * @example const logits = model.forward(features);
   */
  forward(x: Tensor, rng?: Rng): Tensor {
    const seq = this.conv.forward(x);
    const { output } = this.gru.forward(seq, undefined, rng);
    return this.classifier.forward(this.attention.forward(output));
  }
}
