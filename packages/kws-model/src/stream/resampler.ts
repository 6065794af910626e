/**
 * Chunked resampling that equals `resample(whole signal, from, to)` sample for sample, for a
 * stream that arrives in pieces (a microphone at 44.1 or 48 kHz piped in as raw PCM).
 *
 * Why it can be exact. `resample` computes output n from the input around b = ⌊n·down/up⌋ with
 * the taps of phase p = n·down − b·up, reading x[b − half + 1 .. b + half] (zero outside the
 * signal), up/down = to/from in lowest terms. Resampling a segment that starts at input index
 * s0 = K·down gives, as its output m, the output n = K·up + m of the whole signal (same b − s0,
 * same phase), as long as the segment holds every input that output reads. So each batch resamples
 * the buffered segment from an aligned start and keeps the outputs whose inputs have all arrived
 * (b + half < samples seen); `flush` treats the samples after the end as zeros, as `resample` does,
 * and ends with round(L·up/down) outputs in all.
 *
 * Memory: the buffer keeps the inputs from the aligned start the next output needs (about
 * 2·half + down samples) plus the newest piece; a long chunk is taken in pieces of `block`.
 */
import { resample } from '../audio/resample.js';

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** As resample.ts (a test holds the two equal): cutoff 0.9·min(1, to/from) of the input Nyquist, 32 zero crossings each side. */
function halfWidth(from: number, to: number): number {
  return Math.ceil(32 / (0.9 * Math.min(1, to / from)));
}

/**
 * @example
 * const rs = new StreamResampler(48000, 16000);
 * const y = rs.push(chunk48k); // the 16 kHz samples that chunk completes
 * const tail = rs.flush();     // the rest, the end zero-padded as resample() does
 */
export class StreamResampler {
  readonly up: number;
  readonly down: number;
  private readonly half: number;
  private buf = new Float32Array(0);
  /** Absolute input index of buf[0]. */
  private start = 0;
  private seen = 0;
  private next = 0;

  constructor(readonly from: number, readonly to: number, readonly block = 8192) {
    for (const rate of [from, to]) {
      if (!(Number.isInteger(rate) && rate > 0)) throw new RangeError(`StreamResampler: rates must be positive integers, got ${rate}`);
    }
    const g = gcd(from, to);
    this.up = to / g;
    this.down = from / g;
    this.half = halfWidth(from, to);
  }

  /** Input samples held now. */
  get buffered(): number {
    return this.buf.length;
  }

  /** Append input; returns the outputs it completes. */
  push(x: Float32Array): Float32Array {
    if (this.from === this.to) return x.slice();
    const parts: Float32Array[] = [];
    for (let at = 0; at < x.length; at += this.block) {
      this.append(x.subarray(at, at + this.block));
      // Output n is complete when its last input b(n) + half has arrived: b(n) ≤ seen − 1 − half,
      // i.e. n < (seen − half)·up/down.
      const end = Math.ceil(((this.seen - this.half) * this.up) / this.down);
      parts.push(this.emit(end));
    }
    return concat(parts);
  }

  /** The outputs left, zero-padding after the last input; the stream is over. */
  flush(): Float32Array {
    if (this.from === this.to) return new Float32Array(0);
    return this.emit(Math.round((this.seen * this.up) / this.down));
  }

  private append(x: Float32Array): void {
    const grown = new Float32Array(this.buf.length + x.length);
    grown.set(this.buf);
    grown.set(x, this.buf.length);
    this.buf = grown;
    this.seen += x.length;
  }

  /** Outputs next .. end − 1 from one resample() of the buffered segment; then drop old input. */
  private emit(end: number): Float32Array {
    if (end <= this.next) return new Float32Array(0);
    const s0 = this.alignedStart(this.next);
    const y = resample(this.buf.subarray(s0 - this.start), this.from, this.to);
    const m0 = this.next - (s0 / this.down) * this.up;
    const out = y.slice(m0, m0 + end - this.next);
    this.next = end;
    const keep = this.alignedStart(this.next) - this.start;
    if (keep > 0) {
      this.buf = this.buf.slice(keep);
      this.start += keep;
    }
    return out;
  }

  /** The multiple of `down` at or before the first input output n reads (never before the buffer). */
  private alignedStart(n: number): number {
    const b = Math.floor((n * this.down) / this.up);
    const first = Math.max(0, b - this.half + 1);
    return Math.max(this.start, Math.floor(first / this.down) * this.down);
  }
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
