/**
 * A WAV file streamed from disk: the header is parsed by the same walker as `decodeWav`
 * (`parseWavLayout`: every check on the fmt and data chunks applies to both), then the data chunk
 * is read piece by piece (positioned reads, nothing else kept) and decoded to mono floats. Memory
 * is one piece's bytes and samples, whatever the file's length.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readProblem, regularFileSize } from '../io/files.js';
import { checkFinite, decodeFrames, parseWavLayout, type ByteSource, type ChannelMix, type Fmt, type Span } from './wav.js';

/** A ByteSource over an open file descriptor (reads at positions; nothing kept). */
function fileSource(fd: number): ByteSource {
  const size = fstatSync(fd).size;
  return {
    size,
    read(at, length) {
      const n = Math.max(0, Math.min(length, size - at));
      const buf = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const r = readSync(fd, buf, got, n - got, at + got);
        if (r === 0) break;
        got += r;
      }
      return buf.subarray(0, got);
    },
  };
}

/**
 * @example
 * const wav = new WavFileReader('long.wav');
 * for (let x = wav.read(4096); x.length > 0; x = wav.read(4096)) use(x, wav.sampleRate);
 * wav.close();
 */
export class WavFileReader {
  readonly sampleRate: number;
  /** Whole frames (samples per channel) in the data chunk. */
  readonly frames: number;
  private readonly fd: number;
  private readonly fmt: Fmt;
  private readonly data: Span;
  private readonly src: ByteSource;
  private pos = 0;
  private closed = false;

  /** `mix`: channels averaged (default) or summed to mono, as `readWav`. */
  constructor(readonly path: string, readonly mix: ChannelMix = 'mean') {
    regularFileSize(path); // a FIFO would block the open until a writer comes
    try {
      this.fd = openSync(path, 'r');
    } catch (err) {
      throw new Error(`${path}: cannot read (${readProblem(err)})`);
    }
    try {
      this.src = fileSource(this.fd);
      ({ fmt: this.fmt, data: this.data } = parseWavLayout(this.src, path));
    } catch (err) {
      closeSync(this.fd);
      throw err;
    }
    this.sampleRate = this.fmt.sampleRate;
    this.frames = Math.floor(this.data.length / this.fmt.blockAlign);
  }

  /** Frames read so far. */
  get position(): number {
    return this.pos;
  }

  /** The next at most `maxFrames` frames as mono floats (empty at the end); a new array each call. */
  read(maxFrames: number): Float32Array {
    if (this.closed) throw new Error(`${this.path}: read after close`);
    const n = Math.min(maxFrames, this.frames - this.pos);
    if (n <= 0) return new Float32Array(0);
    const { blockAlign } = this.fmt;
    const bytes = this.src.read(this.data.start + this.pos * blockAlign, n * blockAlign);
    if (bytes.length < n * blockAlign) throw new Error(`${this.path}: the file shrank while being read`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = decodeFrames(view, 0, this.fmt, new Float32Array(n), this.mix);
    checkFinite(out, this.fmt, this.path, this.pos);
    this.pos += n;
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}
