/**
 * The WebAssembly SIMD backend: the cpu backend with float32 `matmul` and `im2col` run by kernels emitted
 * at run time (kernels.ts, written by emit.ts) and instantiated with WebAssembly.instantiate,
 * in Node and in browsers alike (no file, no fetch, no native code). float64 and every other
 * kernel are the cpu backend's own.
 *
 * Each product copies its operands into the module's memory (one block copy when an operand is
 * row-major or a transposed view of row-major storage; a strided pack otherwise, which also
 * replaces the transpose copy the cpu kernel makes), runs the kernel, and copies C out.
 * Memory layout per product, in floats: [A region | B region | C region], each rounded up to
 * four floats and with room for the kernel's junk rows and columns (see kernels.ts).
 */
import type { Backend, ConvGeometry } from '../backend.js';
import { cpuBackend } from '../cpu/index.js';
import { im2colKernel, matmulDims, matmulKernel } from '../cpu/matmul.js';
import { NDArray } from '../ndarray.js';
import { convOutSize } from '../shape.js';
import { moduleBytes } from './emit.js';
import { gemmFunction, im2colFunction } from './kernels.js';

type Im2colFn = (...args: number[]) => void;
type GemmFn = (pA: number, rsA: number, csA: number, pB: number, rsB: number, pC: number, ldc: number, M: number, N: number, K: number) => void;

export interface WasmBackend extends Backend {
  /** Bytes of the module's memory (it grows to the largest product seen). */
  memoryBytes(): number;
}

/** The emitted module's bytes (exported for tests and for inspection, e.g. `wasm-objdump`). */
export function wasmModuleBytes(): Uint8Array {
  return moduleBytes([gemmFunction(), im2colFunction()]);
}

/** Whether this runtime validates the module (WebAssembly with fixed-width SIMD). */
export function wasmSimdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(wasmModuleBytes());
}

const round4 = (n: number): number => (n + 3) & ~3;

class Arena {
  f32: Float32Array;
  constructor(readonly memory: WebAssembly.Memory) {
    this.f32 = new Float32Array(memory.buffer);
  }
  /** Make room for `floats` floats from address 0. */
  ensure(floats: number): void {
    const need = floats * 4 - this.memory.buffer.byteLength;
    if (need > 0) {
      this.memory.grow(Math.ceil(need / 65536));
      this.f32 = new Float32Array(this.memory.buffer);
    }
  }
}

/** A 2-D operand: element (r, c) at data[off + r·sr + c·sc]. */
interface Mat {
  data: Float32Array;
  off: number;
  sr: number;
  sc: number;
}

/** Whether an R×C operand is row-major, so one block copy places it. */
const isRowMajor = (m: Mat, R: number, C: number): boolean => (C === 1 || m.sc === 1) && (R === 1 || m.sr === C);

/** Offsets of each batch item of x (..., R, C), batch dims in row-major order. */
function batchOffsets(x: NDArray, batch: number): number[] {
  const nb = x.ndim - 2;
  const out: number[] = [];
  const idx = new Array<number>(nb).fill(0);
  for (let t = 0; t < batch; t++) {
    let o = x.offset;
    for (let d = 0; d < nb; d++) o += idx[d] * x.strides[d];
    out.push(o);
    for (let d = nb - 1; d >= 0 && ++idx[d] === x.shape[d]; d--) idx[d] = 0;
  }
  return out;
}

/**
 * Put A (M×K) at float address `at`; returns its (row, column) strides in floats. Row-major and
 * column-major (a transposed view) are one block copy; anything else is packed row-major.
 */
function placeA(f: Float32Array, at: number, a: Mat, M: number, K: number): [number, number] {
  const rowMajor = isRowMajor(a, M, K);
  const colMajor = isRowMajor({ ...a, sr: a.sc, sc: a.sr }, K, M);
  if (rowMajor || colMajor) {
    f.set(a.data.subarray(a.off, a.off + M * K), at);
    return rowMajor ? [K, 1] : [1, M];
  }
  packRows(f, at, a, M, K);
  return [K, 1];
}

/** Row-major copy of a strided R×C matrix into f at `at`. */
function packRows(f: Float32Array, at: number, m: Mat, R: number, C: number): void {
  const { data, sr, sc } = m;
  for (let r = 0, o = at; r < R; r++) {
    for (let c = 0, p = m.off + r * sr; c < C; c++, p += sc) f[o++] = data[p];
  }
}

/** C (M×N) = A·B for one batch item, by the kernel: operands placed, product run, C copied to `out`. */
interface Product {
  a: Mat;
  b: Mat;
  M: number;
  N: number;
  K: number;
}

/**
 * A few rows times a B that is not row-major (x·Wᵀ at batch 1: a GRU step, a Linear) would need
 * B packed, K·N floats, for only M·K·N multiply-adds. When packing Aᵀ and turning the result
 * around costs less (M·(K + N) < K·N), compute Cᵀ = Bᵀ·Aᵀ instead: Bᵀ goes in as A (any strides),
 * Aᵀ (K×M) as B, and Cᵀ (N×M) is copied out transposed (for M = 1 it has C's layout already).
 */
