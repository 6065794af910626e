/**
 * WAV (RIFF/WAVE) reading and writing, with no dependencies.
 *
 * Why a chunk walker: Speech Commands files carry extra chunks (`LIST`, `id3 `) before or after
 * `data`, so the 44-byte canonical header cannot be assumed. The decoder walks every chunk (each
 * odd-sized chunk is followed by one padding byte), reads `fmt ` and `data` in either order and
 * skips the rest. It accepts integer PCM (8-bit unsigned, 16/24/32-bit signed), IEEE float
 * (32/64-bit) and WAVE_FORMAT_EXTENSIBLE wrapping either. Integers are scaled to [-1, 1):
 * v / 2^(bits-1) (8-bit: (v - 128) / 128).
 *
 * Channels to mono: averaged by default ('mean'), so a stereo copy of a mono file decodes to the
 * same samples and scores the same (what a user's recording needs: `stream`, `eval`, `data glue`).
 * The course recipe sums them (torchaudio.load, then a sum over channels); the data set loaders
 * that training reads (`loadClips`, `loadNoise`, used by `train` and `distill`) pass 'sum' to
 * follow it. Speech Commands is mono, where the two agree.
 *
 * The encoder writes the canonical 44-byte header, 16-bit PCM (clamped to [-1, 1], rounded) or
 * 32-bit float. File writes are atomic: a temporary file in the same folder, then a rename.
 */
import { readFileBytes, writeFileAtomic } from '../io/files.js';

/** How channels become mono: their mean (default), or their sum (the course recipe). */
export type ChannelMix = 'mean' | 'sum';

/** Mono audio: samples in [-1, 1) (float input may exceed it) and the sample rate in Hz. */
export interface Audio {
  samples: Float32Array;
  sampleRate: number;
}

/**
 * The sample rates accepted (Hz): a declared rate outside them is an error, not work. Why: a
 * 1 Hz header on a one-second file would be resampled to 16 kHz x its length (a hang), and no
 * real recorder goes beyond 384 kHz.
 */
export const SAMPLE_RATES = { min: 1000, max: 384000 } as const;

/** @example checkSampleRate(1, 'a.wav'); // Error "a.wav: sample rate 1 Hz is outside 1000-384000 Hz" */
export function checkSampleRate(rate: number, name: string): void {
  if (!(Number.isInteger(rate) && rate >= SAMPLE_RATES.min && rate <= SAMPLE_RATES.max)) {
    throw new Error(`${name}: sample rate ${rate} Hz is outside ${SAMPLE_RATES.min}-${SAMPLE_RATES.max} Hz`);
  }
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

export interface Fmt {
  format: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bits: number;
}

export interface Span {
  start: number;
  length: number;
}

/** Random access to a WAV's bytes: a buffer in memory, or an open file read piece by piece. */
export interface ByteSource {
  readonly size: number;
  /** The bytes [at, at + length) (fewer at the end of the source). */
  read(at: number, length: number): Uint8Array;
}

/** Where the samples are and how they are encoded: the validated `fmt ` chunk and the `data` span. */
export interface WavLayout {
  fmt: Fmt;
  data: Span;
}

/**
 * Walks the RIFF chunks of `src` (reading only the 8-byte chunk headers and the `fmt ` body) and
 * validates them: one parser for whole buffers (`decodeWav`) and files streamed from disk
 * (`WavFileReader`), so both accept and reject the same files.
 */
export function parseWavLayout(src: ByteSource, name: string): WavLayout {
  const head = src.read(0, 12);
  if (head.length < 12 || fourcc(head, 0) !== 'RIFF' || fourcc(head, 8) !== 'WAVE') {
    throw new Error(`${name}: not a RIFF/WAVE file`);
  }
  let fmt: Fmt | undefined;
  let data: Span | undefined;
  let pos = 12;
  while (pos + 8 <= src.size) {
    const hdr = src.read(pos, 8);
    const id = fourcc(hdr, 0);
    const size = new DataView(hdr.buffer, hdr.byteOffset, 8).getUint32(4, true);
    const start = pos + 8;
    if (id === 'fmt ') {
      if (start + size > src.size || size < 16) throw new Error(`${name}: truncated fmt chunk`);
      const body = src.read(start, size);
      fmt = parseFmt(new DataView(body.buffer, body.byteOffset, body.byteLength), 0, size, name);
    } else if (id === 'data') {
      if (start + size > src.size) throw new Error(`${name}: truncated data chunk`);
      data = { start, length: size };
    }
    pos = start + size + (size & 1);
  }
  if (fmt === undefined) throw new Error(`${name}: no fmt chunk`);
  if (data === undefined) throw new Error(`${name}: no data chunk`);
  return { fmt, data };
}

/** A ByteSource over bytes in memory (views, no copies). */
function bufferSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (at, length) => bytes.subarray(at, Math.min(bytes.length, at + length)) };
}

/**
 * Decodes a RIFF/WAVE byte buffer to mono float samples.
 *
 * @example
 * const { samples, sampleRate } = decodeWav(readFileSync('yes.wav'), 'yes.wav');
 */
export function decodeWav(bytes: Uint8Array, name = '<buffer>', mix: ChannelMix = 'mean'): Audio {
  const { fmt, data } = parseWavLayout(bufferSource(bytes), name);
  const frames = Math.floor(data.length / fmt.blockAlign);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = decodeFrames(view, data.start, fmt, new Float32Array(frames), mix);
  checkFinite(samples, fmt, name);
  return { samples, sampleRate: fmt.sampleRate };
}

