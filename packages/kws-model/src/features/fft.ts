/**
 * Fast Fourier transforms for the log-mel front end, in plain float64 typed arrays.
 *
 * Forward DFT convention (numpy / torch.stft): X[k] = Σ_t x[t] · exp(-2πi·t·k / n).
 *
 * `ComplexFFT` is a mixed-radix Stockham autosort FFT (radices 8, 4, 2, 3, 5; the stages and their
 * equations are in fft-stages.ts): each stage splits every sub-problem of size r·m into r of size m
 * and writes them where the next stage reads them, so the output comes out in natural order without
 * a bit-reversal pass, ping-ponging between two buffers. Fewer stages mean fewer passes over the
 * data and fewer twiddle multiplies, so a 4 and a 2 are merged into one radix-8 stage: 200 runs as
 * 8·5·5 (3 stages) instead of 4·2·5·5.
 *
 * `RealFFT` of even size n packs the real input into a complex sequence of half the size,
 * z[j] = x[2j] + i·x[2j+1], takes Z = DFT_{n/2}(z), and unpacks the one-sided spectrum:
 *   E[k] = (Z[k] + conj Z[n/2-k]) / 2,  O[k] = (Z[k] - conj Z[n/2-k]) / 2i,  X[k] = E[k] + W_n^k·O[k].
 * Bins k and n/2 - k come from the same two values: E[n/2-k] = conj E[k], O[n/2-k] = conj O[k] and
 * W_n^(n/2-k) = -conj W_n^k, so X[n/2-k] = conj(E[k] - W_n^k·O[k]); the unpack runs over pairs.
 * Why: the feature front end needs a 400-point real DFT per frame (400 = 2^4 · 5^2); a DFT
 * matrix would cost 400·201 multiply-adds per frame, the packed FFT about 20 times less.
 * `windowedPower` is the front end's path: window·x is packed by the first FFT stage as it reads
 * the samples (no copy of the frame, no pass of its own), and |X[k]|² comes straight from the pair
 * unpack (X itself is never stored). Odd n falls back to a full complex transform.
 */
import { makeStage, radix8Packed, type Stage } from './fft-stages.js';

/** Split n into radices 4, 2, 3, 5 (4 first: fewer passes); throws if another prime divides n. */
export function factorize(n: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`FFT size must be a positive integer, got ${n}`);
  const out: number[] = [];
  let rest = n;
  for (const r of [4, 2, 3, 5]) {
    while (rest % r === 0) {
      out.push(r);
      rest /= r;
    }
  }
  if (rest !== 1) {
    throw new RangeError(`FFT size ${n} is not supported: only sizes whose prime factors are 2, 3 and 5 are (left ${rest})`);
  }
  return out;
}

/**
 * The radices ComplexFFT runs for n: factorize(n), with a 4 and the 2 (if both are there) merged
 * into one leading 8.
 *
 * @example
 * fftPlan(200); // [8, 5, 5]
 */
export function fftPlan(n: number): number[] {
  const radices = factorize(n);
  const two = radices.indexOf(2), four = radices.indexOf(4);
  if (two < 0 || four < 0) return radices;
  return [8, ...radices.filter((_, i) => i !== two && i !== four)];
}

/**
 * Complex FFT of a fixed size whose prime factors are 2, 3 and 5.
 *
 * @example
 * const fft = new ComplexFFT(8);
 * const re = new Float64Array([1, 0, 0, 0, 0, 0, 0, 0]), im = new Float64Array(8);
 * fft.transform(re, im); // re is all ones, im all zeros
 */
export class ComplexFFT {
  readonly n: number;
  private readonly stages: Stage[] = [];
  /** Scratch: the buffer the stages ping-pong with. */
  private readonly wr: Float64Array;
  private readonly wi: Float64Array;
  /** Scratch: a copy of the input of an in-place transform. */
  private readonly cr: Float64Array;
  private readonly ci: Float64Array;

  /** `radices` (default fftPlan(n)) lets a test run another plan, e.g. factorize(n) without the 8. */
  constructor(n: number, radices: readonly number[] = fftPlan(n)) {
    if (radices.reduce((a, r) => a * r, 1) !== n || radices.some((r) => ![2, 3, 4, 5, 8].includes(r))) {
      throw new RangeError(`ComplexFFT(${n}): radices ${radices.join('·')} are not a product of 2, 3, 4, 5, 8 equal to ${n}`);
    }
    this.n = n;
    let size = n;
    let s = 1;
    for (const r of radices) {
      this.stages.push(makeStage(r, size, s));
      size /= r;
      s *= r;
    }
    this.wr = new Float64Array(n);
    this.wi = new Float64Array(n);
    this.cr = new Float64Array(n);
    this.ci = new Float64Array(n);
  }

