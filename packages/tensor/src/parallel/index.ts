/**
 * The cpu backend with `matmul` split across worker threads. Every other kernel is the cpu
 * backend's own: im2col, col2im and the elementwise ops are memory-bound, and a worker can only
 * read shared memory, so splitting one would mean copying its input into shared memory and its
 * output back out: about the same memory traffic as doing the whole kernel on one thread.
 *
 * A product C = A·B (batched) is copied into shared scratch memory as packed A and packed Bᵀ,
 * its batch·M output rows are cut into chunks at multiples of four rows (see kernel.ts: this
 * keeps the result bitwise equal to the cpu backend), the calling thread and the workers claim
 * and compute chunks until none is left, and C is copied out into a fresh array.
 * Products under `minMacs` multiply-adds run on the calling thread alone: waking a worker and
 * the extra copies cost more than they save there.
 *
 * Why worker code is built from source text: the worker runs `gemmABt`, and a worker needs a
 * script file or a string. A file beside this module (`new URL('./worker.js', import.meta.url)`)
 * exists only in the built dist/, not when tests run the TypeScript sources, and could not
 * import the .ts kernel. Instead the worker script is the kernel's own functions' `toString()`
 * (they reference nothing outside themselves), started with `eval: true`: one copy of the
 * loops, and the same code in dist/ and under vitest.
 */
import type { Backend } from '../backend.js';
import { cpuBackend } from '../cpu/index.js';
import { matmulDims, matmulKernel } from '../cpu/matmul.js';
import { allocate, copyStrided, NDArray, type TypedArray } from '../ndarray.js';
import { groupsPerItem } from './kernel.js';
import { WorkerPool } from './pool.js';

export interface ParallelOptions {
  /** Threads in all, the calling one included (default 2; 1 runs everything on the caller). */
  threads?: number;
  /** Products with fewer multiply-adds run single-threaded (default `DEFAULT_MIN_MACS`). */
  minMacs?: number;
  /** Busy-wait iterations (about 5.5 ns each here) before a thread sleeps on a futex (default `DEFAULT_SPIN`). */
  spin?: number;
}

export interface ParallelBackend extends Backend {
  readonly threads: number;
  /** Terminate the workers (a later large product starts new ones). */
  close(): void;
  /** Worker threads started and not yet exited. */
  liveWorkers(): number;
  /** Products run in parallel so far, their chunks, and how many chunks the workers ran. */
  stats(): { products: number; chunks: number; byWorkers: number };
}

/**
 * Below this many multiply-adds a product stays on one thread. Measured on this 2-core machine
 * (shared with other jobs, load 3-5): for 32×64·64×N, two threads were 0.8x at 98k MACs, 1.1x
 * at 197k and 1.2x at 393k (the copies into shared memory and the wake-up cost some tens of µs,
 * and a busy machine often has no core free for the worker at that moment).
 */
export const DEFAULT_MIN_MACS = 150_000;

/**
 * About 45 µs of busy-waiting before sleeping: a GRU step issues a product every 200-300 µs with
 * elementwise work between, and catching the next one without a futex wake-up (tens of µs) is
 * worth a little CPU. Measured here (teacher forward+backward, 40 steps, low load): matmul time
 * 31-32 ms a step with 2,000 iterations, 30-31 with 8,000 or 20,000 (single thread: 43 ms).
 */
export const DEFAULT_SPIN = 8000;

/**
 * @example
 * const be = createParallelCpuBackend({ threads: 2 });
 * useBackend(be); // from @kws/autograd
 * // ... train ...
 * be.close();
 */
export function createParallelCpuBackend(opts: ParallelOptions = {}): ParallelBackend {
  const threads = opts.threads ?? 2;
  if (!Number.isSafeInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  const minMacs = opts.minMacs ?? DEFAULT_MIN_MACS;
  const pool = new WorkerPool(threads, opts.spin ?? DEFAULT_SPIN);
  return {
    ...cpuBackend,
    name: `cpu-parallel-${threads}`,
    threads,
    matmul: (a, b) => parallelMatmul(pool, minMacs, a, b),
    close: () => pool.close(),
    liveWorkers: () => pool.live,
    stats: () => ({ ...pool.stats }),
  };
}

/** Copy `x` (any strides) into `dst` in row-major order: a block copy when it is contiguous. */
function packInto(x: NDArray, dst: TypedArray): void {
  if (x.isContiguous()) dst.set(x.data.subarray(x.offset, x.offset + x.size));
  else copyStrided(x, dst);
}

function parallelMatmul(pool: WorkerPool, minMacs: number, a: NDArray, b: NDArray): NDArray {
  const { M, K, N, batch, batchShape } = matmulDims(a, b);
  const groups = batch * groupsPerItem(M);
  const macs = batch * M * N * K;
  if (pool.size < 2 || a.dtype !== b.dtype || macs === 0 || macs < minMacs || groups < 2) return matmulKernel(a, b);
  const f64 = a.dtype === 'float64';
  const bytes = f64 ? 8 : 4;
  const s = pool.reserve(a.size * bytes, b.size * bytes, batch * M * N * bytes);
  const view = (buf: SharedArrayBuffer, n: number): TypedArray => (f64 ? new Float64Array(buf, 0, n) : new Float32Array(buf, 0, n));
  const [av, bv, cv] = [view(s.a, a.size), view(s.b, b.size), view(s.c, batch * M * N)];
  packInto(a, av);
  packInto(b.transpose(-2, -1), bv);
  pool.run(M, N, K, f64, groups, [av, bv, cv]);
  const out = allocate(a.dtype, cv.length);
  out.set(cv);
  return new NDArray(out, [...batchShape, M, N]);
}
