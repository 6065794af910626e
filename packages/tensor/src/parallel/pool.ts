/**
 * A fixed set of worker threads that, with the calling thread, compute the row groups of one
 * batched product C = A·Bᵀ held in shared scratch memory (scheduling: see kernel.ts).
 *
 * Protocol (one Int32 control block in a SharedArrayBuffer, see `LAYOUT`): the caller writes the
 * sizes, zeroes FINISHED and publishes the job's NEXT word with atomic stores (which make those
 * writes and the scratch contents visible to any thread that then reads NEXT), bumps SEQ and
 * notifies it to wake sleeping workers, and claims chunks itself. It then spins briefly on
 * FINISHED and sleeps in Atomics.wait (allowed on Node's main thread; it cannot deadlock: a
 * thread holding a chunk never waits for anything). Scratch buffers grow by replacement: the new
 * ones are posted to every worker's port and GEN is bumped; a worker that sees a new GEN drains
 * its port synchronously with receiveMessageOnPort (it never returns to its event loop).
 * Workers are unref'd, so an open pool does not keep a process alive.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { gemmABt } from '../cpu/gemm.js';
import type { TypedArray } from '../ndarray.js';
import { LAYOUT, MAX_CHUNKS, runChunks, runRowGroups, workerSource, type Scratch, type WorkerData } from './kernel.js';

/** Give up on a worker that has not finished a chunk in this long (it died; no chunk takes as long). */
const STALL_MS = 30_000;

/** Chunks per thread: enough that a late or slow thread leaves little to wait for. */
const CHUNKS_PER_THREAD = 4;

let source: string | undefined;

interface Thread {
  worker: Worker;
  port: MessagePort;
}

export class WorkerPool {
  private ctl = new Int32Array(new SharedArrayBuffer(0));
  private threads: Thread[] = [];
  private scratch: Scratch = { a: new SharedArrayBuffer(0), b: new SharedArrayBuffer(0), c: new SharedArrayBuffer(0) };
  private generation = 0;
  private posted = -1;
  private running = 0;
  /** Products run in parallel, their chunks, and how many of those the workers ran. */
  readonly stats = { products: 0, chunks: 0, byWorkers: 0 };

  /** `size` threads in all (the caller and size − 1 workers); `spin`: busy-wait iterations before sleeping. */
  constructor(readonly size: number, private readonly spin: number) {}

  /** Worker threads started and not yet exited. */
  get live(): number {
    return this.running;
  }

  /**
   * Scratch buffers of at least these byte sizes (grown by 1.5x, never shrunk). Lengths are
   * multiples of 8 so that a worker can view a whole buffer as float32 or float64.
   */
  reserve(aBytes: number, bBytes: number, cBytes: number): Scratch {
    const grow = (buf: SharedArrayBuffer, need: number): SharedArrayBuffer => {
      if (buf.byteLength >= need) return buf;
      this.generation++;
      return new SharedArrayBuffer(Math.ceil(Math.max(need, buf.byteLength * 1.5) / 8) * 8);
    };
    const s = this.scratch;
    this.scratch = { a: grow(s.a, aBytes), b: grow(s.b, bBytes), c: grow(s.c, cBytes) };
    return this.scratch;
  }

  /** Compute `groups` row groups of the product whose operands are in scratch (`views` on this thread). */
  run(M: number, N: number, K: number, f64: boolean, groups: number, views: [TypedArray, TypedArray, TypedArray]): void {
    this.start();
    this.publishScratch();
    const c = this.ctl;
    const L = LAYOUT;
    const perChunk = Math.ceil(groups / Math.min(groups, this.size * CHUNKS_PER_THREAD, MAX_CHUNKS));
    const chunks = Math.ceil(groups / perChunk);
    [c[L.M], c[L.N], c[L.K], c[L.F64], c[L.G], c[L.CH]] = [M, N, K, f64 ? 1 : 0, groups, perChunk];
    Atomics.store(c, L.FINISHED, 0);
    Atomics.store(c, L.NEXT, chunks << 16);
    Atomics.add(c, L.SEQ, 1);
    Atomics.notify(c, L.SEQ);
    runChunks(c, L, gemmABt, runRowGroups, () => views, false);
    this.join(chunks);
    this.stats.products++;
    this.stats.chunks += chunks;
    this.stats.byWorkers += Atomics.exchange(c, L.BY_WORKERS, 0);
    if (Atomics.exchange(c, L.ERR, 0) !== 0) throw new Error('a parallel matmul worker failed');
  }

  /** Stop and terminate the workers; a later `run` starts fresh ones on a fresh control block. */
  close(): void {
    if (this.threads.length === 0) return;
    Atomics.store(this.ctl, LAYOUT.STOP, 1);
    Atomics.add(this.ctl, LAYOUT.SEQ, 1);
    Atomics.notify(this.ctl, LAYOUT.SEQ);
    for (const t of this.threads) {
      t.port.close();
      void t.worker.terminate();
    }
    this.threads = [];
  }

  /** Wait until all `chunks` chunks are finished: spin, then sleep on FINISHED. */
  private join(chunks: number): void {
    const c = this.ctl;
    const idx = LAYOUT.FINISHED;
    for (let i = this.spin; i > 0; i--) if (Atomics.load(c, idx) === chunks) return;
    const deadline = Date.now() + STALL_MS;
    for (let v = Atomics.load(c, idx); v !== chunks; v = Atomics.load(c, idx)) {
      if (Atomics.wait(c, idx, v, 1000) === 'timed-out' && Date.now() > deadline) {
        this.close();
        throw new Error(`parallel matmul: a worker did not answer in ${STALL_MS / 1000} s`);
      }
    }
  }

  /** Start the workers on first use (each pool start gets a fresh control block, so stopped workers stay stopped). */
  private start(): void {
    if (this.threads.length > 0 || this.size < 2) return;
    this.ctl = new Int32Array(new SharedArrayBuffer(LAYOUT.SIZE * 4));
    this.ctl[LAYOUT.SPIN] = this.spin;
    source ??= workerSource();
    for (let i = 1; i < this.size; i++) {
      const { port1, port2 } = new MessageChannel();
      const workerData: WorkerData = { ctl: this.ctl.buffer, port: port2 };
      const worker = new Worker(source, { eval: true, workerData, transferList: [port2] });
      worker.unref();
      port1.unref();
      this.running++;
      worker.on('exit', () => this.running--);
      // A worker that dies holding no chunk leaves its share to the others; one that dies
      // mid-chunk shows up as a stall in `join`.
      worker.on('error', () => undefined);
      this.threads.push({ worker, port: port1 });
    }
    this.posted = -1;
  }

  /** Hand the current scratch buffers to the workers if they have not seen them. */
  private publishScratch(): void {
    if (this.posted === this.generation) return;
    for (const t of this.threads) t.port.postMessage(this.scratch);
    Atomics.store(this.ctl, LAYOUT.GEN, this.generation);
    this.posted = this.generation;
  }
}
