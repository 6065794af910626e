/** The parallel cpu backend: bitwise equal to the cpu backend, workers started, reused and ended. */
import { Script } from 'node:vm';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { gemmABt } from '../cpu/gemm.js';
import { cpuBackend } from '../cpu/index.js';
import { NDArray, type DType } from '../ndarray.js';
import { Rng } from '../rng.js';
import { createParallelCpuBackend, type ParallelBackend } from './index.js';
import { runRowGroups, workerSource } from './kernel.js';

const opened: ParallelBackend[] = [];
/** A backend whose workers are up: a product after which the workers had run a chunk. */
async function open(threads: number): Promise<ParallelBackend> {
  const be = createParallelCpuBackend({ threads, minMacs: 0 });
  opened.push(be);
  const [a, b] = [NDArray.full([64, 64], 1), NDArray.full([64, 64], 1)];
  await vi.waitFor(() => {
    be.matmul(a, b);
    expect(be.stats().byWorkers).toBeGreaterThan(0);
  }, { timeout: 20_000, interval: 20 });
  return be;
}
afterAll(() => opened.forEach((be) => be.close()));

function random(shape: number[], dtype: DType, rng: Rng): NDArray {
  const x = NDArray.zeros(shape, dtype);
  for (let i = 0; i < x.size; i++) x.data[i] = rng.uniform(-2, 2);
  return x;
}

/** Bitwise: every element the same float, NaN and -0 included. */
function expectSameBits(got: NDArray, want: NDArray, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  expect(got.dtype, what).toBe(want.dtype);
  const bad = Array.from(want.data).findIndex((v, i) => !Object.is(v, got.data[i]));
  expect(bad, `${what}: first differing element`).toBe(-1);
}

/** (batch, M, K, N): odd sizes around the 4-row groups, a single group, batched, and teacher-like shapes. */
const SHAPES: [number[], number, number, number][] = [
  [[], 1, 3, 5], [[], 4, 7, 9], [[], 5, 13, 3], [[], 9, 1, 17], [[], 33, 65, 31], [[], 127, 101, 67],
  [[3], 5, 11, 7], [[2], 9, 17, 6], [[2, 3], 7, 5, 13], [[4], 1, 8, 8], [[], 32, 64, 192], [[], 192, 320, 64],
];

describe('parallel cpu backend', () => {
  it('the worker script parses, and runRowGroups over all groups is gemmABt', () => {
    expect(() => new Script(workerSource())).not.toThrow(); // compiles, without running
    const rng = new Rng(1);
    const [a, bt] = [random([2, 9, 7], 'float32', rng), random([2, 5, 7], 'float32', rng)];
    const [c1, c2] = [new Float32Array(90), new Float32Array(90)];
    runRowGroups(gemmABt, a.data, bt.data, c1, 9, 5, 7, 0, 3);
    runRowGroups(gemmABt, a.data, bt.data, c1, 9, 5, 7, 3, 6);
    for (let t = 0; t < 2; t++) gemmABt(a.data, t * 63, bt.data, t * 35, c2, t * 45, 9, 5, 7);
    expect(c1).toEqual(c2);
  });

  for (const threads of [2, 3]) {
    it.each(['float32', 'float64'] as const)(`equals the cpu backend bitwise, ${threads} threads, %s`, async (dtype) => {
      const be = await open(threads);
      const before = be.stats();
      const rng = new Rng(2);
      for (const [batch, M, K, N] of SHAPES) {
        const a = random([...batch, M, K], dtype, rng);
        const b = random([...batch, K, N], dtype, rng);
        const what = `[${batch.join(',')}] ${M}x${K}x${N}`;
        expectSameBits(be.matmul(a, b), cpuBackend.matmul(a, b), what);
        // strided operands: the transposes the matmul backward passes
        const at = random([...batch, K, M], dtype, rng).transpose(-2, -1);
        const bt = random([...batch, N, K], dtype, rng).transpose(-2, -1);
        expectSameBits(be.matmul(at, bt), cpuBackend.matmul(at, bt), `${what} transposed`);
      }
      expect(be.liveWorkers()).toBe(threads - 1);
      const st = be.stats();
      const multiGroup = SHAPES.filter(([batch, M]) => batch.reduce((p, d) => p * d, 1) * Math.ceil(M / 4) >= 2);
      expect(st.products - before.products, 'products of two or more row groups go parallel').toBe(multiGroup.length * 2);
      expect(st.byWorkers).toBeLessThanOrEqual(st.chunks);
    });
  }

  it('many calls in a row: growing and shrinking sizes, both dtypes, interleaved with another backend', async () => {
    const [be, other] = [await open(2), await open(2)];
    const before = be.stats().byWorkers;
    const rng = new Rng(3);
    for (let i = 0; i < 300; i++) {
      const [M, K, N] = [1 + rng.int(70), 1 + rng.int(90), 1 + rng.int(50)];
      const batch = rng.int(3) === 0 ? [1 + rng.int(3)] : [];
      const dtype = rng.int(2) === 0 ? 'float32' : 'float64';
      const a = random([...batch, M, K], dtype, rng);
      const b = random([...batch, K, N], dtype, rng);
      const want = cpuBackend.matmul(a, b);
      expectSameBits(be.matmul(a, b), want, `call ${i}`);
      if (i % 7 === 0) expectSameBits(other.matmul(a, b), want, `other, call ${i}`);
    }
    expect(be.stats().byWorkers - before, 'the workers ran some of these chunks').toBeGreaterThan(0);
  });

  it('small products stay on the calling thread; threads 1 starts no worker', () => {
    const rng = new Rng(4);
    const [a, b] = [random([8, 8], 'float32', rng), random([8, 8], 'float32', rng)];
    const lazy = createParallelCpuBackend({ threads: 2 });
    opened.push(lazy);
    expectSameBits(lazy.matmul(a, b), cpuBackend.matmul(a, b), 'small');
    expect(lazy.liveWorkers()).toBe(0);
    const one = createParallelCpuBackend({ threads: 1, minMacs: 0 });
    const [x, y] = [random([64, 64], 'float64', rng), random([64, 64], 'float64', rng)];
    expectSameBits(one.matmul(x, y), cpuBackend.matmul(x, y), 'threads 1');
    expect(one.liveWorkers()).toBe(0);
    expect(() => createParallelCpuBackend({ threads: 0 })).toThrow(/positive integer/);
  });

  it('close() ends the workers; a later product starts new ones', async () => {
    const be = await open(3);
    const rng = new Rng(5);
    const [a, b] = [random([40, 30], 'float32', rng), random([30, 20], 'float32', rng)];
    be.matmul(a, b);
    expect(be.liveWorkers()).toBe(2);
    be.close();
    await vi.waitFor(() => expect(be.liveWorkers()).toBe(0), { timeout: 5000 });
    expectSameBits(be.matmul(a, b), cpuBackend.matmul(a, b), 'after close');
    expect(be.liveWorkers()).toBe(2);
    be.close();
    await vi.waitFor(() => expect(be.liveWorkers()).toBe(0), { timeout: 5000 });
  });
});
