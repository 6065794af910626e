/**
 * Rng, made faster, must be the same generator: every seeded run of the project (weights,
 * sampling, augmentation, dropout) depends on its exact stream. `OldRng` below is a verbatim
 * copy of rng.ts before the speed work (commit 80bc4d4); each method's outputs are compared
 * with it over long, interleaved sequences of calls with Object.is, on seeds at the edges of
 * `seed >>> 0`.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

// A verbatim copy of the code before the speed work, kept as it was.
class OldRng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | undefined;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextU32(): number {
    const result = Math.imul(oldRotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = oldRotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    return result;
  }

  uniform(lo = 0, hi = 1): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    const u = (a * 67108864 + b) / 9007199254740992;
    return lo + (hi - lo) * u;
  }

  normal(mean = 0, std = 1): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return mean + std * s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  int(n: number): number {
    if (!(n > 0)) throw new RangeError(`Rng.int: n must be positive, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.choice: empty array');
    return items[this.int(items.length)];
  }

  fork(): OldRng {
    return new OldRng(this.nextU32());
  }
}

function oldRotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The same method called on both generators; each pair of results must be Object.is-equal. */
type Draw = (r: Rng | OldRng, i: number) => unknown;

const DRAWS: [string, Draw][] = [
  ['nextU32', (r) => r.nextU32()],
  ['uniform', (r) => r.uniform()],
  ['uniform(-3, 0.5)', (r) => r.uniform(-3, 0.5)],
  ['normal', (r) => r.normal()],
  ['normal(0, 0.01)', (r) => r.normal(0, 0.01)],
  ['int(4)', (r) => r.int(4)],
  ['int(2^31 + 7)', (r) => r.int(2 ** 31 + 7)],
  ['choice', (r) => r.choice(['a', 'b', 'c'])],
  ['shuffle', (r, i) => r.shuffle(Array.from({ length: 1 + (i % 9) }, (_, k) => k)).join(',')],
  ['fork', (r) => r.fork().nextU32()],
  // fillNormal of n values is n calls of normal (the old class had only those); odd n leave a spare
  ['fillNormal', (r, i) => bits(r instanceof Rng ? Array.from(r.fillNormal(new Float64Array(i % 6), 0.5, 0.01)) : Array.from({ length: i % 6 }, () => r.normal(0.5, 0.01)))],
];

/** The exact float64 bit patterns of `values`, as text (so that -0, 0 and NaN all differ). */
function bits(values: number[]): string {
  const view = new DataView(new ArrayBuffer(8));
  return values.map((v) => (view.setFloat64(0, v), view.getBigUint64(0).toString(16))).join(' ');
}

/** Call `pick(i)` on a new and an old generator of `seed` n times: the first call that differs. */
function firstDifference(seed: number, pick: (i: number) => Draw, n = 2000): string {
  const a = new Rng(seed);
  const b = new OldRng(seed);
  for (let i = 0; i < n; i++) {
    const draw = pick(i);
    const [x, y] = [draw(a, i), draw(b, i)];
    if (!Object.is(x, y)) return `call ${i}: ${String(x)} instead of ${String(y)}`;
  }
  return 'none';
}

const SEEDS = [0, 1, 7, 42, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, -1, -123_456, 0x9e3779b9];

describe('Rng against the code before the speed work (bitwise)', () => {
  for (const seed of SEEDS) {
    it(`every method gives the old stream, alone and interleaved, seed ${seed}`, () => {
      for (const [name, draw] of DRAWS) expect(firstDifference(seed, () => draw), name).toBe('none');
      // Interleaved: a normal's spare survives other draws in between, as before.
      expect(firstDifference(seed, (i) => DRAWS[(i * 7 + (i >> 3)) % DRAWS.length][1], 20_000)).toBe('none');
    });
  }

  it('keeps the published stream of seed 7', () => {
    const rng = new Rng(7);
    const old = new OldRng(7);
    const first = Array.from({ length: 4 }, () => old.nextU32());
    expect(Array.from({ length: 4 }, () => rng.nextU32())).toEqual(first);
    expect(first).toEqual(FIRST_OF_SEED_7);
  });
});

/** Rng(7).nextU32() four times at commit 80bc4d4 (its built dist), so that the copy above cannot drift. */
const FIRST_OF_SEED_7 = [1004282400, 2200021487, 1928073449, 741806228];
