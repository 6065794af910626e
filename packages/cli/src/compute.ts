/**
 * Where the kernels run, chosen on the command line: `--backend cpu` (plain JS, with matmul split
 * over `--threads` worker threads; results bitwise equal to one thread) or `--backend gpujs` (the
 * optional gpu.js package: float32 kernels, a parity backend rather than a speed-up on a machine
 * without a GPU). The backend is swapped in for one run and restored afterwards.
 */
import { availableParallelism } from 'node:os';
import { currentBackend, useBackend } from '@kws/autograd';
import { createGpuJsBackend, createParallelCpuBackend, type Backend } from '@kws/tensor';

export const computeFlags = {
  backend: {
    type: 'string',
    choices: ['cpu', 'gpujs'],
    default: 'cpu',
    help: "where the kernels run: 'cpu' (plain JS), or 'gpujs' (the optional gpu.js package; float32, not faster without a GPU)",
  },
  threads: {
    type: 'int',
    range: 'positive',
    default: Math.min(2, availableParallelism()),
    help: 'threads for the matrix products on the cpu backend (1: one thread); results are bitwise the same',
  },
} as const;

export interface ComputeChoice {
  backend: string;
  threads: number;
}

async function makeBackend(c: ComputeChoice): Promise<{ be: Backend; close: () => void } | undefined> {
  if (c.backend === 'gpujs') {
    const be = await createGpuJsBackend();
    return { be, close: () => be.dispose() };
  }
  if (c.threads < 2) return undefined;
  const be = createParallelCpuBackend({ threads: c.threads });
  return { be, close: () => be.close() };
}

/**
 * Run `fn` on the chosen backend, then restore the previous one and release the new one.
 * @example await withCompute({ backend: 'cpu', threads: 2 }, () => trainModel(model, data, cfg, opts));
 */
export async function withCompute<T>(c: ComputeChoice, fn: () => Promise<T>): Promise<T> {
  const made = await makeBackend(c);
  if (!made) return fn();
  const prev = currentBackend();
  useBackend(made.be);
  try {
    return await fn();
  } finally {
    useBackend(prev);
    made.close();
  }
}
