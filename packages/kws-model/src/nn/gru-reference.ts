/**
 * The GRU as a textbook writes it: one cell, one time step at a time, built only from autograd
 * primitives (linear, add, mul, sigmoid, tanh), so its gradient comes from the engine and needs
 * no code of its own. This is the readable form of the fused op in gru-op.ts and the oracle
 * the tests hold that op (and the streaming engine's typed-array cell) to. It is slow: use the
 * `GRU` module to train.
 *
 * PyTorch's equations (torch.nn.GRU), one line of code each, in the same order:
 *   r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)
 *   z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)
 *   n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))
 *   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
 * Note b_hn sits inside r_t ⊙ (·): the reset gate scales the whole recurrent term, bias
 * included. (Cho et al. 2014 put r_t on h_{t−1} before the product; PyTorch and cuDNN use this
 * form, and checkpoints trained in PyTorch only reproduce with it.)
 *
 * The weights are stored as PyTorch stores them, the three gates stacked r|z|n along the rows:
 *   weight_ih (3H, I) = [W_ir; W_iz; W_in],  weight_hh (3H, H) = [W_hr; W_hz; W_hn],
 *   bias_ih (3H) = [b_ir; b_iz; b_in],       bias_hh (3H) = [b_hr; b_hz; b_hn].
 */
import { linear, Tensor } from '@kws/autograd';

/** One layer's parameters, PyTorch's names and shapes (gates stacked r|z|n). */
export interface GruWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor;
  biasHh: Tensor;
}

/** Rows [k·H, (k+1)·H) of a stacked weight or bias: gate k (0 = r, 1 = z, 2 = n). */
function gate(stacked: Tensor, k: number, H: number): Tensor {
  return stacked.slice(0, k * H, (k + 1) * H);
}

/**
 * One GRU step: x (B, I) and h (B, H) → h' (B, H).
 * @example const h1 = gruCell(x0, h0, { weightIh, weightHh, biasIh, biasHh });
 */
export function gruCell(x: Tensor, h: Tensor, w: GruWeights): Tensor {
  const H = w.weightHh.shape[1];
  const [Wir, Wiz, Win] = [0, 1, 2].map((k) => gate(w.weightIh, k, H));
  const [Whr, Whz, Whn] = [0, 1, 2].map((k) => gate(w.weightHh, k, H));
  const [bir, biz, bin] = [0, 1, 2].map((k) => gate(w.biasIh, k, H));
  const [bhr, bhz, bhn] = [0, 1, 2].map((k) => gate(w.biasHh, k, H));

  const r = linear(x, Wir, bir).add(linear(h, Whr, bhr)).sigmoid();
  const z = linear(x, Wiz, biz).add(linear(h, Whz, bhz)).sigmoid();
  const n = linear(x, Win, bin).add(r.mul(linear(h, Whn, bhn))).tanh();
  return z.neg().add(1).mul(n).add(z.mul(h));
}

/**
 * One GRU layer over a sequence, batch first: x (B, T, I), h0 (B, H) → every h_t, (B, T, H).
 * The same contract as the fused `GruSequence` op, step by step.
 * @example const out = gruLayerReference(x, h0, weights); // (B, T, H)
 */
export function gruLayerReference(x: Tensor, h0: Tensor, w: GruWeights): Tensor {
  const [B, T, I] = x.shape;
  const H = w.weightHh.shape[1];
  let h = h0;
  const outputs: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const xt = x.slice(1, t, t + 1).reshape([B, I]);
    h = gruCell(xt, h, w);
    outputs.push(h.reshape([B, 1, H]));
  }
  return Tensor.concat(outputs, 1);
}
