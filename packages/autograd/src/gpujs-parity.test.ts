/**
 * End to end on the gpu.js backend: a few SGD steps of a tiny CRNN made of autograd ops only
 * (conv2d + relu, a GRU-like recurrence of matmul, sigmoid and tanh, attention pooling through a
 * batched matmul and softmax, a linear head, cross-entropy) give the same losses and gradients
 * under `withBackend(gpuBackend, ...)` as under the cpu backend.
 *
 * Tolerance: |Δ| <= 1e-5 · max|cpu value| per tensor (the loss: 1e-5 · max(1, |loss|)); float32
 * throughout, and gpu.js's webasm mode accumulates in float32 where the cpu backend uses doubles.
 * Skipped, with a note, where gpu.js is not installed.
 */
import { cpuBackend, createGpuJsBackend, GpuJsMissingError, NDArray, Rng, type Backend, type GpuJsBackend, type GpuJsMode } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { withBackend } from './engine.js';
import { conv2d, crossEntropy, linear, softmax } from './functional.js';
import { Tensor } from './tensor.js';

const [B, H, W, HID, CLASSES] = [4, 10, 16, 6, 3];
const TOL = 1e-5;

async function optionalGpuJs(mode: GpuJsMode): Promise<GpuJsBackend | null> {
  try {
    return await createGpuJsBackend({ mode });
  } catch (e) {
    if (!(e instanceof GpuJsMissingError)) throw e;
    console.warn(`skipping the gpu.js parity test (mode '${mode}'): ${e.message}`);
    return null;
  }
}

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

interface Run {
  losses: number[];
  grads: NDArray[];
}

function train(be: Backend, steps: number, lr: number): Run {
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

function maxAbs(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, Math.abs(xs[i]));
  return m;
}

const backends = (await Promise.all((['cpu', 'webasm'] as const).map(optionalGpuJs))).filter((b) => b !== null);

describe.skipIf(backends.length === 0)('gpu.js backend trains a tiny CRNN like the cpu backend', () => {
  const want = train(cpuBackend, 3, 0.5);

  it('the reference run learns (the loss falls)', () => {
    expect(want.losses[2]).toBeLessThan(want.losses[0]);
  });

  it.each(backends.map((be) => [be.name, be] as const))('%s: same losses and gradients to 1e-5', (_name, be) => {
    const got = train(be, 3, 0.5);
    expect(be.compiledKernels()).toBeGreaterThan(10); // it really ran gpu.js kernels
    got.losses.forEach((l, s) => expect(Math.abs(l - want.losses[s]), `loss at step ${s}`).toBeLessThanOrEqual(TOL * Math.max(1, Math.abs(want.losses[s]))));
    got.grads.forEach((g, i) => {
      const w = want.grads[i].data;
      const diff = maxAbs(g.data.map((v, k) => v - w[k]));
      expect(diff, `gradient ${i}`).toBeLessThanOrEqual(TOL * maxAbs(w));
    });
  });
});
