/**
 * What a worker thread runs, written so that it can be shipped as source text: every function
 * here refers only to its parameters and to the others in `workerSource` (never to an import),
 * so `fn.toString()` of each, joined, is a self-contained script.
 *
 * Exactness. gemmABt walks the rows of C in groups of four (a 4×4 register block) and the last
 * M mod 4 rows one at a time with a two-accumulator dot product; the two paths round
 * differently. Cutting the batch·M output rows only at multiples of four inside each batch item
 * keeps every row on the path it takes single-threaded, so each C[i, j] is the same sequence of
 * float operations and the result is bitwise equal to the cpu backend.
 *
 * Scheduling. The row groups are dealt out in chunks that every thread (caller and workers)
 * claims one at a time from a shared counter, rather than in fixed shares: on a busy machine a
 * worker that is not scheduled in time simply claims nothing, and the caller does the chunks
 * itself instead of waiting for it. The counter word NEXT packs (chunks << 16 | next index), so
 * one compare-exchange both checks that chunks are left and claims one; a successful claim is
 * always of the job now running (a job's parameters are written before its NEXT word and are
 * not changed until all its chunks are finished), so a late worker can never run a stale job.
 */
import type { MessagePort } from 'node:worker_threads';
import { GEMM_FUNCTIONS, gemmABt } from '../cpu/gemm.js';
import type { TypedArray } from '../ndarray.js';

/** Row groups (of up to four rows) in one M-row product. */
export const groupsPerItem = (M: number): number => Math.ceil(M / 4);

/**
 * Row groups [g0, g1) of a batch of products C_t = A_t·B_tᵀ (A packed batch×M×K, Bt packed
 * batch×N×K, C packed batch×M×N), group g being rows 4(g mod G)… of item ⌊g / G⌋, G = ⌈M/4⌉.
 * @example runRowGroups(gemmABt, a, bt, c, 9, 5, 7, 0, 3); // all of a 9×7·(5×7)ᵀ product
 */
export function runRowGroups(
  gemm: typeof gemmABt, a: TypedArray, bt: TypedArray, c: TypedArray,
  M: number, N: number, K: number, g0: number, g1: number,
): void {
  const per = Math.ceil(M / 4);
  for (let g = g0; g < g1;) {
    const t = Math.floor(g / per);
    const end = Math.min(g1, (t + 1) * per);
    const i0 = (g - t * per) * 4;
    const i1 = Math.min(M, (end - t * per) * 4);
    gemm(a, t * M * K + i0 * K, bt, t * N * K, c, t * M * N + i0 * N, i1 - i0, N, K);
    g = end;
  }
}

/**
 * Indices into the shared Int32 control block. The two cells every thread writes (NEXT, the
 * claim counter, and FINISHED, the count of finished chunks) sit on their own 64-byte lines.
 * G: row groups; CH: row groups per chunk; BY_WORKERS: chunks run by workers (a statistic).
 */
export const LAYOUT = {
  SEQ: 0, STOP: 1, GEN: 2, M: 3, N: 4, K: 5, F64: 6, ERR: 7, SPIN: 8, G: 9, CH: 10, NEXT: 16, FINISHED: 32, BY_WORKERS: 33, SIZE: 48,
} as const;
export type Layout = typeof LAYOUT;

/** Most chunks one product is cut into (NEXT keeps the count in 15 bits). */
export const MAX_CHUNKS = 1 << 12;

/** The scratch buffers: A packed, Bᵀ packed, C. */
export interface Scratch {
  a: SharedArrayBuffer;
  b: SharedArrayBuffer;
  c: SharedArrayBuffer;
}

export interface WorkerData {
  ctl: SharedArrayBuffer;
  port: MessagePort;
}

type ReceiveOnPort = (port: MessagePort) => { message: unknown } | undefined;