/**
 * Throws naming the first NaN/Inf frame of `samples`, which start at frame `first` of the file.
 * Only float formats can hold one, and one would silently turn every later score into NaN (a
 * stream's carried GRU state never recovers). Shared by `decodeWav` and `WavFileReader`.
 * @example checkFinite(x, fmt, 'a.wav', 16000); // Error "a.wav: sample 16800 (at 1.050 s) is NaN"
 */
export function checkFinite(samples: Float32Array, fmt: Fmt, name: string, first = 0): void {
  const bad = fmt.format === FORMAT_FLOAT ? samples.findIndex((v) => !Number.isFinite(v)) : -1;
  const at = first + bad;
  if (bad >= 0) throw new Error(`${name}: sample ${at} (at ${(at / fmt.sampleRate).toFixed(3)} s) is ${samples[bad]}`);
}

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

/** Reads and validates the `fmt ` chunk body; resolves WAVE_FORMAT_EXTENSIBLE to its sub-format. */
function parseFmt(view: DataView, at: number, size: number, name: string): Fmt {
  let format = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bits = view.getUint16(at + 14, true);
  if (format === FORMAT_EXTENSIBLE) {
    if (size < 40) throw new Error(`${name}: truncated WAVE_FORMAT_EXTENSIBLE fmt chunk`);
    format = view.getUint16(at + 24, true); // first two bytes of the sub-format GUID
  }
  const pcmOk = format === FORMAT_PCM && [8, 16, 24, 32].includes(bits);
  const floatOk = format === FORMAT_FLOAT && (bits === 32 || bits === 64);
  if (format !== FORMAT_PCM && format !== FORMAT_FLOAT) throw new Error(`${name}: unsupported format ${format}`);
  if (!pcmOk && !floatOk) throw new Error(`${name}: unsupported ${bits}-bit samples for format ${format}`);
  if (channels === 0) throw new Error(`${name}: zero channels`);
  checkSampleRate(sampleRate, name);
  // Frames are read at multiples of blockAlign and samples at multiples of bits / 8 inside them:
  // any other block align (3 for 16-bit mono) would decode misaligned bytes as noise.
  if (blockAlign !== (channels * bits) / 8) {
    throw new Error(`${name}: block align ${blockAlign} does not match ${channels} channel(s) x ${bits}-bit (${(channels * bits) / 8} bytes a frame)`);
  }
  return { format, channels, sampleRate, blockAlign, bits };
}

/** Reads one sample's raw value scaled to [-1, 1). */
function sampleReader(view: DataView, fmt: Fmt): (at: number) => number {
  if (fmt.format === FORMAT_FLOAT) {
    return fmt.bits === 32 ? (at) => view.getFloat32(at, true) : (at) => view.getFloat64(at, true);
  }
  switch (fmt.bits) {
    case 8:
      return (at) => (view.getUint8(at) - 128) / 128;
    case 16:
      return (at) => view.getInt16(at, true) / 32768;
    case 24:
      return (at) => (((view.getUint8(at + 2) << 24) >> 8) | view.getUint16(at, true)) / 8388608;
    default:
      return (at) => view.getInt32(at, true) / 2147483648;
  }
}

/**
 * Decodes out.length whole frames starting at byte `at` of `view`, mixing channels to mono (mean or sum).
 * @example decodeFrames(view, 44, fmt, new Float32Array(1600)) // the first 1,600 frames of a canonical file
 */
export function decodeFrames(view: DataView, at: number, fmt: Fmt, out: Float32Array, mix: ChannelMix = 'mean'): Float32Array {
  const width = fmt.bits / 8;
  const read = sampleReader(view, fmt);
  for (let f = 0; f < out.length; f++) {
    const base = at + f * fmt.blockAlign;
    let sum = 0;
    for (let c = 0; c < fmt.channels; c++) sum += read(base + c * width);
    out[f] = mix === 'sum' ? sum : sum / fmt.channels;
  }
  return out;
}

/**
 * Encodes mono samples as a canonical 44-byte-header WAV: 16-bit PCM (clamped to [-1, 1],
 * rounded, 1.0 maps to 32767) or 32-bit IEEE float (clamped).
 *
 * @example
 * const bytes = encodeWav(new Float32Array(16000), 16000); // one second of silence
 */
export function encodeWav(samples: Float32Array, sampleRate: number, bits: 16 | 32 = 16): Uint8Array {
  if (!(Number.isInteger(sampleRate) && sampleRate > 0)) {
    throw new RangeError(`encodeWav: sample rate must be a positive integer, got ${sampleRate}`);
  }
  const width = bits / 8;
  const dataBytes = samples.length * width;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string): void => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, bits === 16 ? FORMAT_PCM : FORMAT_FLOAT, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * width, true);
  view.setUint16(32, width, true);
  view.setUint16(34, bits, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-1, Math.min(1, samples[i]));
    if (bits === 16) view.setInt16(44 + 2 * i, Math.max(-32768, Math.min(32767, Math.round(v * 32768))), true);
    else view.setFloat32(44 + 4 * i, v, true);
  }
  return out;
}

/**
 * Reads a WAV file; every error names the path.
 *
 * @example
 * const { samples, sampleRate } = readWav('data/sheila/0a7c2a8d_nohash_0.wav');
 */
export function readWav(path: string, mix: ChannelMix = 'mean'): Audio {
  return decodeWav(readFileBytes(path), path, mix);
}

/**
 * Writes a WAV file atomically: a temporary file in the same folder, then a rename.
 *
 * @example
 * writeWav('out/tone.wav', samples, 16000);
 */
export function writeWav(path: string, samples: Float32Array, sampleRate: number, bits: 16 | 32 = 16): void {
  writeFileAtomic(path, encodeWav(samples, sampleRate, bits));
}
