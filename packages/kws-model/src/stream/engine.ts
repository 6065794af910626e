/**
 * The per-column maths of a streaming CRNN, behind one interface with two implementations:
 * `FastEngine` (here) runs straight on copies of the parameters' typed arrays, and `TensorEngine`
 * (tensor-engine.ts) runs the model's own modules on batch-1 tensors. Why two: at batch 1 a step
 * is a few hundred tiny ops and the autograd graph's per-op cost dominates; the fast path is what
 * the stream uses, the tensor path is the reference a test holds it to (1e-5).
 *
 *   conv column j (patch = frames 8j .. 8j+kw-1, P[k][m] = log-mel m of the k-th frame):
 *     y[c·F' + f] = b[c] + Σ_{i<kh} Σ_{k<kw} W[c, 0, i, k] · P[k][sh·f + i]        (channel-major)
 *   GRU cell, per layer (gate order r, z, n; b_hn inside r ⊙ (·), as PyTorch; engine.test.ts holds
 *   it to gruCell of nn/gru-reference.ts):
 *     r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),  h' = (1 − z) ⊙ n + z ⊙ h
 *   attention energy of one output h: e = w₂ᵀ tanh(W₁ h + b₁) + b₂ ('course'), or wᵀ h + b ('single')
 *   classifier: p = softmax(W_c ctx + b_c)[keyword]
 * Vectors between stages are stored as float32 (as the tensor path stores them); sums run in
 * float64.
 */
import type { CRNN } from '../model/crnn.js';
import { convFreqOut } from '../model/config.js';

export interface StepEngine {
  /** Width of one conv column, C·F' (the GRU's input size). */
  readonly convWidth: number;
  readonly hidden: number;
  readonly layers: number;
  /** Conv column from a patch (kw frames × nMels, row-major, oldest frame first). */
  convColumn(patch: Float32Array, out: Float32Array): void;
  /** One GRU time step through every layer; `state[k]` (H) is updated in place; out = top layer's h. */
  gruStep(x: Float32Array, state: Float32Array[], out: Float32Array): void;
  /** Attention energy e of one GRU output. */
  energy(h: Float32Array): number;
  /** p(keyword) of a pooled context (H). */
  classify(context: Float32Array): number;
}

/** Conv weights (C, 1, kh, kw) → (C, kw, kh). */
function reorderConv(w: Float32Array, d: { C: number; kh: number; kw: number }): Float32Array {
  const out = new Float32Array(w.length);
  for (let c = 0; c < d.C; c++) {
    for (let i = 0; i < d.kh; i++) {
      for (let k = 0; k < d.kw; k++) out[(c * d.kw + k) * d.kh + i] = w[(c * d.kh + i) * d.kw + k];
    }
  }
  return out;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * y[r] = b[r] + Σ_i W[r, i] x[i] for r < rows (W row-major rows × x.length), into a float64 scratch.
 * Four rows at a time: each x[i] is loaded once for four accumulators (about 2x faster in V8).
 */
function affine(w: Float32Array, b: Float32Array, x: Float32Array, y: Float64Array, rows: number): void {
  const n = x.length;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    let a0 = b[r], a1 = b[r + 1], a2 = b[r + 2], a3 = b[r + 3];
    const o0 = r * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      a0 += w[o0 + i] * xi;
      a1 += w[o1 + i] * xi;
      a2 += w[o2 + i] * xi;
      a3 += w[o3 + i] * xi;
    }
    y[r] = a0;
    y[r + 1] = a1;
    y[r + 2] = a2;
    y[r + 3] = a3;
  }
  for (; r < rows; r++) {
    let acc = b[r];
    const o = r * n;
    for (let i = 0; i < n; i++) acc += w[o + i] * x[i];
    y[r] = acc;
  }
}

interface GruLayer {
  wih: Float32Array;
  whh: Float32Array;
  bih: Float32Array;
  bhh: Float32Array;
}

/**
 * The fast path: plain loops over snapshots of the weights (taken at construction; build a new
 * engine after changing the model's weights).
 * @example const engine = new FastEngine(model); engine.convColumn(patch, column);
 */
export class FastEngine implements StepEngine {
  readonly convWidth: number;
  readonly hidden: number;
  readonly layers: number;
  readonly keywordIndex: number;
  private readonly w: Map<string, Float32Array>;
  private readonly gru: GruLayer[] = [];
  private readonly convW: Float32Array;
  private readonly convB: Float32Array;
  /** Attention: energy.0 / energy.2 ('course'), or energy alone ('single': att1 unused). */
  private readonly att: { w1: Float32Array; b1: Float32Array; w2: Float32Array; b2: number; single: boolean };
  private readonly clsW: Float32Array;
  private readonly clsB: Float32Array;
  private readonly dims: { C: number; F: number; kh: number; kw: number; sh: number; nMels: number };
  private readonly gi: Float64Array;
  private readonly gh: Float64Array;
  private readonly acc: Float64Array;

