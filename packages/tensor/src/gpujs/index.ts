/**
 * The optional gpu.js backend: the same `Backend` table as `cpuBackend`, with its heavy kernels
 * compiled by gpu.js (to GLSL on a GPU, WebAssembly, or JS in 'cpu' mode).
 *
 * On gpu.js: unary, binary, where, sum, matmul (batched), im2col, col2im.
 * Delegated to the cpu kernels, and why:
 *   - max: it must propagate NaN, which GLSL comparisons do not guarantee; it only runs on
 *     logits (the softmax shift), so it is cheap anyway.
 *   - gatherLast, scatterAddLast: they take Int32Array indices (gpu.js arguments are floats)
 *     and validate them; one value per row, no arithmetic worth a kernel.
 *   - copy: a strided copy is exactly the host-side packing every gpu.js kernel needs first.
 *   - float64 inputs (gpu.js computes in float32 only), empty arrays (gpu.js needs an output
 *     size of at least 1) and arrays over 2^24 elements (see sources.ts): any kernel.
 * gpu.js is loaded by a dynamic import inside `createGpuJsBackend`, so importing @kws/tensor
 * never loads it, and nothing registers itself: the caller passes the backend in.
 */
import { BINARY_OPS, UNARY_OPS, type Backend, type BinaryOp, type UnaryOp } from '../backend.js';
import { cpuBackend } from '../cpu/index.js';
import type { NDArray } from '../ndarray.js';
import { KernelCache } from './cache.js';
import { binaryKernel, col2imKernel, im2colKernel, matmulKernel, sumKernel, unaryKernel, whereKernel } from './kernels.js';
import { loadGpuJs, openGpu, parseGpuJsMode, type Importer } from './load.js';
import type { GpuJsMode } from './types.js';

export { GpuJsMissingError } from './load.js';
export { GPUJS_MODES, type GpuJsMode } from './types.js';

export interface GpuJsBackend extends Backend {
  /** The mode gpu.js actually runs: 'cpu', 'webasm', 'headlessgl', 'webgl' or 'webgl2'. */
  readonly mode: string;
  /** How many kernels have been compiled so far (one per op and shape). */
  compiledKernels(): number;
  /** How many compiled kernels really run on each backend (see KernelCache.modes): { webgl2: n } when nothing fell back. */
  kernelModes(): Record<string, number>;
  /** Free the compiled kernels and the gpu.js instance; the backend must not be used afterwards. */
  dispose(): void;
}

type UnaryTable = { [K in UnaryOp]: (x: NDArray) => NDArray };
type BinaryTable = { [K in BinaryOp]: (a: NDArray, b: NDArray) => NDArray };

function tables(cache: KernelCache): { unary: UnaryTable; binary: BinaryTable } {
  const unary = Object.fromEntries(
    UNARY_OPS.map((op) => [op, (x: NDArray) => unaryKernel(cache, op, x) ?? cpuBackend.unary[op](x)]),
  ) as UnaryTable;
  const binary = Object.fromEntries(
    BINARY_OPS.map((op) => [op, (a: NDArray, b: NDArray) => binaryKernel(cache, op, a, b) ?? cpuBackend.binary[op](a, b)]),
  ) as BinaryTable;
  return { unary, binary };
}

function gpuJsBackend(cache: KernelCache, mode: string): GpuJsBackend {
  return {
    name: `gpujs-${mode}`,
    mode,
    compiledKernels: () => cache.size,
    kernelModes: () => cache.modes(),
    dispose: () => cache.dispose(),
    ...tables(cache),
    where: (c, a, b) => whereKernel(cache, c, a, b) ?? cpuBackend.where(c, a, b),
    sum: (x, axes) => sumKernel(cache, x, axes) ?? cpuBackend.sum(x, axes),
    max: (x, axes) => cpuBackend.max(x, axes),
    matmul: (a, b) => matmulKernel(cache, a, b) ?? cpuBackend.matmul(a, b),
    im2col: (x, g) => im2colKernel(cache, x, g) ?? cpuBackend.im2col(x, g),
    col2im: (cols, shape, g) => col2imKernel(cache, cols, shape, g) ?? cpuBackend.col2im(cols, shape, g),
    gatherLast: (x, index) => cpuBackend.gatherLast(x, index),
    scatterAddLast: (g, index, shape) => cpuBackend.scatterAddLast(g, index, shape),
    copy: (x) => cpuBackend.copy(x),
  };
}

/**
 * Load gpu.js and build a backend on it. `mode` defaults to 'gpu' (gpu.js picks the best it
 * finds: a GL context, else WebAssembly). `importer` replaces the dynamic import of 'gpu.js' (a
 * page hands over the `GPU` global of gpu.js's browser build). Throws `GpuJsMissingError` when gpu.js is not installed.
 * float32 only on gpu.js; float64 arrays go through the cpu kernels.
 *
 * @example
 * const be = await createGpuJsBackend({ mode: 'webasm' });
 * const loss = withBackend(be, () => lossOf(model, batch)); // @kws/autograd
 */
export async function createGpuJsBackend(opts: { mode?: GpuJsMode; importer?: Importer } = {}): Promise<GpuJsBackend> {
  const mode = parseGpuJsMode(opts.mode ?? 'gpu');
  const lib = await loadGpuJs(opts.importer);
  const { gpu, resolved } = openGpu(lib, mode);
  return gpuJsBackend(new KernelCache(gpu), resolved);
}
