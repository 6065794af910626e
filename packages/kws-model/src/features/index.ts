/**
 * Log-mel front end: real FFT, HTK mel filterbank, torchaudio-equal log-mel features, and the
 * training-only SpecAugment. Plain typed arrays, no autograd.
 */
export { ComplexFFT, RealFFT, factorize } from './fft.js';
export {
  HOP,
  LOG_CLAMP_MAX,
  LOG_CLAMP_MIN,
  LogMel,
  N_FFT,
  N_MELS,
  SAMPLE_RATE,
  hannWindow,
  hzToMel,
  logClamp,
  melFilterbank,
  melToHz,
} from './logmel.js';
export type { LogMelOptions, MelFilterbankOptions, MelFrames } from './logmel.js';
export { drawMask, specAugment } from './specaugment.js';
export type { SpecMask, SpecAugmentOptions } from './specaugment.js';
