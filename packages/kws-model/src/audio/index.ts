/** Audio I/O: WAV decoding/encoding (any RIFF chunk layout) and band-limited resampling. */
export { decodeWav, encodeWav, parseWavLayout, readWav, writeWav, type ChannelMix } from './wav.js';
export type { Audio } from './wav.js';
export { fitLength, loadClip, resample } from './resample.js';
export { WavFileReader } from './wav-stream.js';
