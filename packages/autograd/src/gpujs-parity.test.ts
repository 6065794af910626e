/**
 * End to end on the gpu.js backend: a few SGD steps of a tiny CRNN made of autograd ops only
 * (conv2d + relu, a GRU-like recurrence of matmul, sigmoid and tanh, attention pooling through a
 * batched matmul and softmax, a linear head, cross-entropy) give the same losses and gradients
 * under `withBackend(gpuBackend, ...)` as under the cpu backend.
 *
 * Tolerance: |Δ| <= 1e-5 · max|cpu value| per tensor (the loss: 1e-5 · max(1, |loss|)); float32
 * throughout, and gpu.js's webasm mode accumulates in float32 where the cpu backend uses doubles.
 * Skipped, with a note, where gpu.js is not installed. The case (test-utils/gpujs-parity.ts) also
 * runs on gpu.js's WebGL2 in headless Chromium (packages/cli/src/gpujs-webgl2.browser.test.ts).
 */
import { cpuBackend, createGpuJsBackend, GpuJsMissingError, type GpuJsBackend, type GpuJsMode } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { parityErrors, train } from './test-utils/gpujs-parity.js';

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

const backends = (await Promise.all((['cpu', 'webasm'] as const).map(optionalGpuJs))).filter((b) => b !== null);

describe.skipIf(backends.length === 0)('gpu.js backend trains a tiny CRNN like the cpu backend', () => {
  const want = train(cpuBackend, 3, 0.5);

  it('the reference run learns (the loss falls)', () => {
    expect(want.losses[2]).toBeLessThan(want.losses[0]);
  });

  it.each(backends.map((be) => [be.name, be] as const))('%s: same losses and gradients to 1e-5', (_name, be) => {
    const got = train(be, 3, 0.5);
    expect(be.compiledKernels()).toBeGreaterThan(10); // it really ran gpu.js kernels
    expect(got.grads).toHaveLength(want.grads.length);
    const err = parityErrors({ losses: got.losses, grads: got.grads.map((g) => g.data) }, want);
    err.losses.forEach((e, s) => expect(e, `loss at step ${s}`).toBeLessThanOrEqual(TOL));
    err.grads.forEach((e, i) => expect(e, `gradient ${i}`).toBeLessThanOrEqual(TOL));
  });
});
