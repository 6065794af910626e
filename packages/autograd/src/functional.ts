/**
 * Composites: built from primitives only, so their gradients come for free and need no test of
 * their own beyond a gradcheck.
 *   softmax(x)_i    = exp(x_i - m) / Σ_j exp(x_j - m),   m = max x (detached: it cancels)
 *   logSoftmax(x)_i = x_i - m - log Σ_j exp(x_j - m)
 *   crossEntropy    = -mean_n logSoftmax(z_n)[y_n]
 *   klDiv(logQ, P)  = mean_n Σ_i P_ni (log P_ni - logQ_ni)   (PyTorch's 'batchmean'; P constant)
 *   linear(x, W, b) = x·Wᵀ + b
 */
import { NDArray, normAxes, normAxis, Rng } from '@kws/tensor';
import { apply } from './engine.js';
import { Conv2d, GatherLast } from './ops/linalg.js';
import { Tensor } from './tensor.js';

export function sigmoid(x: Tensor): Tensor {
  return x.neg().exp().add(1).pow(-1);
}

export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const ax = normAxes(axes, x.ndim);
  const count = ax.reduce((p, a) => p * x.shape[a], 1);
  return x.sum(ax, keepDims).div(count);
}

export function softmax(x: Tensor, axis = -1): Tensor {
  const e = x.sub(x.detach().max(axis, true)).exp();
  return e.div(e.sum(axis, true));
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const shifted = x.sub(x.detach().max(axis, true));
  return shifted.sub(shifted.exp().sum(axis, true).log());
}

/** Pick x[..., index] along the last axis. */
export function gatherLast(x: Tensor, index: Int32Array): Tensor {
  return apply(GatherLast, [x], index);
}

/**
 * Mean cross-entropy of logits (N, C) against integer labels.
 * @example crossEntropy(logits, Int32Array.from([1, 0]))
 */
export function crossEntropy(logits: Tensor, labels: Int32Array): Tensor {
  return gatherLast(logSoftmax(logits, -1), labels).mean().neg();
}

/** KL(P || Q) with Q given as log-probabilities; P is a constant target (teacher). */
export function klDiv(logQ: Tensor, p: Tensor): Tensor {
  const pd = p.data.contiguous();
  let plogp = 0;
  for (let i = 0; i < pd.size; i++) if (pd.data[i] > 0) plogp += pd.data[i] * Math.log(pd.data[i]);
  const n = logQ.shape[0];
  return logQ.mul(p.detach()).sum().neg().add(plogp).div(n);
}

export function mseLoss(a: Tensor, b: Tensor): Tensor {
  const d = a.sub(b);
  return d.mul(d).mean();
}

/** x (..., in) · Wᵀ (in, out) + b, with the leading axes folded into one matrix. */
export function linear(x: Tensor, w: Tensor, b?: Tensor): Tensor {
  const lead = x.shape.slice(0, -1);
  const y = x.reshape([-1, x.shape[x.ndim - 1]]).matmul(w.transpose(0, 1));
  const out = b ? y.add(b) : y;
  return out.reshape([...lead, w.shape[0]]);
}

/** Inverted dropout: zero each value with probability p, scale the rest by 1/(1-p). */
export function dropout(x: Tensor, p: number, rng: Rng, training = true): Tensor {
  if (!training || p === 0) return x;
  const mask = NDArray.zeros(x.shape, x.dtype);
  const scale = 1 / (1 - p);
  for (let i = 0; i < mask.size; i++) mask.data[i] = rng.uniform() < p ? 0 : scale;
  return x.mul(new Tensor(mask));
}

/**
 * 2-D convolution (cross-correlation, as PyTorch) of x (B, Cin, H, W) with w (Cout, Cin, kh, kw).
 * @example conv2d(x, w, b, { stride: [2, 8] })
 */
export function conv2d(x: Tensor, w: Tensor, b?: Tensor, opts: { stride?: readonly [number, number]; padding?: readonly [number, number] } = {}): Tensor {
  const bias = b ?? Tensor.zeros([w.shape[0]], { dtype: w.dtype });
  return apply(Conv2d, [x, w, bias], { stride: opts.stride ?? [1, 1], padding: opts.padding ?? [0, 0] });
}

/** Softmax probabilities along `axis` as a plain NDArray (no graph). */
export function probabilities(logits: Tensor, axis = -1): NDArray {
  return softmax(logits.detach(), normAxis(axis, logits.ndim)).data;
}