  /** Forward transform of (re, im), both of length >= n, in place (the first n entries). */
  transform(re: Float64Array, im: Float64Array): void {
    this.check(re, im);
    this.cr.set(re.subarray(0, this.n));
    this.ci.set(im.subarray(0, this.n));
    this.transformTo(this.cr, this.ci, re, im);
  }

  /**
   * Out of place: (outRe, outIm) = DFT(inRe, inIm), first n entries; the input is left as it was.
   * The input and output must not overlap.
   */
  transformTo(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    this.check(inRe, inIm);
    this.check(outRe, outIm);
    this.runStages(0, inRe, inIm, outRe, outIm);
  }

  /**
   * (outRe, outIm) = DFT(z) of z[t] = w[2t]·x[at+2t] + i·w[2t+1]·x[at+2t+1], t < n: the packed,
   * windowed real frame of RealFFT. A leading radix-8 stage reads z straight from x (radix8Packed);
   * otherwise z is packed into scratch first. x must hold at least at + 2n samples, w 2n.
   */
  transformPacked(x: ArrayLike<number>, at: number, w: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    this.check(outRe, outIm);
    const { stages, n, cr, ci } = this;
    if (stages.length > 0 && stages[0].radix === 8) {
      const toOut = stages.length % 2 === 1; // as runStages: the last stage must write out
      const yr = toOut ? outRe : this.wr, yi = toOut ? outIm : this.wi;
      radix8Packed(stages[0], x, at, w, yr, yi);
      this.runStages(1, yr, yi, outRe, outIm);
      return;
    }
    // i and t step by 2 (cheaper than indexing by at + 2j in V8).
    for (let j = 0, i = at, t = 0; j < n; j++, i += 2, t += 2) {
      cr[j] = x[i] * w[t];
      ci[j] = x[i + 1] * w[t + 1];
    }
    this.runStages(0, cr, ci, outRe, outIm);
  }

  /** Stages first.. on (xr, xi): they alternate between out and the scratch, so that the last writes out. */
  private runStages(first: number, xr: Float64Array, xi: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const { stages, wr, wi } = this;
    if (first === stages.length && xr !== outRe) {
      outRe.set(xr.subarray(0, this.n)); // n = 1: no stage at all
      outIm.set(xi.subarray(0, this.n));
    }
    let toOut = (stages.length - first) % 2 === 1;
    for (let i = first; i < stages.length; i++) {
      const yr = toOut ? outRe : wr, yi = toOut ? outIm : wi;
      stages[i].run(stages[i], xr, xi, yr, yi);
      xr = yr;
      xi = yi;
      toOut = !toOut;
    }
  }

  private check(re: Float64Array, im: Float64Array): void {
    if (re.length < this.n || im.length < this.n) {
      throw new RangeError(`ComplexFFT(${this.n}): buffers of length ${re.length}, ${im.length} are too short`);
    }
  }
}

/**
 * One-sided FFT of a real sequence of fixed length n: bins = floor(n/2) + 1 outputs.
 *
 * @example
 * const fft = new RealFFT(400);
 * const re = new Float64Array(fft.bins), im = new Float64Array(fft.bins);
 * fft.forward(frame, re, im); // frame: 400 numbers; X[k] = re[k] + i·im[k], k = 0..200
 */
export class RealFFT {
  readonly n: number;
  readonly bins: number;
  private readonly inner: ComplexFFT;
  /** Odd n: the windowed input as a complex sequence (even n packs inside ComplexFFT). */
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  /** The transform Z of the packed input. */
  private readonly yr: Float64Array;
  private readonly yi: Float64Array;
  /** W_n^k = exp(-2πi k/n) for k = 0..n/2 (even n only). */
  private readonly cr: Float64Array;
  private readonly ci: Float64Array;
  /** The rectangular window that `forward` uses (x·1 is exact). */
  private readonly ones: Float64Array;

  constructor(n: number) {
    factorize(n); // validates n with a clear error
    this.n = n;
    this.bins = Math.floor(n / 2) + 1;
    const even = n % 2 === 0;
    const inner = even ? n / 2 : n;
    this.inner = new ComplexFFT(inner);
    this.zr = new Float64Array(even ? 0 : inner);
    this.zi = new Float64Array(even ? 0 : inner);
    this.yr = new Float64Array(inner);
    this.yi = new Float64Array(inner);
    this.cr = new Float64Array(even ? this.bins : 0);
    this.ci = new Float64Array(even ? this.bins : 0);
    for (let k = 0; k < this.cr.length; k++) {
      this.cr[k] = Math.cos((-2 * Math.PI * k) / n);
      this.ci[k] = Math.sin((-2 * Math.PI * k) / n);
    }
    this.ones = new Float64Array(n).fill(1);
  }

