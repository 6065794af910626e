/**
 * matmul, conv2d and gather: the fused primitives that carry the model's FLOPs.
 *   matmul:  C = A·B            dA = g·Bᵀ, dB = Aᵀ·g
 *   conv2d:  Y = W ⋆ X + b as im2col: cols (B·P, K) with P = Ho·Wo, K = Cin·kh·kw;
 *            Y = cols·W₂ᵀ (W₂ = W as (Cout, K)), then to (B, Cout, Ho, Wo).
 *            dW₂ = gᵀ·cols, db = Σ g, dcols = g·W₂ then col2im (only when X needs a gradient;
 *            the first conv of the model never does, which saves its largest matmul).
 *   gather:  y[r] = x[r, idx[r]]  (labels for cross-entropy); backward scatter-adds.
 */
import { convOutSize, type ConvGeometry, type NDArray } from '@kws/tensor';
import type { Op } from '../engine.js';

export const Matmul: Op<undefined, undefined> = {
  name: 'matmul',
  forward: (be, [a, b]) => ({ out: be.matmul(a, b), saved: undefined }),
  backward: (be, g, { inputs: [a, b] }, needs) => [
    needs[0] ? be.matmul(g, b.transpose(-2, -1)) : null,
    needs[1] ? be.matmul(a.transpose(-2, -1), g) : null,
  ],
};

export interface Conv2dAttrs {
  stride: readonly [number, number];
  padding: readonly [number, number];
}

function geometry(w: NDArray, a: Conv2dAttrs): ConvGeometry {
  return { kh: w.shape[2], kw: w.shape[3], sh: a.stride[0], sw: a.stride[1], ph: a.padding[0], pw: a.padding[1] };
}

/** inputs: x (B, Cin, H, W), w (Cout, Cin, kh, kw), b (Cout). */
export const Conv2d: Op<Conv2dAttrs, NDArray> = {
  name: 'conv2d',
  forward: (be, [x, w, b], attrs) => {
    const g = geometry(w, attrs);
    const [B, , H, W] = x.shape;
    const Cout = w.shape[0];
    const Ho = convOutSize(H, g.kh, g.sh, g.ph);
    const Wo = convOutSize(W, g.kw, g.sw, g.pw);
    const cols = be.im2col(x, g);
    const w2 = w.reshape([Cout, -1]);
    const y = be.matmul(cols, w2.transpose(0, 1)).reshape([B, Ho * Wo, Cout]).permute([0, 2, 1]);
    const out = be.binary.add(y, b.reshape([1, Cout, 1]).expand(y.shape)).reshape([B, Cout, Ho, Wo]);
    return { out, saved: cols };
  },
  backward: (be, g, { inputs: [x, w], attrs, saved: cols }, needs) => {
    const [B, Cout, Ho, Wo] = g.shape;
    const gt = g.reshape([B, Cout, Ho * Wo]).permute([0, 2, 1]).contiguous().reshape([B * Ho * Wo, Cout]);
    const w2 = w.reshape([Cout, -1]);
    const dw = needs[1] ? be.matmul(gt.transpose(0, 1), cols).reshape(w.shape) : null;
    const db = needs[2] ? be.sum(g, [0, 2, 3]).reshape([Cout]) : null;
    const dx = needs[0] ? be.col2im(be.matmul(gt, w2), x.shape, geometry(w, attrs)) : null;
    return [dx, dw, db];
  },
};

export const GatherLast: Op<Int32Array, undefined> = {
  name: 'gather',
  forward: (be, [x], index) => ({ out: be.gatherLast(x, index), saved: undefined }),
  backward: (be, g, { inputs: [x], attrs }) => [be.scatterAddLast(g, attrs, x.shape)],
};
