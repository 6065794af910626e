/**
 * Fast Fourier transforms for the log-mel front end, in plain float64 typed arrays.
 *
 * Forward DFT convention (numpy / torch.stft): X[k] = Σ_t x[t] · exp(-2πi·t·k / n).
 *
 * `ComplexFFT` is a mixed-radix Stockham autosort FFT (radices 4, 2, 3, 5). One decimation-in-
 * frequency stage of radix r splits a sub-problem of size n into r sub-problems of size m = n/r:
 *   y_k1[p] = W_n^(p·k1) · Σ_j x[p + j·m] · W_r^(j·k1),   X[k1 + r·k2] = DFT_m(y_k1)[k2],
 * and stores y_k1[p] at q + s·(r·p + k1) (s = sub-problems so far), so the output comes out in
 * natural order without a bit-reversal pass, ping-ponging between two buffers. The twiddles
 * W_n^(p·k) of every stage are computed once per instance.
 *
 * `RealFFT` of even size n packs the real input into a complex sequence of half the size,
 * z[j] = x[2j] + i·x[2j+1], takes Z = DFT_{n/2}(z), and unpacks the one-sided spectrum:
 *   E[k] = (Z[k] + conj Z[n/2-k]) / 2,  O[k] = (Z[k] - conj Z[n/2-k]) / 2i,  X[k] = E[k] + W_n^k·O[k].
 * Why: the feature front end needs a 400-point real DFT per frame (400 = 2^4 · 5^2); a DFT
 * matrix would cost 400·201 multiply-adds per frame, the packed FFT about 20 times less.
 * Odd n falls back to a full complex transform with a zero imaginary part.
 */

interface Stage {
  readonly radix: number;
  /** Length of each sub-problem after this stage (n / radix of the stage's input). */
  readonly m: number;
  /** Number of independent sub-problems going into this stage. */
  readonly s: number;
  /** Twiddles W_n^(p·k), p in [0, m), k in [1, radix): re at 2·(p·(radix-1) + k-1), im next. */
  readonly tw: Float64Array;
}

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

function makeStage(radix: number, size: number, s: number): Stage {
  const m = size / radix;
  const tw = new Float64Array(2 * m * (radix - 1));
  for (let p = 0; p < m; p++) {
    for (let k = 1; k < radix; k++) {
      const a = (-2 * Math.PI * p * k) / size;
      const at = 2 * (p * (radix - 1) + k - 1);
      tw[at] = Math.cos(a);
      tw[at + 1] = Math.sin(a);
    }
  }
  return { radix, m, s, tw };
}

type Butterfly = (st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array) => void;

function radix2(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, s, tw } = st;
  for (let p = 0; p < m; p++) {
    const w1r = tw[2 * p], w1i = tw[2 * p + 1];
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p, i1 = i0 + s * m;
      const o0 = q + s * 2 * p, o1 = o0 + s;
      const ar = xr[i0], ai = xi[i0], br = xr[i1], bi = xi[i1];
      yr[o0] = ar + br;
      yi[o0] = ai + bi;
      const dr = ar - br, di = ai - bi;
      yr[o1] = dr * w1r - di * w1i;
      yi[o1] = dr * w1i + di * w1r;
    }
  }
}

const SIN3 = Math.sqrt(3) / 2;

function radix3(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, s, tw } = st;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const w1r = tw[4 * p], w1i = tw[4 * p + 1], w2r = tw[4 * p + 2], w2i = tw[4 * p + 3];
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p, o0 = q + s * 3 * p;
      const a0r = xr[i0], a0i = xi[i0];
      const a1r = xr[i0 + sm], a1i = xi[i0 + sm], a2r = xr[i0 + 2 * sm], a2i = xi[i0 + 2 * sm];
      const sr = a1r + a2r, si = a1i + a2i;
      const dr = SIN3 * (a1r - a2r), di = SIN3 * (a1i - a2i);
      const cr = a0r - 0.5 * sr, ci = a0i - 0.5 * si;
      yr[o0] = a0r + sr;
      yi[o0] = a0i + si;
      const b1r = cr + di, b1i = ci - dr, b2r = cr - di, b2i = ci + dr;
      yr[o0 + s] = b1r * w1r - b1i * w1i;
      yi[o0 + s] = b1r * w1i + b1i * w1r;
      yr[o0 + 2 * s] = b2r * w2r - b2i * w2i;
      yi[o0 + 2 * s] = b2r * w2i + b2i * w2r;
    }
  }
}