function oriented(p: Product): Product & { transposed: boolean } {
  if (isRowMajor(p.b, p.K, p.N) || p.M * (p.K + p.N) >= p.K * p.N) return { ...p, transposed: false };
  const t = (m: Mat): Mat => ({ data: m.data, off: m.off, sr: m.sc, sc: m.sr });
  return { a: t(p.b), b: t(p.a), M: p.N, N: p.M, K: p.K, transposed: p.M > 1 };
}

function runProduct(arena: Arena, gemm: GemmFn, p: Product & { transposed: boolean }, out: Float32Array, at: number): void {
  const { M, N, K } = p;
  const Mp = round4(M);
  const Np = (N + 7) & ~7;
  // A: up to Mp rows read (col-major: K·M + 3); B: K rows with an 8-column overhang; C: Mp rows.
  const aAt = 0, bAt = round4(Math.max(Mp * K, K * M + 4)), cAt = bAt + round4(K * N + Np);
  arena.ensure(cAt + Mp * N + Np);
  const f = arena.f32;
  const [rs, cs] = placeA(f, aAt, p.a, M, K);
  f.fill(0, aAt + M * K, bAt); // junk rows read as zeros (no denormal or NaN slow paths)
  if (isRowMajor(p.b, K, N)) f.set(p.b.data.subarray(p.b.off, p.b.off + K * N), bAt);
  else packRows(f, bAt, p.b, K, N);
  f.fill(0, bAt + K * N, cAt);
  gemm(aAt * 4, rs * 4, cs * 4, bAt * 4, N * 4, cAt * 4, N * 4, M, N, K);
  if (!p.transposed) out.set(f.subarray(cAt, cAt + M * N), at);
  else packRows(out, at, { data: f, off: cAt, sr: 1, sc: N }, N, M); // out (N×M here = C) from Cᵀ
}

function wasmMatmul(arena: Arena, gemm: GemmFn, a: NDArray, b: NDArray): NDArray {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return matmulKernel(a, b);
  const { M, K, N, batch, batchShape } = matmulDims(a, b);
  const out = new Float32Array(batch * M * N);
  if (out.length === 0 || K === 0) return new NDArray(out, [...batchShape, M, N]);
  const [aOffs, bOffs] = [batchOffsets(a, batch), batchOffsets(b, batch)];
  const [sa, sb] = [a.strides.slice(-2), b.strides.slice(-2)];
  for (let t = 0; t < batch; t++) {
    const am: Mat = { data: a.data as Float32Array, off: aOffs[t], sr: sa[0], sc: sa[1] };
    const bm: Mat = { data: b.data as Float32Array, off: bOffs[t], sr: sb[0], sc: sb[1] };
    runProduct(arena, gemm, oriented({ a: am, b: bm, M, N, K }), out, t * M * N);
  }
  return new NDArray(out, [...batchShape, M, N]);
}

/** im2col of float32 x in the module: x in at address 0, the rows out after it (zeroed first only with padding). */
function wasmIm2col(arena: Arena, fn: Im2colFn, x: NDArray, g: ConvGeometry): NDArray {
  if (x.dtype !== 'float32') return im2colKernel(x, g);
  const [B, C, H, W] = x.shape;
  const Ho = convOutSize(H, g.kh, g.sh, g.ph);
  const Wo = convOutSize(W, g.kw, g.sw, g.pw);
  const n = B * Ho * Wo * C * g.kh * g.kw;
  const outAt = round4(x.size);
  arena.ensure(outAt + n);
  const f = arena.f32;
  const xs = x.isContiguous() ? x : x.contiguous();
  f.set(xs.data.subarray(xs.offset, xs.offset + x.size), 0);
  if (g.ph > 0 || g.pw > 0) f.fill(0, outAt, outAt + n);
  fn(0, outAt * 4, B, C, H, W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, Ho, Wo);
  return new NDArray(f.slice(outAt, outAt + n), [B * Ho * Wo, C * g.kh * g.kw]);
}

/**
 * @example
 * const be = await createWasmBackend();
 * useBackend(be); // from @kws/autograd
 */
export async function createWasmBackend(): Promise<WasmBackend> {
  const memory = new WebAssembly.Memory({ initial: 16 });
  const { instance } = await WebAssembly.instantiate(wasmModuleBytes(), { env: { memory } });
  const gemm = instance.exports.gemm as GemmFn;
  const im2col = instance.exports.im2col as Im2colFn;
  const arena = new Arena(memory);
  return {
    ...cpuBackend,
    name: 'wasm',
    matmul: (a, b) => wasmMatmul(arena, gemm, a, b),
    im2col: (x, g) => wasmIm2col(arena, im2col, x, g),
    memoryBytes: () => memory.buffer.byteLength,
  };
}
