/**
 * A tiny seeded pseudo-random generator for the synthetic data set.
 *
 * mulberry32 (Tommy Ettinger, public domain): one 32-bit state word, advanced by the odd constant
 * 0x6D2B79F5 and scrambled by two multiply-xorshift rounds; period 2^32. It is not cryptographic,
 * only fast and well mixed, which is all data jitter needs. This package keeps its own generator
 * so that it depends on nothing but `@kws/kws-model` and eSpeak NG, and never on the global random source:
 * the whole data set is a pure function of its seed.
 */

/** Mixes a 32-bit integer (murmur3's finaliser) so that nearby seeds give unrelated streams. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Seeded uniform, integer, normal and choice draws.
 *
 * @example
 * const rng = SynthRng.derive(42, 1); // stream 1 of seed 42
 * const pitch = rng.uniform(20, 80);
 */
export class SynthRng {
  private state: number;

  /** `seed` is any safe integer; its high and low 32-bit halves are both mixed in. */
  constructor(seed: number) {
    const hi = Math.floor(seed / 4294967296);
    this.state = mix32(mix32(seed >>> 0) ^ Math.imul(hi | 0, 0x9e3779b9));
  }

  /** An independent stream `stream` of `seed`, so that one part's draws never shift another's. */
  static derive(seed: number, stream: number): SynthRng {
    const rng = new SynthRng(seed);
    rng.state = mix32(rng.state ^ Math.imul(stream + 1, 0x9e3779b9));
    return rng;
  }

  /** The next 32-bit unsigned integer (one mulberry32 step). */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal draw (Box-Muller; 1 - u keeps the log argument in (0, 1]). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('SynthRng.pick: empty array');
    return items[this.int(items.length)];
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** `n` lowercase hex digits, like the speaker ids of Speech Commands ("0a7c2a8d"). */
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += this.nextU32().toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
}
