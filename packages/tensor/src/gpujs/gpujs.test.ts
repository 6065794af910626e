/**
 * What the conformance suite does not cover for the gpu.js backend: loading (a missing install is
 * a clear error), bit-exactness of gpu.js's 'cpu' mode against the cpu backend, the kernel cache,
 * and the float64 delegation. The kernels themselves are checked in conformance.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { BINARY_OPS, UNARY_OPS } from '../backend.js';
import { cpuBackend } from '../cpu/index.js';
import { NDArray, type DType } from '../ndarray.js';
import { Rng } from '../rng.js';
import { optionalGpuJs } from '../test-utils/gpujs.js';
import { createGpuJsBackend } from './index.js';
import { GpuJsMissingError, INSTALL_HINT, loadGpuJs, parseGpuJsMode } from './load.js';

function random(shape: number[], rng: Rng, dtype: DType = 'float32', lo = -3, hi = 3): NDArray {
  const x = NDArray.zeros(shape, dtype);
  for (let i = 0; i < x.size; i++) x.data[i] = rng.uniform(lo, hi);
  return x;
}

describe('loading gpu.js', () => {
  it('a missing install is a GpuJsMissingError that says how to install it', async () => {
    const missing = Object.assign(new Error("Cannot find package 'gpu.js'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const err: unknown = await loadGpuJs(() => Promise.reject(missing)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GpuJsMissingError);
    expect((err as Error).message).toContain(INSTALL_HINT);
    expect((err as Error).message).toContain('npm install gpu.js');
  });

  it('other import failures and a module without GPU are not mistaken for a missing install', async () => {
    const broken = new SyntaxError('Unexpected token');
    await expect(loadGpuJs(() => Promise.reject(broken))).rejects.toBe(broken);
    await expect(loadGpuJs(() => Promise.resolve({ default: {} }))).rejects.toThrow(/exports no GPU class/);
  });

  it('finds GPU on the CommonJS default export too', async () => {
    class GPU {}
    const lib = await loadGpuJs(() => Promise.resolve({ default: { GPU } }));
    expect(lib.GPU).toBe(GPU);
  });

  it('rejects modes a synchronous backend cannot use', async () => {
    expect(() => parseGpuJsMode('webgpu')).toThrow(/not one of gpu, cpu, webasm/);
    expect(() => parseGpuJsMode('async')).toThrow(RangeError);
    await expect(createGpuJsBackend({ mode: 'dev' as 'cpu' })).rejects.toThrow(RangeError);
  });
});

const cpuMode = await optionalGpuJs('cpu');
const webasm = await optionalGpuJs('webasm');

describe.skipIf(!cpuMode || !webasm)('gpu.js backend', () => {
  const be = cpuMode!;
  const wasm = webasm!;

  it("'cpu' mode is bit-exact against the cpu backend for every elementwise op and where", () => {
    const rng = new Rng(31);
    const x = random([7, 9], rng, 'float32', 0.1, 3);
    const y = random([7, 9], rng, 'float32', 0.1, 3);
    for (const op of UNARY_OPS) expect(be.unary[op](x).data, op).toEqual(cpuBackend.unary[op](x).data);
    for (const op of BINARY_OPS) expect(be.binary[op](x, y).data, op).toEqual(cpuBackend.binary[op](x, y).data);
    const cond = be.binary.gt(x, y);
    expect(be.where(cond, x, y).data).toEqual(cpuBackend.where(cond, x, y).data);
  });

  it("'cpu' mode sums a last axis bit-exactly (same order, JS doubles)", () => {
    const x = random([6, 50], new Rng(32));
    expect(be.sum(x, [1]).data).toEqual(cpuBackend.sum(x, [1]).data);
  });

  it.each([
    ['cpu', () => be],
    ['webasm', () => wasm],
  ])('%s: compiles once per op and shape, returns fresh arrays, and says where its kernels run', (mode, get) => {
    const b = get();
    const rng = new Rng(33);
    const [p, q] = [random([5, 6], rng), random([6, 4], rng)];
    const first = b.matmul(p, q);
    const n = b.compiledKernels();
    const again = b.matmul(p, q);
    b.matmul(random([5, 6], rng), random([6, 4], rng));
    expect(b.compiledKernels()).toBe(n);
    expect(again.data).not.toBe(first.data);
    expect(again.data).toEqual(first.data);
    b.matmul(random([3, 6], rng), q);
    expect(b.compiledKernels()).toBe(n + 1);
    expect(b.kernelModes()).toEqual({ [mode]: n + 1 }); // read from each kernel gpu.js really runs
  });

  it('float64 goes through the cpu kernels: exact, float64, and nothing compiled', () => {
    const rng = new Rng(34);
    const [a, b] = [random([4, 5], rng, 'float64'), random([5, 3], rng, 'float64')];
    const n = wasm.compiledKernels();
    const out = wasm.matmul(a, b);
    expect(out.dtype).toBe('float64');
    expect(out.data).toEqual(cpuBackend.matmul(a, b).data);
    expect(wasm.unary.tanh(a).data).toEqual(cpuBackend.unary.tanh(a).data);
    expect(wasm.compiledKernels()).toBe(n);
  });

  it("mode 'gpu' resolves to the kernel gpu.js picked", async () => {
    const auto = await createGpuJsBackend();
    expect(['webasm', 'headlessgl', 'webgl', 'webgl2']).toContain(auto.mode);
    expect(auto.name).toBe(`gpujs-${auto.mode}`);
    auto.dispose();
  });

  it("a mode that cannot run here is a clear error (or runs, where it can)", async () => {
    const made = await createGpuJsBackend({ mode: 'webgl2' }).catch((e: unknown) => e);
    if (made instanceof Error) expect(made.message).toMatch(/cannot run mode 'webgl2' here/);
    else expect((made as { mode: string }).mode).toBe('webgl2');
  });
});
