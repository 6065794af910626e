/**
 * The kernels of the wasm backend, emitted as WebAssembly with f32x4 SIMD.
 *
 * gemm(pA, rsA, csA, pB, rsB, pC, ldc, M, N, K): C = A·B in float32, all pointers and strides
 * in bytes. A[i, k] is at pA + i·rsA + k·csA (any strides: row-major, or a transposed view, come
 * in without a copy); B[k, j] at pB + k·rsB + 4j (contiguous along j, so four columns are one
 * v128 load); C[i, j] is stored at pC + i·ldc + 4j.
 *
 * Register block: 4 rows × 8 columns = eight f32x4 accumulators. Per k, four A values are
 * loaded and splat (v128.load32_splat), two vectors of B row k are loaded, and
 * acc[r][h] += splat(A[i+r, k]) · B[k, j+4h .. j+4h+3]: 16 SIMD arithmetic ops for 6 loads.
 * Accumulation is in float32 (a sum of K products has error at most about K·2⁻²⁴·Σ|terms|).
 *
 * Ragged edges without a scalar tail: the block always computes all 4 rows and 8 columns.
 * Rows past M read whatever lies after A and write after C's M rows (the caller leaves room);
 * columns past N read the next row of B and land, with ldc = 4N, in the first columns of the
 * next row of C. Those are overwritten with the right values because the column blocks run from
 * the last to the first and, within a block, rows are stored in increasing order: every junk
 * store into row i+1 precedes that row's own store of the same columns.
 */
import { Code, I32, op, simd, V128, type FunctionDef } from './emit.js';

const P = { pA: 0, rsA: 1, csA: 2, pB: 3, rsB: 4, pC: 5, ldc: 6, M: 7, N: 8, K: 9 } as const;

export function gemmFunction(): FunctionDef {
  const c = new Code(10);
  const i = c.local(I32), j = c.local(I32), k = c.local(I32), pa = c.local(I32), qb = c.local(I32);
  const r2 = c.local(I32), r3 = c.local(I32), pc = c.local(I32);
  const acc = Array.from({ length: 8 }, () => c.local(V128));
  const b0 = c.local(V128), b1 = c.local(V128), av = c.local(V128);

  // r2 = 2·rsA, r3 = 3·rsA (row offsets of the block's third and fourth A rows)
  c.get(P.rsA).i32(2).emit(op.i32Mul).set(r2);
  c.get(P.rsA).i32(3).emit(op.i32Mul).set(r3);
  c.i32(0).set(i);
  c.whileLoop(() => c.get(i).get(P.M).emit(op.i32GeS), () => {
    // j = 8·(ceil(N/8) − 1): the last column block first
    c.get(P.N).i32(7).emit(op.i32Add).i32(3).emit(op.i32ShrS).i32(1).emit(op.i32Sub).i32(3).emit(op.i32Shl).set(j);
    c.whileLoop(() => c.get(j).i32(0).emit(op.i32LtS), () => {
      for (const a of acc) c.zero128().set(a);
      c.get(P.pA).get(i).get(P.rsA).emit(op.i32Mul, op.i32Add).set(pa);
      c.get(P.pB).get(j).i32(2).emit(op.i32Shl, op.i32Add).set(qb);
      c.get(P.K).set(k);
      c.whileLoop(() => c.get(k).emit(op.i32Eqz), () => innerStep(c, { pa, qb, k, r2, r3, b0, b1, av, acc }));
      c.get(P.pC).get(i).get(P.ldc).emit(op.i32Mul, op.i32Add).get(j).i32(2).emit(op.i32Shl, op.i32Add).set(pc);
      for (let r = 0; r < 4; r++) {
        c.get(pc).get(acc[2 * r]).mem(simd.store, 2, 0);
        c.get(pc).get(acc[2 * r + 1]).mem(simd.store, 2, 16);
        if (r < 3) c.addTo(pc, () => c.get(P.ldc));
      }
      c.addTo(j, () => c.i32(-8));
    });
    c.addTo(i, () => c.i32(4));
  });
  return { name: 'gemm', params: new Array<number>(10).fill(I32), results: [], code: c };

  function innerStep(e: Code, l: { pa: number; qb: number; k: number; r2: number; r3: number; b0: number; b1: number; av: number; acc: number[] }): void {
    e.get(l.qb).mem(simd.load, 2, 0).set(l.b0);
    e.get(l.qb).mem(simd.load, 2, 16).set(l.b1);
    const rowAddr = [(): void => void e.get(l.pa), (): void => void e.get(l.pa).get(P.rsA).emit(op.i32Add),
      (): void => void e.get(l.pa).get(l.r2).emit(op.i32Add), (): void => void e.get(l.pa).get(l.r3).emit(op.i32Add)];
    for (let r = 0; r < 4; r++) {
      rowAddr[r]();
      e.mem(simd.load32Splat, 2, 0).set(l.av);
      for (let h = 0; h < 2; h++) {
        const a = l.acc[2 * r + h];
        e.get(a).get(l.av).get(h === 0 ? l.b0 : l.b1).simd(simd.f32x4Mul).simd(simd.f32x4Add).set(a);
      }
    }
    e.addTo(l.pa, () => e.get(P.csA));
    e.addTo(l.qb, () => e.get(P.rsB));
    e.addTo(l.k, () => e.i32(-1));
  }
}