  /** X = DFT(input) for k = 0..bins-1 into re, im (each of length >= bins); input has length n. */
  forward(input: ArrayLike<number>, re: Float64Array, im: Float64Array): void {
    const { n, bins, yr, yi } = this;
    if (input.length !== n) throw new RangeError(`RealFFT(${n}): input has length ${input.length}, expected ${n}`);
    if (re.length < bins || im.length < bins) {
      throw new RangeError(`RealFFT(${n}): outputs need length >= ${bins}, got ${re.length}, ${im.length}`);
    }
    this.transformPacked(input, 0, this.ones);
    if (n % 2 === 0) {
      this.unpack(re, im);
    } else {
      re.set(yr.subarray(0, bins));
      im.set(yi.subarray(0, bins));
    }
  }

  /**
   * power[k] = |X[k]|², X = DFT of w[t]·x[at + t] (t = 0..n-1), k = 0..bins-1: the windowed
   * power spectrum of the frame starting at x[at], with no copy of the frame.
   *
   * @example
   * fft.windowedPower(samples, 160 * t - 200, hann, power); // frame t of a clip, inside the clip
   */
  windowedPower(x: ArrayLike<number>, at: number, window: Float64Array, power: Float64Array): void {
    const { n, bins, yr, yi } = this;
    if (!Number.isInteger(at) || at < 0 || at + n > x.length) {
      throw new RangeError(`RealFFT(${n}): a frame at ${at} does not fit in ${x.length} samples`);
    }
    if (window.length !== n || power.length < bins) {
      throw new RangeError(`RealFFT(${n}): window of length ${window.length} (need ${n}), power of ${power.length} (need >= ${bins})`);
    }
    this.transformPacked(x, at, window);
    if (n % 2 === 0) {
      this.unpackPower(power);
    } else {
      for (let k = 0; k < bins; k++) power[k] = yr[k] * yr[k] + yi[k] * yi[k];
    }
  }

  /** z = w·x[at..] packed (z[j] = w·x at 2j + i·(w·x at 2j+1) for even n, else real), Z = DFT(z). */
  private transformPacked(x: ArrayLike<number>, at: number, w: Float64Array): void {
    const { n, zr, zi } = this;
    if (n % 2 === 0) {
      this.inner.transformPacked(x, at, w, this.yr, this.yi);
      return;
    }
    for (let t = 0; t < n; t++) {
      zr[t] = x[at + t] * w[t];
      zi[t] = 0;
    }
    this.inner.transformTo(zr, zi, this.yr, this.yi);
  }

  /**
   * X[k] = E[k] + W^k·O[k] and X[n/2-k] = conj(E[k] - W^k·O[k]) from Z in yr, yi. The mirror bin
   * is written first, so that at k = n/4 (its own mirror) the value kept is E + W^k·O.
   */
  private unpack(re: Float64Array, im: Float64Array): void {
    const { yr, yi, cr, ci } = this;
    const half = this.n / 2;
    re[0] = yr[0] + yi[0];
    im[0] = 0;
    re[half] = yr[0] - yi[0];
    im[half] = 0;
    for (let k = 1, b = half - 1; k <= b; k++, b--) {
      const ar = yr[k], ai = yi[k], br = yr[b], bi = yi[b], wr = cr[k], wi = ci[k];
      const er = 0.5 * (ar + br), ei = 0.5 * (ai - bi);
      // O = (Z[k] - conj Z[half-k]) / 2i = (D.im, -D.re) / 2 with D = Z[k] - conj Z[half-k]
      const or = 0.5 * (ai + bi), oi = 0.5 * (br - ar);
      const tr = wr * or - wi * oi, ti = wr * oi + wi * or;
      re[b] = er - tr;
      im[b] = ti - ei;
      re[k] = er + tr;
      im[k] = ei + ti;
    }
  }

  /** power[k] = |X[k]|² as `unpack`, with the halves taken out: |2·X|² / 4. */
  private unpackPower(power: Float64Array): void {
    const { yr, yi, cr, ci } = this;
    const half = this.n / 2;
    const r0 = yr[0], i0 = yi[0];
    power[0] = (r0 + i0) * (r0 + i0);
    power[half] = (r0 - i0) * (r0 - i0);
    for (let k = 1, b = half - 1; k <= b; k++, b--) {
      const ar = yr[k], ai = yi[k], br = yr[b], bi = yi[b], wr = cr[k], wi = ci[k];
      const er = ar + br, ei = ai - bi; // 2·E[k]
      const or = ai + bi, oi = br - ar; // 2·O[k]
      const tr = wr * or - wi * oi, ti = wr * oi + wi * or;
      const pr = er + tr, pi = ei + ti, mr = er - tr, mi = ei - ti;
      power[b] = 0.25 * (mr * mr + mi * mi);
      power[k] = 0.25 * (pr * pr + pi * pi);
    }
  }
}
