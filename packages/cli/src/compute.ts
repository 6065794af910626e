/**
 * Where the kernels run, chosen on the command line: `--backend wasm` (the default: float32
 * matrix products in WebAssembly SIMD emitted at run time, everything else plain JS; a product
 * is summed in float32 in a fixed order, so a seeded run gives the same bits on every run and
 * every engine, but not the bits of `--backend cpu`), `--backend cpu` (plain JS, products summed
 * in doubles, with matmul split over `--threads` worker threads; results bitwise equal to one
 * thread) or `--backend gpujs` (the optional gpu.js package: float32 kernels, a parity backend
 * rather than a speed-up on a machine without a GPU). The backend is swapped in for one run and
 * restored afterwards.
 */
import { availableParallelism } from 'node:os';
import { currentBackend, useBackend } from '@kws/autograd';
import { createGpuJsBackend, createParallelCpuBackend, createWasmBackend, type Backend } from '@kws/tensor';

export const computeFlags = {
  backend: {
    type: 'string',
    choices: ['wasm', 'cpu', 'gpujs'],
    default: 'wasm',
    help: "where the kernels run: 'wasm' (WebAssembly SIMD matrix products summed in float32, the rest plain JS; 2.3-3.6x 'cpu' on whole training steps in kws-cli bench --train), 'cpu' (plain JS, the reference; sums in doubles), or 'gpujs' (the optional gpu.js package; float32, not faster without a GPU)",
  },
  threads: {
    type: 'int',
    range: 'positive',
    default: Math.min(2, availableParallelism()),
    help: "threads for the matrix products with --backend cpu (1: one thread; at most the number of cores, larger values are capped; results are bitwise the same); 'wasm' and 'gpujs' run on one thread",
  },
} as const;

export interface ComputeChoice {
  backend: string;
  threads: number;
  /** Told when --threads is capped. */
  warn?: (message: string) => void;
}

/**
 * --threads capped at the machine's cores: more threads than cores only add start-up and
 * memory (measured in issue 13: --threads 999 took 45 s and 6.4 GB instead of 0.7 s).
 */
export function capThreads(c: ComputeChoice): number {
  const cores = availableParallelism();
  if (c.threads <= cores) return c.threads;
  c.warn?.(`--threads ${c.threads} capped at ${cores}, the number of cores of this machine`);
  return cores;
}

interface Made {
  be: Backend;
  close: () => void;
}

async function makeBackend(c: ComputeChoice): Promise<Made | undefined> {
  if (c.backend === 'gpujs') {
    const be = await createGpuJsBackend();
    return { be, close: () => be.dispose() };
  }
  if (c.backend === 'wasm') return { be: await createWasmBackend(), close: () => undefined };
  const threads = capThreads(c);
  if (threads < 2) return undefined;
  const be = createParallelCpuBackend({ threads });
  return { be, close: () => be.close() };
}

/** What ran, for the output: `wasm (WebAssembly SIMD), 1 thread`, `cpu, 2 threads`, or `gpujs (gpu.js mode 'cpu': ...)`. */
function describe(c: ComputeChoice, made: Made | undefined): string {
  if (c.backend === 'wasm') return 'wasm (WebAssembly SIMD), 1 thread';
  if (made && 'mode' in made.be) {
    const mode = String(made.be.mode);
    return `gpujs (gpu.js mode '${mode}'${mode === 'cpu' ? ': no GPU found, its kernels ran as JavaScript' : ''})`;
  }
  const threads = made ? Math.min(c.threads, availableParallelism()) : 1;
  return `cpu, ${threads} thread${threads === 1 ? '' : 's'}`;
}

/**
 * Run `fn` on the chosen backend, then restore the previous one and release the new one. `fn`
 * is told what ran (e.g. for `eval`'s output).
 * @example await withCompute({ backend: 'cpu', threads: 2 }, () => trainModel(model, data, cfg, opts));
 */
export async function withCompute<T>(c: ComputeChoice, fn: (ran: string) => Promise<T>): Promise<T> {
  const made = await makeBackend(c);
  const ran = describe(c, made);
  if (!made) return fn(ran);
  const prev = currentBackend();
  useBackend(made.be);
  try {
    return await fn(ran);
  } finally {
    useBackend(prev);
    made.close();
  }
}
