/**
 * How the GRU runs over the stream's conv columns, three ways behind one interface. Each takes
 * the columns one at a time (`add`) and, when an output is due, pools the attention window into a
 * context vector (`pool`). Wc = the columns of one window (11 for 101 frames).
 *
 *   carried    one GRU state from the stream's start, never reset; attention over its last Wc
 *              outputs. 1 GRU step a column, but the state has seen everything before the window,
 *              which the model never saw in training (1 s clips from a zero state).
 *   reset      at each output, the GRU from zeros over the window's Wc stored columns: equals the
 *              offline model on every window; Wc GRU steps an output.
 *   staggered  K GRU states, state k reset every Wc columns at columns ≡ o_k (mod Wc),
 *              o_k = round(k·Wc/K). At an output the state that has seen the most of the current
 *              window (the oldest whose age a ≤ Wc columns; a = columns since its reset) is pooled,
 *              attention over its a outputs: the offline model on the window's last a columns, i.e.
 *              on its last 101 − 8(Wc − a) frames. When a = Wc that is exactly the offline window;
 *              this happens at K of every Wc columns, and every output has a ≥ Wc + 1 − the largest
 *              gap between offsets (K = 4, Wc = 11: a ≥ 9 columns = the last 85 frames). K = Wc
 *              equals `reset` at every step. K GRU steps and K attention energies a column.
 * Attention: α = softmax(e over the pooled outputs), ctx = Σ α_t h_t (e_t depends on h_t alone, so
 * it is computed once per output, when the column arrives).
 */
import type { StepEngine } from './engine.js';

export type GruMode = 'staggered' | 'reset' | 'carried';

export interface GruWindow {
  /** One new conv column (its GRU step(s) and energies, or just stored). */
  add(column: Float32Array): void;
  /** The context vector of the current window into ctx; returns the columns it pooled. */
  pool(ctx: Float32Array): number;
  /** A new stream: zero states, nothing stored. */
  reset(): void;
  /** Every buffer held (for a fixed-memory check). */
  readonly buffers: readonly (Float32Array | Float64Array)[];
}

/** GRU outputs (rows of H) with their energies; pooling over `count` of them from `first`, as a ring. */
class OutputRing {
  readonly out: Float32Array;
  readonly energies: Float64Array;
  constructor(readonly size: number, readonly H: number) {
    this.out = new Float32Array(size * H);
    this.energies = new Float64Array(size);
  }

  store(slot: number, h: Float32Array, e: number): void {
    this.out.set(h, slot * this.H);
    this.energies[slot] = e;
  }

  /** ctx = Σ softmax(e)_i h_i over slots (first + i) mod size, i < count. */
  pool(first: number, count: number, ctx: Float32Array): void {
    const { energies, out, H, size } = this;
    let max = -Infinity;
    for (let i = 0; i < count; i++) max = Math.max(max, energies[(first + i) % size]);
    let sum = 0;
    for (let i = 0; i < count; i++) sum += Math.exp(energies[(first + i) % size] - max);
    ctx.fill(0);
    for (let i = 0; i < count; i++) {
      const slot = (first + i) % size;
      const a = Math.exp(energies[slot] - max) / sum;
      for (let j = 0; j < H; j++) ctx[j] += a * out[slot * H + j];
    }
  }
}

const zeros = (e: StepEngine): Float32Array[] => Array.from({ length: e.layers }, () => new Float32Array(e.hidden));

/** One carried state, the last Wc outputs in a ring. */
export class CarriedWindow implements GruWindow {
  private readonly ring: OutputRing;
  private readonly state: Float32Array[];
  private readonly h: Float32Array;
  private columns = 0;
  constructor(private readonly engine: StepEngine, private readonly Wc: number) {
    this.ring = new OutputRing(Wc, engine.hidden);
    this.state = zeros(engine);
    this.h = new Float32Array(engine.hidden);
  }
  get buffers(): (Float32Array | Float64Array)[] {
    return [this.ring.out, this.ring.energies, this.h, ...this.state];
  }
  add(column: Float32Array): void {
    this.engine.gruStep(column, this.state, this.h);
    this.ring.store(this.columns++ % this.Wc, this.h, this.engine.energy(this.h));
  }
  pool(ctx: Float32Array): number {
    const n = Math.min(this.columns, this.Wc);
    this.ring.pool((this.columns - n) % this.Wc, n, ctx);
    return n;
  }
  reset(): void {
    this.state.forEach((s) => s.fill(0));
    this.columns = 0;
  }
}