  constructor(model: CRNN, keywordIndex = 1) {
    const c = model.config;
    this.w = new Map(model.namedParameters().map(([n, p]) => [n, Float32Array.from(p.data.contiguous().data)]));
    const F = convFreqOut(c);
    this.dims = { C: c.convChannels, F, kh: c.kernel[0], kw: c.kernel[1], sh: c.stride[0], nMels: c.nMels };
    this.convWidth = c.convChannels * F;
    this.hidden = c.hidden;
    this.layers = c.gruLayers;
    this.keywordIndex = keywordIndex;
    for (let k = 0; k < c.gruLayers; k++) {
      this.gru.push({ wih: this.get(`gru.weight_ih_l${k}`), whh: this.get(`gru.weight_hh_l${k}`), bih: this.get(`gru.bias_ih_l${k}`), bhh: this.get(`gru.bias_hh_l${k}`) });
    }
    this.convW = reorderConv(this.get('conv.0.weight'), this.dims);
    this.convB = this.get('conv.0.bias');
    this.att = this.attentionWeights();
    this.clsW = this.get('classifier.weight');
    this.clsB = this.get('classifier.bias');
    this.gi = new Float64Array(3 * c.hidden);
    this.gh = new Float64Array(3 * c.hidden);
    this.acc = new Float64Array(Math.max(F, c.hidden, c.numClasses));
  }

  /**
   * Weights reordered to (c, k, i) so that the innermost loop walks both the weights and the
   * patch row P[k][sh·f ..] contiguously; two channels share each patch load.
   */
  convColumn(patch: Float32Array, out: Float32Array): void {
    const { C, F, kh, kw, sh, nMels } = this.dims;
    const W = this.convW, b = this.convB, K = kw * kh;
    for (let f = 0; f < F; f++) {
      let c = 0;
      for (; c + 2 <= C; c += 2) {
        let a0 = b[c], a1 = b[c + 1];
        const w0 = c * K, w1 = w0 + K;
        for (let k = 0; k < kw; k++) {
          const base = k * nMels + sh * f, wo = k * kh;
          for (let i = 0; i < kh; i++) {
            const p = patch[base + i];
            a0 += W[w0 + wo + i] * p;
            a1 += W[w1 + wo + i] * p;
          }
        }
        out[c * F + f] = a0;
        out[(c + 1) * F + f] = a1;
      }
      if (c < C) out[c * F + f] = this.convOne(patch, c, f);
    }
  }

  /** One output of channel c (the odd channel left over by the pairs). */
  private convOne(patch: Float32Array, c: number, f: number): number {
    const { kh, kw, sh, nMels } = this.dims;
    let a = this.convB[c];
    for (let k = 0; k < kw; k++) {
      for (let i = 0; i < kh; i++) a += this.convW[(c * kw + k) * kh + i] * patch[k * nMels + sh * f + i];
    }
    return a;
  }

  gruStep(x: Float32Array, state: Float32Array[], out: Float32Array): void {
    const H = this.hidden;
    const { gi, gh } = this;
    let input = x;
    for (let k = 0; k < this.layers; k++) {
      const l = this.gru[k];
      const h = state[k];
      affine(l.wih, l.bih, input, gi, 3 * H);
      affine(l.whh, l.bhh, h, gh, 3 * H);
      for (let j = 0; j < H; j++) {
        const r = sigmoid(gi[j] + gh[j]);
        const z = sigmoid(gi[H + j] + gh[H + j]);
        const n = Math.tanh(gi[2 * H + j] + r * gh[2 * H + j]);
        h[j] = (1 - z) * n + z * h[j];
      }
      input = h;
    }
    out.set(input);
  }

  energy(h: Float32Array): number {
    const { w1, b1, w2, b2, single } = this.att;
    if (single) return this.dot(w2, h) + b2;
    const H = this.hidden;
    const a = this.acc;
    affine(w1, b1, h, a, H);
    let e = b2;
    // tanh(W₁h + b₁) is stored as float32 by the tensor path before the second linear layer.
    for (let j = 0; j < H; j++) e += w2[j] * Math.fround(Math.tanh(a[j]));
    return e;
  }

  classify(context: Float32Array): number {
    const W = this.clsW, b = this.clsB;
    const K = b.length;
    const logits = this.acc;
    affine(W, b, context, logits, K);
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, logits[k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(logits[k] - max);
    return Math.exp(logits[this.keywordIndex] - max) / sum;
  }

  private attentionWeights(): FastEngine['att'] {
    if (this.w.has('attention.energy.weight')) {
      const none = new Float32Array(0);
      return { w1: none, b1: none, w2: this.get('attention.energy.weight'), b2: this.get('attention.energy.bias')[0], single: true };
    }
    const [w1, b1, w2] = ['0.weight', '0.bias', '2.weight'].map((n) => this.get(`attention.energy.${n}`));
    return { w1, b1, w2, b2: this.get('attention.energy.2.bias')[0], single: false };
  }

  private dot(w: Float32Array, h: Float32Array): number {
    let s = 0;
    for (let j = 0; j < h.length; j++) s += w[j] * h[j];
    return s;
  }

  private get(name: string): Float32Array {
    const v = this.w.get(name);
    if (!v) throw new Error(`FastEngine: the model has no parameter '${name}'`);
    return v;
  }
}
