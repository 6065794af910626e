/**
 * The gpu.js parity case: a few SGD steps of a tiny CRNN made of autograd ops only (conv2d +
 * relu, a GRU-like recurrence of matmul, sigmoid and tanh, attention pooling through a batched
 * matmul and softmax, a linear head, cross-entropy), on any backend. Run by gpujs-parity.test.ts
 * on gpu.js's 'cpu' and 'webasm' modes in Node, and by the browser test in packages/cli on its
 * WebGL2 mode; each compares with `train(cpuBackend, ...)`.
 */
import { Rng, type Backend, type NDArray } from '@kws/tensor';
import { withBackend } from '../engine.js';
import { conv2d, crossEntropy, linear, softmax } from '../functional.js';
import { Tensor } from '../tensor.js';

const [B, H, W, HID, CLASSES] = [4, 10, 16, 6, 3];

type Params = Record<'w1' | 'b1' | 'wz' | 'uz' | 'wn' | 'un' | 'bn' | 'v' | 'wo' | 'bo', Tensor>;

/** The same initial weights for every run (fresh tensors, so runs do not share gradients). */
function initParams(): Params {
  const rng = new Rng(7);
  const p = (shape: number[], scale: number): Tensor => Tensor.uniform(shape, -scale, scale, rng, { requiresGrad: true });
  const feat = 4 * 5; // conv channels × output height
  return {
    w1: p([4, 1, 3, 4], 0.5), b1: p([4], 0.1),
    wz: p([HID, feat], 0.3), uz: p([HID, HID], 0.3),
    wn: p([HID, feat], 0.3), un: p([HID, HID], 0.3), bn: p([HID], 0.1),
    v: p([HID, 1], 0.5), wo: p([CLASSES, HID], 0.5), bo: p([CLASSES], 0.1),
  };
}

/** conv (B,1,10,16) -> (B,4,5,8); 8 time steps of 20 features; GRU-like cell; attention; head. */
function lossOf(p: Params, x: Tensor, labels: Int32Array): Tensor {
  const y = conv2d(x, p.w1, p.b1, { stride: [2, 2], padding: [1, 1] }).relu();
  const seq = y.permute([0, 3, 1, 2]).reshape([B, 8, 20]);
  let h = Tensor.zeros([B, HID]);
  const states: Tensor[] = [];
  for (let t = 0; t < 8; t++) {
    const xt = seq.slice(1, t, t + 1).reshape([B, 20]);
    const z = linear(xt, p.wz).add(h.matmul(p.uz)).sigmoid();
    const n = linear(xt, p.wn, p.bn).add(h.matmul(p.un)).tanh();
    h = n.sub(z.mul(n)).add(z.mul(h));
    states.push(h.unsqueeze(1));
  }
  const hs = Tensor.concat(states, 1); // (B, T, HID)
  const attn = softmax(hs.matmul(p.v).reshape([B, 8]), -1); // (B, T)
  const context = attn.unsqueeze(1).matmul(hs).reshape([B, HID]); // batched (B,1,T)@(B,T,HID)
  return crossEntropy(linear(context, p.wo, p.bo), labels);
}

export interface Run {
  losses: number[];
  grads: NDArray[];
}

export function train(be: Backend, steps: number, lr: number): Run {
  const rng = new Rng(8);
  const x = Tensor.uniform([B, 1, H, W], -1, 1, rng);
  const labels = Int32Array.from({ length: B }, () => rng.int(CLASSES));
  const params = initParams();
  const list = Object.values(params);
  const losses: number[] = [];
  let grads: NDArray[] = [];
  for (let s = 0; s < steps; s++) {
    list.forEach((t) => t.zeroGrad());
    const loss = withBackend(be, () => {
      const l = lossOf(params, x, labels);
      l.backward();
      return l;
    });
    losses.push(loss.item());
    grads = list.map((t) => t.grad!.contiguous());
    // Plain SGD on the host, identical for every backend.
    list.forEach((t, i) => t.data.data.forEach((v, k, d) => (d[k] = v - lr * grads[i].data[k])));
  }
  return { losses, grads };
}

export function maxAbs(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, Math.abs(xs[i]));
  return m;
}


/**
 * How far `got` is from `want`, in the parity rule's units: per step |Δloss| / max(1, |loss|),
 * per parameter max|Δgrad| / max|want grad|. Both tests hold these to 1e-5 (float32 throughout;
 * gpu.js accumulates in float32 where the cpu backend uses doubles).
 */
export function parityErrors(got: { losses: readonly number[]; grads: readonly ArrayLike<number>[] }, want: Run): { losses: number[]; grads: number[] } {
  return {
    losses: got.losses.map((l, s) => Math.abs(l - want.losses[s]) / Math.max(1, Math.abs(want.losses[s]))),
    grads: got.grads.map((g, i) => {
      const w = want.grads[i].data;
      return maxAbs(Array.from(g, (v, k) => v - w[k])) / maxAbs(w);
    }),
  };
}
