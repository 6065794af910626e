/**
 * Incremental log-mel front end: the same frames as `LogMel.compute` on the whole stream, computed
 * as the samples arrive, keeping only the samples that later frames still overlap.
 *
 * Frame t of a stream x[0..] reads the nFft samples x[t·hop - pad .. t·hop - pad + nFft) (pad =
 * nFft/2 = 200, hop = 160), exactly as the offline `center=True` front end does.
 *
 * Start of the stream (matching the offline centre padding). Offline, `center=True` reflect-pads
 * the clip: x[-i] = x[i] (the edge sample not repeated). The first frames of the stream (t·hop < pad,
 * i.e. frames 0 and 1) read negative indices and get the same reflection, so the stream's first
 * second is featurised exactly as the offline model featurises a clip that starts there. Frame 0
 * reads x[-200..199] and its reflection needs x[200] too, so it waits for 201 samples.
 *
 * End of the stream. Offline also reflects the end, x[L-1+i] = x[L-1-i]. A live stream has no end,
 * so frames are only emitted once their samples have all arrived; `flush()` declares the end and
 * emits the remaining floor(L/hop) + 1 - emitted frames with the offline end reflection. After
 * flush the frames of the whole stream equal `LogMel.compute(all samples)` bit for bit.
 *
 * Memory: one buffer of 2·nFft samples; a frame t + 1 needs samples from (t+1)·hop - pad, and the
 * end reflection of the last frame reaches one sample before its start, so the buffer keeps
 * samples from max(0, first - 1) on and drops the rest.
 */
import { LogMel, logClamp } from '../features/logmel.js';

export type FrameSink = (logMel: Float32Array) => void;

/**
 * @example
 * const front = new StreamingLogMel();
 * front.push(chunk, (col) => use(col)); // col: 40 log-mel values of the next frame
 * front.flush((col) => use(col));        // the end of the stream, reflect-padded as offline
 */
export class StreamingLogMel {
  readonly fe: LogMel;
  /** Samples from absolute index `base` on: buf[0 .. len). */
  private readonly buf: Float32Array;
  private len = 0;
  private base = 0;
  private seen = 0;
  private next = 0;
  private ended = false;
  /** A frame that reflects at an end of the stream, gathered (float32 like the samples: exact). */
  private readonly reflected: Float32Array;
  private readonly col: Float32Array;

  constructor(fe: LogMel = new LogMel()) {
    this.fe = fe;
    this.buf = new Float32Array(2 * fe.nFft);
    this.reflected = new Float32Array(fe.nFft);
    this.col = new Float32Array(fe.nMels);
  }

  /** Frames emitted so far. */
  get frames(): number {
    return this.next;
  }

  /** Samples pushed so far. */
  get samples(): number {
    return this.seen;
  }

  /** Samples held right now (bounded by 2·nFft whatever the stream length). */
  get buffered(): number {
    return this.len;
  }

  /** Append samples; calls `sink` once per completed frame, in order. */
  push(samples: Float32Array, sink: FrameSink): void {
    if (this.ended) throw new Error('StreamingLogMel: push after flush (call reset() to start a new stream)');
    let at = 0;
    while (at < samples.length) {
      const n = Math.min(samples.length - at, this.buf.length - this.len);
      this.buf.set(samples.subarray(at, at + n), this.len);
      this.len += n;
      this.seen += n;
      at += n;
      while (this.ready(this.next)) this.emit(Infinity, sink);
      this.drop();
    }
  }

  /**
   * End of stream: the frames left, with the end reflect-padded as offline (floor(L/hop) + 1
   * frames in all). A stream of at most `pad` samples has no complete frame (offline rejects it).
   */
  flush(sink: FrameSink): void {
    if (this.ended) return;
    this.ended = true;
    const L = this.seen;
    if (L <= this.fe.pad) return;
    const total = this.fe.frames(L);
    while (this.next < total) this.emit(L, sink);
  }

  /** Forget everything: a new stream starts at sample 0. */
  reset(): void {
    this.len = 0;
    this.base = 0;
    this.seen = 0;
    this.next = 0;
    this.ended = false;
  }

  private first(t: number): number {
    return t * this.fe.hop - this.fe.pad;
  }

  /** All samples of frame t have arrived: the last index it reads, directly or by reflection. */
  private ready(t: number): boolean {
    const f = this.first(t);
    return Math.max(f + this.fe.nFft - 1, -f) < this.seen;
  }

  /** Window frame `next` (reflecting i < 0 and i >= L), log-mel it, hand it to the sink. */
  private emit(L: number, sink: FrameSink): void {
    const f = this.first(this.next);
    const { buf, reflected, base } = this;
    const N = reflected.length;
    if (f >= 0 && f + N <= L) {
      this.fe.frameMelPowerAt(buf, f - base, this.col); // the usual case: read in place
    } else {
      for (let n = 0; n < N; n++) {
        const i = f + n;
        const j = i < 0 ? -i : i >= L ? 2 * L - 2 - i : i;
        reflected[n] = buf[j - base];
      }
      this.fe.frameMelPowerAt(reflected, 0, this.col);
    }
    logClamp(this.col);
    this.next++;
    sink(this.col);
  }

  /** Drop the samples no later frame reads. */
  private drop(): void {
    const keep = Math.max(0, this.first(this.next) - 1);
    const k = Math.min(keep - this.base, this.len);
    if (k <= 0) return;
    this.buf.copyWithin(0, k, this.len);
    this.len -= k;
    this.base += k;
  }
}
