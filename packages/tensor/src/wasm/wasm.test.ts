/**
 * The wasm backend's gemm (and im2col, which must be exact) against the cpu backend (which sums in doubles) on the shapes the
 * kernel's 4×8 block handles specially: sizes not multiples of 4 or 8, M or N below the block,
 * long K, batches, transposed, sliced and broadcast operands, and the model's own products.
 * Tolerance: float32 summation of K products errs by at most about K·2⁻²⁴·Σ|terms|, so each
 * element must be within 2·K·2⁻²⁴·Σ|a_ik·b_kj| (+ one float32 rounding of the result) of the
 * double-precision sum.
 */
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../cpu/index.js';
import { NDArray } from '../ndarray.js';
import { Rng } from '../rng.js';
import { sleb, uleb } from './emit.js';
import { createWasmBackend, wasmModuleBytes, wasmSimdSupported } from './index.js';

const rng = new Rng(5);
function rand(shape: number[]): NDArray {
  const x = NDArray.zeros(shape, 'float32');
  for (let i = 0; i < x.size; i++) x.data[i] = rng.uniform(-1, 1);
  return x;
}

/** Σ|a_ik·b_kj| for every output element, in doubles, via the cpu backend on |a| and |b|. */
function absProducts(a: NDArray, b: NDArray): Float32Array | Float64Array {
  const abs = (x: NDArray): NDArray => {
    const c = x.clone();
    c.data.forEach((v, i) => (c.data[i] = Math.abs(v)));
    return c;
  };
  return cpuBackend.matmul(abs(a), abs(b)).data;
}

function expectGemmClose(a: NDArray, b: NDArray, got: NDArray, what: string): void {
  const want = cpuBackend.matmul(a, b);
  expect(got.shape, what).toEqual(want.shape);
  const K = a.shape[a.ndim - 1];
  const scale = absProducts(a, b);
  for (let i = 0; i < want.size; i++) {
    const bound = 2 * K * 2 ** -24 * scale[i] + 2 ** -24 * Math.abs(want.data[i]);
    if (!(Math.abs(got.data[i] - want.data[i]) <= bound)) expect.fail(`${what}: element ${i} is ${got.data[i]}, expected ${want.data[i]} ± ${bound}`);
  }
}

describe.runIf(wasmSimdSupported())('wasm backend gemm and im2col', async () => {
  const be = await createWasmBackend();

  it('the emitted module validates, and LEB128 encodes as the spec says', () => {
    expect(WebAssembly.validate(wasmModuleBytes())).toBe(true);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
  });

  // (M, K, N): below the block, ragged on every side, long K, and the teacher's products; M = 1
  // or a few rows with a non-row-major B run transposed (Cᵀ = Bᵀ·Aᵀ)
  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 37, 13], [1, 64, 192], [3, 64, 192], [11, 144, 192], [2, 3, 5], [7, 13, 9], [13, 1, 31], [4, 8, 8], [9, 300, 17], [33, 65, 66],
    [128, 64, 192], [8, 2000, 100], [257, 144, 66],
  ];
  it.each(shapes)('M=%i K=%i N=%i, every layout of A and B', (M, K, N) => {
    const as = { packed: rand([M, K]), transposed: rand([K, M]).transpose(), sliced: rand([M + 2, 2 * K]).slice(0, 1, M + 1).slice(1, 0, 2 * K, 2) };
    const bs = { packed: rand([K, N]), transposed: rand([N, K]).transpose(), sliced: rand([2 * K, N + 3]).slice(0, 0, 2 * K, 2).slice(1, 2, N + 2) };
    for (const [na, a] of Object.entries(as)) {
      for (const [nb, b] of Object.entries(bs)) expectGemmClose(a, b, be.matmul(a, b), `${na}/${nb} ${M}x${K}x${N}`);
    }
  });

  it('batched, with a broadcast (stride-0) batch operand and a permuted one', () => {
    const a = rand([3, 2, 11, 19]);
    const b = rand([1, 2, 19, 6]).expand([3, 2, 19, 6]);
    expectGemmClose(a, b, be.matmul(a, b), 'broadcast B');
    const ap = rand([19, 11, 2, 3]).permute([3, 2, 1, 0]);
    expectGemmClose(ap, b, be.matmul(ap, b), 'permuted A');
  });

  it('is deterministic, leaves its inputs alone and keeps float64 in doubles (the cpu kernel)', () => {
    const a = rand([37, 29]);
    const b = rand([29, 23]);
    const [a0, b0] = [a.clone(), b.clone()];
    const first = be.matmul(a, b);
    rand([500, 300]); // another product in between reuses the module's memory
    be.matmul(rand([200, 300]), rand([300, 40]));
    expect(Array.from(be.matmul(a, b).data)).toEqual(Array.from(first.data));
    expect(Array.from(a.data)).toEqual(Array.from(a0.data));
    expect(Array.from(b.data)).toEqual(Array.from(b0.data));
    const [a64, b64] = [a.astype('float64'), b.astype('float64')];
    expect(Array.from(be.matmul(a64, b64).data)).toEqual(Array.from(cpuBackend.matmul(a64, b64).data));
  });

  it('im2col equals the cpu kernel exactly: the teacher conv, padding, stride above the kernel, a permuted input', () => {
    const cases: [number[], { kh: number; kw: number; sh: number; sw: number; ph: number; pw: number }][] = [
      [[3, 1, 40, 101], { kh: 5, kw: 20, sh: 2, sw: 8, ph: 0, pw: 0 }],
      [[2, 3, 9, 13], { kh: 3, kw: 7, sh: 1, sw: 2, ph: 2, pw: 3 }],
      [[2, 2, 6, 5], { kh: 2, kw: 2, sh: 3, sw: 3, ph: 1, pw: 1 }],
    ];
    for (const [shape, g] of cases) {
      const x = rand(shape);
      expect(Array.from(be.im2col(x, g).data)).toEqual(Array.from(cpuBackend.im2col(x, g).data));
    }
    const xp = rand([13, 9, 3, 2]).permute([3, 2, 1, 0]);
    const g = cases[1][1];
    expect(Array.from(be.im2col(xp, g).data)).toEqual(Array.from(cpuBackend.im2col(xp, g).data));
  });

  it('K = 0 gives zeros and empty shapes give empty results', () => {
    expect(Array.from(be.matmul(rand([3, 0]), rand([0, 5])).data)).toEqual(new Array(15).fill(0));
    expect(be.matmul(rand([0, 4]), rand([4, 5])).shape).toEqual([0, 5]);
  });
});
