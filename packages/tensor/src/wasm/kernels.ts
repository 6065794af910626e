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

const Q = { pX: 0, pOut: 1, B: 2, C: 3, H: 4, W: 5, kh: 6, kw: 7, sh: 8, sw: 9, ph: 10, pw: 11, Ho: 12, Wo: 13 } as const;

/**
 * im2col(pX, pOut, B, C, H, W, kh, kw, sh, sw, ph, pw, Ho, Wo): x (B, C, H, W) packed at pX to
 * rows (B·Ho·Wo, C·kh·kw) at pOut, the layout of the cpu kernel. Per output position the columns
 * j whose w = ow·sw − pw + j lies in [0, W) form one run [jLo, jHi); each run is copied four
 * floats at a time (v128), then one by one. Positions outside the image are not written: the
 * caller zeroes the output first when there is padding.
 */
export function im2colFunction(): FunctionDef {
  const c = new Code(14);
  const [b, oh, ow, ch, i, j, o, w0, jlo, jhi, plane, h, src, t] = Array.from({ length: 14 }, () => c.local(I32));
  const mulTo = (dst: number, x: () => void, y: () => void): void => {
    x();
    y();
    c.emit(op.i32Mul).set(dst);
  };
  c.get(Q.pOut).set(o);
  c.forRange(b, Q.B, () => c.forRange(oh, Q.Ho, () => c.forRange(ow, Q.Wo, () => {
    mulTo(w0, () => c.get(ow), () => c.get(Q.sw));
    c.get(w0).get(Q.pw).emit(op.i32Sub).set(w0);
    // jLo = max(0, −w0), jHi = min(kw, W − w0)
    c.i32(0).get(w0).emit(op.i32Sub).i32(0).i32(0).get(w0).emit(op.i32Sub).i32(0).emit(op.i32GtS, op.select).set(jlo);
    c.get(Q.W).get(w0).emit(op.i32Sub).set(t);
    c.get(Q.kw).get(t).get(Q.kw).get(t).emit(op.i32LtS, op.select).set(jhi);
    c.forRange(ch, Q.C, () => {
      // plane = (b·C + ch)·H
      c.get(b).get(Q.C).emit(op.i32Mul).get(ch).emit(op.i32Add).get(Q.H).emit(op.i32Mul).set(plane);
      c.forRange(i, Q.kh, () => {
        c.get(oh).get(Q.sh).emit(op.i32Mul).get(i).emit(op.i32Add).get(Q.ph).emit(op.i32Sub).set(h);
        c.unless(() => c.get(h).i32(0).emit(op.i32LtS).get(h).get(Q.H).emit(op.i32GeS).emit(0x72 /* i32.or */), () => {
          // src = pX + 4·((plane + h)·W + w0)
          c.get(Q.pX).get(plane).get(h).emit(op.i32Add).get(Q.W).emit(op.i32Mul).get(w0).emit(op.i32Add).i32(2).emit(op.i32Shl, op.i32Add).set(src);
          copyRun(c, { src, dst: o, j, jlo, jhi });
        });
        c.addTo(o, () => c.get(Q.kw).i32(2).emit(op.i32Shl));
      });
    });
  })));
  return { name: 'im2col', params: new Array<number>(14).fill(I32), results: [], code: c };
}

/** dst[j] = src[j] for j in [jlo, jhi), floats, byte pointers: v128 while four remain, then f32. */
function copyRun(c: Code, l: { src: number; dst: number; j: number; jlo: number; jhi: number }): void {
  const at = (p: number): void => void c.get(p).get(l.j).i32(2).emit(op.i32Shl, op.i32Add);
  c.get(l.jlo).set(l.j);
  c.whileLoop(() => c.get(l.j).i32(4).emit(op.i32Add).get(l.jhi).emit(op.i32GtS), () => {
    at(l.dst);
    at(l.src);
    c.mem(simd.load, 2, 0).mem(simd.store, 2, 0);
    c.addTo(l.j, () => c.i32(4));
  });
  c.whileLoop(() => c.get(l.j).get(l.jhi).emit(op.i32GeS), () => {
    at(l.dst);
    at(l.src);
    c.emit(op.f32Load, 2, 0, op.f32Store, 2, 0);
    c.addTo(l.j, () => c.i32(1));
  });
}
