/**
 * Audio sources for `kws-cli stream`, as async sequences of 16 kHz float chunks:
 *   a WAV file at any rate (read from disk in pieces and resampled as it is read), or
 *   raw signed 16-bit little-endian mono PCM from a byte stream (stdin), decoded as it arrives:
 *   x = int16 / 32768, an odd trailing byte carried to the next read, other rates resampled in
 *   chunks by StreamResampler (equal to resampling the whole recording).
 */
import { StreamResampler, WavFileReader } from '@kws/kws-model';

export const RATE = 16000;

/**
 * The samples of a WAV file at 16 kHz, read from disk `chunk` input frames at a time (100 ms at
 * 16 kHz) and resampled as they come (StreamResampler: equal to resampling the whole file), so
 * memory stays flat for any file length. The file is closed when the sequence ends or is abandoned.
 * @example for await (const x of wavChunks('track.wav')) kws.push(x);
 */
export async function* wavChunks(path: string, chunk = 1600): AsyncGenerator<Float32Array> {
  const wav = new WavFileReader(path);
  try {
    const rs = wav.sampleRate === RATE ? null : new StreamResampler(wav.sampleRate, RATE);
    for (let x = wav.read(chunk); x.length > 0; x = wav.read(chunk)) {
      const y = rs ? rs.push(x) : x;
      if (y.length > 0) yield y;
      await Promise.resolve();
    }
    const tail = rs?.flush();
    if (tail && tail.length > 0) yield tail;
  } finally {
    wav.close();
  }
}

/** Decodes s16le bytes to floats, keeping an odd byte for the next call. */
export class PcmDecoder {
  private carry: number | null = null;

  /** @example new PcmDecoder().decode(Uint8Array.of(0, 0x40)) // [0.5] */
  decode(bytes: Uint8Array): Float32Array {
    let src = bytes;
    if (this.carry !== null) {
      src = new Uint8Array(bytes.length + 1);
      src[0] = this.carry;
      src.set(bytes, 1);
      this.carry = null;
    }
    const n = src.length >> 1;
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, true) / 32768;
    if (src.length % 2 === 1) this.carry = src[src.length - 1];
    return out;
  }

  /** True if a byte is left over (the stream ended mid-sample). */
  get pending(): boolean {
    return this.carry !== null;
  }
}

/**
 * 16 kHz chunks from raw PCM bytes at `rate`, as they arrive.
 * @example for await (const x of pcmChunks(process.stdin, 48000)) kws.push(x);
 */
export async function* pcmChunks(source: AsyncIterable<Uint8Array>, rate: number, warn?: (message: string) => void): AsyncGenerator<Float32Array> {
  const dec = new PcmDecoder();
  const rs = rate === RATE ? null : new StreamResampler(rate, RATE);
  for await (const bytes of source) {
    const x = dec.decode(bytes);
    const y = rs ? rs.push(x) : x;
    if (y.length > 0) yield y;
  }
  if (dec.pending) warn?.('the input ended mid-sample: its odd last byte was dropped (s16le samples are 2 bytes)');
  if (rs) {
    const tail = rs.flush();
    if (tail.length > 0) yield tail;
  }
}
