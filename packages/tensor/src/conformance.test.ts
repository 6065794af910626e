/**
 * Backend conformance: one suite (test-utils/conformance.ts, the case list and the tolerance
 * rule), run over every backend available in Node. It checks every kernel of the `Backend` table
 * against tiny naive references on packed and non-contiguous (permuted, strided-slice with
 * offset, stride-0 expanded) inputs, in float32 and float64. The same cases run in headless
 * Chromium on gpu.js's WebGL2 (packages/cli/src/gpujs-webgl2.browser.test.ts).
 *
 * Tolerances (see conformance.ts for the rule): the cpu backend accumulates in JS doubles: 1e-6
 * in float32, 1e-12 in float64. The gpu.js backend (when gpu.js is installed; modes 'cpu' and
 * 'webasm') keeps TOL 1e-6 / 1e-12 but has ACC_TOL 1e-5 in float32: webasm and GL accumulate in
 * float32, an error bound of n·2^-24·Σ|terms| for n terms (up to 120 here). Its float64 runs
 * through the delegated cpu kernels (1e-12). Its 'cpu' mode is also checked bit-exact against
 * the cpu backend in gpujs/gpujs.test.ts. The wasm backend (WebAssembly SIMD, when the runtime
 * validates its module) sums float32 products in float32 (error up to K·2^-24·Σ|terms|, K <= 33
 * here): ACC_TOL 1e-5 in float32; float64 and every kernel but matmul are the cpu backend's
 * (1e-6 / 1e-12). wasm/wasm.test.ts checks its gemm on larger, odd and strided shapes against
 * the cpu backend.
 */
import { describe, it } from 'vitest';
import type { Backend } from './backend.js';
import { cpuBackend } from './cpu/index.js';
import { createParallelCpuBackend } from './parallel/index.js';
import { createWasmBackend, wasmSimdSupported } from './wasm/index.js';
import { CONFORMANCE_CASES, DTYPES, type Tolerances } from './test-utils/conformance.js';
import { gpuJsBackends } from './test-utils/gpujs.js';

/** Every available backend with its tolerance. Add another with one line. */
const backends: (Tolerances & { be: Backend })[] = [
  { be: cpuBackend, TOL: { float32: 1e-6, float64: 1e-12 } },
  // minMacs 0: every product here goes through the workers (workers are unref'd: no close needed)
  { be: createParallelCpuBackend({ threads: 2, minMacs: 0 }), TOL: { float32: 1e-6, float64: 1e-12 } },
  ...(wasmSimdSupported() ? [{ be: await createWasmBackend(), TOL: { float32: 1e-6, float64: 1e-12 }, ACC_TOL: { float32: 1e-5, float64: 1e-12 } }] : []),
  ...(await gpuJsBackends()).map((be) => ({ be, TOL: { float32: 1e-6, float64: 1e-12 }, ACC_TOL: { float32: 1e-5, float64: 1e-12 } })),
];

for (const spec of backends) {
  describe(`backend ${spec.be.name}`, () => {
    for (const dtype of DTYPES) {
      describe(dtype, () => {
        it.each(CONFORMANCE_CASES.map((c) => [c.title, c] as const))('%s', (_title, c) => {
          c.run(spec.be, dtype, spec);
        });
      });
    }
  });
}