/** Claim the next chunk of the running job: its index, or -1 when none is left. */
export function claimChunk(ctl: Int32Array, L: Layout): number {
  for (;;) {
    const cur = Atomics.load(ctl, L.NEXT);
    const i = cur & 0xffff;
    if (i >= cur >>> 16) return -1;
    if (Atomics.compareExchange(ctl, L.NEXT, cur, cur + 1) === cur) return i;
  }
}

/**
 * Claim and run chunks until none is left; the thread that finishes the last one wakes the
 * caller. `view` gives the scratch buffers as typed arrays of the job's dtype.
 */
export function runChunks(
  ctl: Int32Array, L: Layout, gemm: typeof gemmABt, run: typeof runRowGroups,
  view: (f64: boolean) => [TypedArray, TypedArray, TypedArray], isWorker: boolean,
): void {
  for (let i = claimChunk(ctl, L); i >= 0; i = claimChunk(ctl, L)) {
    const chunks = Atomics.load(ctl, L.NEXT) >>> 16; // still this job's: chunk i is not finished
    try {
      const [a, b, c] = view(ctl[L.F64] !== 0);
      const g0 = i * ctl[L.CH];
      run(gemm, a, b, c, ctl[L.M], ctl[L.N], ctl[L.K], g0, Math.min(ctl[L.G], g0 + ctl[L.CH]));
    } catch {
      Atomics.store(ctl, L.ERR, 1);
    }
    if (isWorker) Atomics.add(ctl, L.BY_WORKERS, 1);
    if (Atomics.add(ctl, L.FINISHED, 1) + 1 === chunks) Atomics.notify(ctl, L.FINISHED);
  }
}

/**
 * Sleep until SEQ moves past `seen`: spin on an atomic load first (a training step issues
 * products every few hundred µs, and a futex wake-up costs tens of µs), then block.
 */
export function awaitJob(ctl: Int32Array, L: Layout, seen: number): number {
  for (let i = ctl[L.SPIN]; i > 0; i--) if (Atomics.load(ctl, L.SEQ) !== seen) return Atomics.load(ctl, L.SEQ);
  for (;;) {
    Atomics.wait(ctl, L.SEQ, seen);
    const seq = Atomics.load(ctl, L.SEQ);
    if (seq !== seen) return seq;
  }
}

/** A worker's loop: wait for a wake-up, claim and run chunks, repeat. New scratch buffers come by port. */
export function workerMain(
  wt: { workerData: unknown; receiveMessageOnPort: ReceiveOnPort },
  gemm: typeof gemmABt, run: typeof runRowGroups, L: Layout,
): void {
  const { ctl: ctlBuf, port } = wt.workerData as WorkerData;
  const ctl = new Int32Array(ctlBuf);
  let seen = 0;
  let gen = -1;
  let bufs: Scratch | undefined;
  const view = (f64: boolean): [TypedArray, TypedArray, TypedArray] => {
    if (Atomics.load(ctl, L.GEN) !== gen) {
      gen = Atomics.load(ctl, L.GEN);
      for (let m = wt.receiveMessageOnPort(port); m !== undefined; m = wt.receiveMessageOnPort(port)) bufs = m.message as Scratch;
    }
    if (bufs === undefined) throw new Error('no scratch buffers');
    const v = (b: SharedArrayBuffer): TypedArray => (f64 ? new Float64Array(b) : new Float32Array(b));
    return [v(bufs.a), v(bufs.b), v(bufs.c)];
  };
  for (;;) {
    seen = awaitJob(ctl, L, seen);
    if (Atomics.load(ctl, L.STOP) !== 0) return;
    runChunks(ctl, L, gemm, run, view, true);
  }
}

/** The worker script: the kernel and loop sources, then the call that starts the loop. */
export function workerSource(): string {
  const fns = [...GEMM_FUNCTIONS, runRowGroups, claimChunk, runChunks, awaitJob, workerMain];
  const start = `${workerMain.name}(require('node:worker_threads'), ${gemmABt.name}, ${runRowGroups.name}, ${JSON.stringify(LAYOUT)});`;
  return `'use strict';\n${fns.map((f) => f.toString()).join('\n')}\n${start}\n`;
}