/** The window's conv columns stored; the GRU from zeros over them at each output. */
export class ResetWindow implements GruWindow {
  private readonly ring: OutputRing;
  private readonly convRing: Float32Array;
  private readonly state: Float32Array[];
  private readonly h: Float32Array;
  private columns = 0;
  constructor(private readonly engine: StepEngine, private readonly Wc: number) {
    this.ring = new OutputRing(Wc, engine.hidden);
    this.convRing = new Float32Array(Wc * engine.convWidth);
    this.state = zeros(engine);
    this.h = new Float32Array(engine.hidden);
  }
  get buffers(): (Float32Array | Float64Array)[] {
    return [this.ring.out, this.ring.energies, this.convRing, this.h, ...this.state];
  }
  add(column: Float32Array): void {
    this.convRing.set(column, (this.columns++ % this.Wc) * column.length);
  }
  pool(ctx: Float32Array): number {
    const n = Math.min(this.columns, this.Wc), CF = this.engine.convWidth;
    this.state.forEach((s) => s.fill(0));
    for (let i = 0; i < n; i++) {
      const slot = (this.columns - n + i) % this.Wc;
      this.engine.gruStep(this.convRing.subarray(slot * CF, (slot + 1) * CF), this.state, this.h);
      this.ring.store(i, this.h, this.engine.energy(this.h));
    }
    this.ring.pool(0, n, ctx);
    return n;
  }
  reset(): void {
    this.columns = 0;
  }
}

/** K staggered states, each reset once a window; the oldest one at most a window old is pooled. */
export class StaggeredWindow implements GruWindow {
  /** Column offsets of the states' resets, o_k = round(k·Wc/K). */
  readonly offsets: number[];
  private readonly rings: OutputRing[];
  private readonly states: Float32Array[][];
  /** Outputs since each state's last reset (its age in columns, ≤ Wc). */
  private readonly ages: Int32Array;
  private readonly h: Float32Array;
  private columns = 0;
  constructor(private readonly engine: StepEngine, private readonly Wc: number, K: number) {
    if (!Number.isInteger(K) || K < 1 || K > Wc) throw new RangeError(`StreamingKws: states must be an integer in [1, ${Wc}] (the window's columns), got ${K}`);
    this.offsets = Array.from({ length: K }, (_, k) => Math.round((k * Wc) / K));
    this.rings = this.offsets.map(() => new OutputRing(Wc, engine.hidden));
    this.states = this.offsets.map(() => zeros(engine));
    this.ages = new Int32Array(K);
    this.h = new Float32Array(engine.hidden);
  }
  get buffers(): (Float32Array | Float64Array)[] {
    return [this.h, ...this.rings.flatMap((r) => [r.out, r.energies]), ...this.states.flat()];
  }
  add(column: Float32Array): void {
    const c = this.columns++;
    this.offsets.forEach((o, k) => {
      if (c < o) return;
      if ((c - o) % this.Wc === 0) {
        this.states[k].forEach((s) => s.fill(0));
        this.ages[k] = 0;
      }
      this.engine.gruStep(column, this.states[k], this.h);
      this.rings[k].store(this.ages[k]++, this.h, this.engine.energy(this.h));
    });
  }
  pool(ctx: Float32Array): number {
    let best = 0;
    for (let k = 1; k < this.ages.length; k++) if (this.ages[k] > this.ages[best]) best = k;
    this.rings[best].pool(0, this.ages[best], ctx);
    return this.ages[best];
  }
  reset(): void {
    this.ages.fill(0);
    this.columns = 0;
  }
}