function radix4(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, s, tw } = st;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const t = 6 * p;
    const w1r = tw[t], w1i = tw[t + 1], w2r = tw[t + 2], w2i = tw[t + 3], w3r = tw[t + 4], w3i = tw[t + 5];
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p, o0 = q + s * 4 * p;
      const a0r = xr[i0], a0i = xi[i0], a1r = xr[i0 + sm], a1i = xi[i0 + sm];
      const a2r = xr[i0 + 2 * sm], a2i = xi[i0 + 2 * sm], a3r = xr[i0 + 3 * sm], a3i = xi[i0 + 3 * sm];
      const t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
      const t2r = a1r + a3r, t2i = a1i + a3i, t3r = a1r - a3r, t3i = a1i - a3i;
      yr[o0] = t0r + t2r;
      yi[o0] = t0i + t2i;
      const b1r = t1r + t3i, b1i = t1i - t3r; // t1 - i·t3
      const b2r = t0r - t2r, b2i = t0i - t2i;
      const b3r = t1r - t3i, b3i = t1i + t3r; // t1 + i·t3
      yr[o0 + s] = b1r * w1r - b1i * w1i;
      yi[o0 + s] = b1r * w1i + b1i * w1r;
      yr[o0 + 2 * s] = b2r * w2r - b2i * w2i;
      yi[o0 + 2 * s] = b2r * w2i + b2i * w2r;
      yr[o0 + 3 * s] = b3r * w3r - b3i * w3i;
      yi[o0 + 3 * s] = b3r * w3i + b3i * w3r;
    }
  }
}

const C51 = Math.cos((2 * Math.PI) / 5), C52 = Math.cos((4 * Math.PI) / 5);
const S51 = Math.sin((2 * Math.PI) / 5), S52 = Math.sin((4 * Math.PI) / 5);

/** Store b·w at y[o] (complex multiply by a twiddle). */
function put(yr: Float64Array, yi: Float64Array, o: number, br: number, bi: number, wr: number, wi: number): void {
  yr[o] = br * wr - bi * wi;
  yi[o] = br * wi + bi * wr;
}

function radix5(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, s, tw } = st;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const t = 8 * p;
    const w1r = tw[t], w1i = tw[t + 1], w2r = tw[t + 2], w2i = tw[t + 3];
    const w3r = tw[t + 4], w3i = tw[t + 5], w4r = tw[t + 6], w4i = tw[t + 7];
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p, o0 = q + s * 5 * p;
      const a0r = xr[i0], a0i = xi[i0];
      const a1r = xr[i0 + sm], a1i = xi[i0 + sm], a2r = xr[i0 + 2 * sm], a2i = xi[i0 + 2 * sm];
      const a3r = xr[i0 + 3 * sm], a3i = xi[i0 + 3 * sm], a4r = xr[i0 + 4 * sm], a4i = xi[i0 + 4 * sm];
      const s14r = a1r + a4r, s14i = a1i + a4i, d14r = a1r - a4r, d14i = a1i - a4i;
      const s23r = a2r + a3r, s23i = a2i + a3i, d23r = a2r - a3r, d23i = a2i - a3i;
      yr[o0] = a0r + s14r + s23r;
      yi[o0] = a0i + s14i + s23i;
      // b1,4 = A ∓ i·U with A = a0 + c1·s14 + c2·s23, U = s1·d14 + s2·d23 (and c, s swapped for b2,3).
      const ar = a0r + C51 * s14r + C52 * s23r, ai = a0i + C51 * s14i + C52 * s23i;
      const ur = S51 * d14r + S52 * d23r, ui = S51 * d14i + S52 * d23i;
      const br = a0r + C52 * s14r + C51 * s23r, bi = a0i + C52 * s14i + C51 * s23i;
      const vr = S52 * d14r - S51 * d23r, vi = S52 * d14i - S51 * d23i;
      put(yr, yi, o0 + s, ar + ui, ai - ur, w1r, w1i);
      put(yr, yi, o0 + 2 * s, br + vi, bi - vr, w2r, w2i);
      put(yr, yi, o0 + 3 * s, br - vi, bi + vr, w3r, w3i);
      put(yr, yi, o0 + 4 * s, ar - ui, ai + ur, w4r, w4i);
    }
  }
}

const BUTTERFLIES: Record<number, Butterfly> = { 2: radix2, 3: radix3, 4: radix4, 5: radix5 };

