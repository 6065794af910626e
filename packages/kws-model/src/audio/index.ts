/** Audio I/O: WAV decoding/encoding (any RIFF chunk layout) and band-limited resampling. */
export { checkSampleRate, decodeWav, encodeWav, parseWavLayout, readWav, SAMPLE_RATES, writeWav, type ChannelMix } from './wav.js';
export type { Audio } from './wav.js';
export { fitLength, loadClip, resample, resampleReach } from './resample.js';
export { WavFileReader } from './wav-stream.js';