/**
 * In-place complex FFT of a fixed size whose prime factors are 2, 3 and 5.
 *
 * @example
 * const fft = new ComplexFFT(8);
 * const re = new Float64Array([1, 0, 0, 0, 0, 0, 0, 0]), im = new Float64Array(8);
 * fft.transform(re, im); // re is all ones, im all zeros
 */
export class ComplexFFT {
  readonly n: number;
  private readonly stages: Stage[] = [];
  private readonly wr: Float64Array;
  private readonly wi: Float64Array;

  constructor(n: number) {
    this.n = n;
    let size = n;
    let s = 1;
    for (const r of factorize(n)) {
      this.stages.push(makeStage(r, size, s));
      size /= r;
      s *= r;
    }
    this.wr = new Float64Array(n);
    this.wi = new Float64Array(n);
  }

  /** Forward transform of (re, im), both of length >= n, in place (the first n entries). */
  transform(re: Float64Array, im: Float64Array): void {
    if (re.length < this.n || im.length < this.n) {
      throw new RangeError(`ComplexFFT(${this.n}): buffers of length ${re.length}, ${im.length} are too short`);
    }
    let xr = re, xi = im, yr = this.wr, yi = this.wi;
    for (const st of this.stages) {
      BUTTERFLIES[st.radix](st, xr, xi, yr, yi);
      const tr = xr, ti = xi;
      xr = yr;
      xi = yi;
      yr = tr;
      yi = ti;
    }
    if (xr !== re) {
      for (let i = 0; i < this.n; i++) {
        re[i] = xr[i];
        im[i] = xi[i];
      }
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
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  /** W_n^k = exp(-2πi k/n) for k = 0..n/2 (even n only). */
  private readonly cr: Float64Array;
  private readonly ci: Float64Array;

  constructor(n: number) {
    factorize(n); // validates n with a clear error
    this.n = n;
    this.bins = Math.floor(n / 2) + 1;
    const even = n % 2 === 0;
    const inner = even ? n / 2 : n;
    this.inner = new ComplexFFT(inner);
    this.zr = new Float64Array(inner);
    this.zi = new Float64Array(inner);
    this.cr = new Float64Array(even ? this.bins : 0);
    this.ci = new Float64Array(even ? this.bins : 0);
    for (let k = 0; k < this.cr.length; k++) {
      this.cr[k] = Math.cos((-2 * Math.PI * k) / n);
      this.ci[k] = Math.sin((-2 * Math.PI * k) / n);
    }
  }

  /** X = DFT(input) for k = 0..bins-1 into re, im (each of length >= bins); input has length n. */
  forward(input: ArrayLike<number>, re: Float64Array, im: Float64Array): void {
    const { n, bins, zr, zi } = this;
    if (input.length !== n) throw new RangeError(`RealFFT(${n}): input has length ${input.length}, expected ${n}`);
    if (re.length < bins || im.length < bins) {
      throw new RangeError(`RealFFT(${n}): outputs need length >= ${bins}, got ${re.length}, ${im.length}`);
    }
    if (n % 2 === 1) {
      for (let t = 0; t < n; t++) {
        zr[t] = input[t];
        zi[t] = 0;
      }
      this.inner.transform(zr, zi);
      for (let k = 0; k < bins; k++) {
        re[k] = zr[k];
        im[k] = zi[k];
      }
      return;
    }
    const half = n / 2;
    for (let j = 0; j < half; j++) {
      zr[j] = input[2 * j];
      zi[j] = input[2 * j + 1];
    }
    this.inner.transform(zr, zi);
    this.unpack(re, im);
  }

  /** X[k] = E[k] + W^k O[k] from the half-size transform Z held in zr, zi. */
  private unpack(re: Float64Array, im: Float64Array): void {
    const { zr, zi, cr, ci } = this;
    const half = this.n / 2;
    for (let k = 0; k <= half; k++) {
      const a = k === half ? 0 : k;
      const b = k === 0 ? 0 : half - k;
      const er = 0.5 * (zr[a] + zr[b]), ei = 0.5 * (zi[a] - zi[b]);
      // O = (Z[k] - conj Z[half-k]) / 2i = (D.im, -D.re) / 2
      const or = 0.5 * (zi[a] + zi[b]), oi = -0.5 * (zr[a] - zr[b]);
      re[k] = er + cr[k] * or - ci[k] * oi;
      im[k] = ei + cr[k] * oi + ci[k] * or;
    }
  }
}
