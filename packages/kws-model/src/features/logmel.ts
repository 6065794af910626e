/**
 * Log-mel spectrogram, number for number torchaudio's
 * `MelSpectrogram(16000, n_fft=400, win_length=400, hop_length=160, n_mels=40)` followed by
 * `log(clamp(x, 1e-9, 1e9))`, which is the input (40, T) of the course's CRNN.
 *
 *   pad     center=True: reflect-pad nFft/2 samples each side, the edge sample not repeated
 *           (x[-i] = x[i], x[L-1+i] = x[L-1-i]); frames = floor((L + 2·pad - nFft) / hop) + 1,
 *           so 16,000 samples give 101 frames.
 *   window  periodic Hann w[n] = 0.5 - 0.5·cos(2πn / nFft), n = 0..nFft-1 (torch.hann_window).
 *   power   P[t, k] = |Σ_n w[n]·x[t·hop + n - pad]·exp(-2πi·n·k / nFft)|², k = 0..nFft/2
 *           (one-sided, no zero padding), by a real FFT (fft.ts).
 *   mel     M[m, t] = Σ_k P[t, k]·fb[k, m], fb = HTK triangles (torchaudio `melscale_fbanks`,
 *           norm=None, mel_scale='htk'): mel(f) = 2595·log10(1 + f/700), nMels + 2 points equally
 *           spaced in mel from fMin = 0 to fMax = sampleRate/2, bin k at k·(sampleRate/2)/(bins-1),
 *           fb[k, m] = max(0, min((f_k - f_m)/(f_{m+1} - f_m), (f_{m+2} - f_k)/(f_{m+2} - f_{m+1}))).
 *   log     natural log of the power clamped to [1e-9, 1e9].
 *
 * Why plain typed arrays and no autograd: features are computed once per clip and never need a
 * gradient. Per frame: window·x is packed straight from the clip (or the stream's buffer) into the
 * FFT, the power |X|² comes out of the real FFT's unpack, and each bin is under at most two
 * triangles, so the mel step is about 2 multiply-adds per bin instead of 40 (melbank.ts). No
 * allocation per frame: the scratch is allocated once and reused.
 */
import { RealFFT } from './fft.js';
import { MelBank } from './melbank.js';

export const SAMPLE_RATE = 16000;
export const N_FFT = 400;
export const HOP = 160;
export const N_MELS = 40;
export const LOG_CLAMP_MIN = 1e-9;
export const LOG_CLAMP_MAX = 1e9;

export interface LogMelOptions {
  sampleRate?: number;
  nFft?: number;
  hop?: number;
  nMels?: number;
}

export interface MelFilterbankOptions {
  sampleRate?: number;
  nFft?: number;
  nMels?: number;
  fMin?: number;
  /** Defaults to floor(sampleRate / 2), as torchaudio. */
  fMax?: number;
}

/** A (nMels, frames) row-major feature map: data[m * frames + t]. */
export interface MelFrames {
  data: Float32Array;
  frames: number;
}

/**
 * Periodic Hann window (torch.hann_window(n), periodic=True).
 *
 * @example
 * hannWindow(4); // [0, 0.5, 1, 0.5]
 */
export function hannWindow(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

/** HTK mel scale: 2595·log10(1 + f/700). */
export function hzToMel(f: number): number {
  return 2595 * Math.log10(1 + f / 700);
}

/** Inverse of hzToMel: 700·(10^(mel/2595) - 1). */
export function melToHz(mel: number): number {
  return 700 * (10 ** (mel / 2595) - 1);
}

/**
 * HTK triangular mel filterbank, torchaudio `melscale_fbanks(nFft/2+1, fMin, fMax, nMels,
 * sampleRate, norm=None, mel_scale='htk')`, row-major (bins, nMels): fb[k * nMels + m].
 *
 * @example
 * const fb = melFilterbank(); // 201 × 40, as MelSpectrogram(16000, n_fft=400, n_mels=40)
 * fb[1 * 40 + 0];             // weight of bin 1 (40 Hz) in the first filter
 */
export function melFilterbank(opts: MelFilterbankOptions = {}): Float32Array {
  const sampleRate = opts.sampleRate ?? SAMPLE_RATE;
  const nFft = opts.nFft ?? N_FFT;
  const nMels = opts.nMels ?? N_MELS;
  const fMin = opts.fMin ?? 0;
  const fMax = opts.fMax ?? Math.floor(sampleRate / 2);
  const bins = Math.floor(nFft / 2) + 1;
  const nyquist = Math.floor(sampleRate / 2);
  const mMin = hzToMel(fMin), mMax = hzToMel(fMax);
  const fPts = new Float64Array(nMels + 2);
  for (let i = 0; i < nMels + 2; i++) fPts[i] = melToHz(mMin + ((mMax - mMin) * i) / (nMels + 1));
  // The end points are fMin and fMax exactly (mel round trips drift by an ulp, which would leave a
  // 1e-15 weight on the Nyquist bin where torchaudio's float32 maths gives 0).
  fPts[0] = fMin;
  fPts[nMels + 1] = fMax;
  const fb = new Float32Array(bins * nMels);
  for (let k = 0; k < bins; k++) {
    const f = bins === 1 ? 0 : (nyquist * k) / (bins - 1);
    for (let m = 0; m < nMels; m++) {
      const down = (f - fPts[m]) / (fPts[m + 1] - fPts[m]);
      const up = (fPts[m + 2] - f) / (fPts[m + 2] - fPts[m + 1]);
      fb[k * nMels + m] = Math.max(0, Math.min(down, up));
    }
  }
  return fb;
}

/**
 * In place: x = ln(clamp(x, 1e-9, 1e9)). Returns the same array.
 *
 * @example
 * logClamp(new Float32Array([0, 1])); // [-20.723, 0]
 */
export function logClamp(data: Float32Array): Float32Array {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    data[i] = Math.log(v < LOG_CLAMP_MIN ? LOG_CLAMP_MIN : v > LOG_CLAMP_MAX ? LOG_CLAMP_MAX : v);
  }
  return data;
}

/**
 * Log-mel features of 16 kHz audio, as the course's `MelSpectrogram` + log.
 *
 * @example
 * const fe = new LogMel();
 * const { data, frames } = fe.compute(new Float32Array(16000)); // frames = 101, data is (40, 101)
 */
export class LogMel {
  readonly sampleRate: number;
  readonly nFft: number;
  readonly hop: number;
  readonly nMels: number;
  /** One-sided bins per frame: floor(nFft/2) + 1. */
  readonly bins: number;
  /** Reflect padding on each side: floor(nFft/2). */
  readonly pad: number;
  readonly window: Float64Array;
  /** Dense (bins, nMels) row-major filterbank, as `melFilterbank`. */
  readonly filterbank: Float32Array;
  private readonly bank: MelBank;
  private readonly fft: RealFFT;
  /** A frame that reflects at an end of the clip, gathered (samples are float32: exact). */
  private readonly frame: Float32Array;
  /** |X[k]|² of the current frame. */
  private readonly power: Float64Array;

  constructor(opts: LogMelOptions = {}) {
    this.sampleRate = opts.sampleRate ?? SAMPLE_RATE;
    this.nFft = opts.nFft ?? N_FFT;
    this.hop = opts.hop ?? HOP;
    this.nMels = opts.nMels ?? N_MELS;
    if (!Number.isInteger(this.hop) || this.hop < 1) throw new RangeError(`LogMel: hop must be a positive integer, got ${this.hop}`);
    this.fft = new RealFFT(this.nFft);
    this.bins = this.fft.bins;
    this.pad = Math.floor(this.nFft / 2);
    this.window = hannWindow(this.nFft);
    this.filterbank = melFilterbank({ sampleRate: this.sampleRate, nFft: this.nFft, nMels: this.nMels });
    this.bank = new MelBank(this.filterbank, this.bins, this.nMels);
    this.frame = new Float32Array(this.nFft);
    this.power = new Float64Array(this.bins);
  }

  /** Frames for a clip of numSamples samples: floor((numSamples + 2·pad - nFft) / hop) + 1. */
  frames(numSamples: number): number {
    return Math.floor((numSamples + 2 * this.pad - this.nFft) / this.hop) + 1;
  }

  /** Mel power (before the log), layout (nMels, frames). */
  melPower(samples: Float32Array): MelFrames {
    const frames = this.frames(samples.length);
    const data = new Float32Array(this.nMels * frames);
    this.melPowerInto(samples, data, 0);
    return { data, frames };
  }

  /** Log-mel features, layout (nMels, frames): the model's input (40, T). */
  compute(samples: Float32Array): MelFrames {
    const { data, frames } = this.melPower(samples);
    return { data: logClamp(data), frames };
  }

  /**
   * Mel power of a whole clip into out[outOffset + m * frames + t]; returns frames.
   * Fills one (nMels, frames) slice of a batch without a copy.
   */
  melPowerInto(samples: Float32Array, out: Float32Array, outOffset = 0): number {
    const frames = this.frames(samples.length);
    if (samples.length <= this.pad) {
      throw new RangeError(`LogMel: reflect padding of ${this.pad} needs more than ${this.pad} samples, got ${samples.length}`);
    }
    if (outOffset < 0 || out.length < outOffset + this.nMels * frames) {
      throw new RangeError(`LogMel: output of length ${out.length} cannot hold ${this.nMels}×${frames} at offset ${outOffset}`);
    }
    for (let t = 0; t < frames; t++) {
      const first = t * this.hop - this.pad;
      if (first >= 0 && first + this.nFft <= samples.length) {
        this.melOfFrame(samples, first, out, outOffset + t, frames);
      } else {
        this.reflectFrame(samples, first);
        this.melOfFrame(this.frame, 0, out, outOffset + t, frames);
      }
    }
    return frames;
  }

  /**
   * Log-mel features of a whole clip into out[outOffset + m * frames + t]; returns frames.
   *
   * @example
   * const batch = new Float32Array(B * 40 * 101);
   * clips.forEach((clip, b) => fe.computeInto(clip, batch, b * 40 * 101));
   */
  computeInto(samples: Float32Array, out: Float32Array, outOffset = 0): number {
    const frames = this.melPowerInto(samples, out, outOffset);
    logClamp(out.subarray(outOffset, outOffset + this.nMels * frames));
    return frames;
  }

  /**
   * Mel power of one frame from exactly nFft raw (unwindowed) samples, into
   * out[offset + m * stride]. For streaming: frame t of a clip is samples t·hop - pad .. + nFft.
   *
   * @example
   * fe.frameMelPower(ring.subarray(0, 400), column, 0, 1); // 40 mel powers of this frame
   */
  frameMelPower(window: ArrayLike<number>, out: Float32Array, offset = 0, stride = 1): void {
    if (window.length !== this.nFft) {
      throw new RangeError(`LogMel.frameMelPower: expected exactly ${this.nFft} samples, got ${window.length}`);
    }
    this.melOfFrame(window, 0, out, offset, stride);
  }

  /**
   * As frameMelPower on samples[start .. start + nFft), without a copy or a subarray.
   *
   * @example
   * fe.frameMelPowerAt(ring, 160, column); // the frame whose first sample is ring[160]
   */
  frameMelPowerAt(samples: Float32Array, start: number, out: Float32Array, offset = 0, stride = 1): void {
    this.melOfFrame(samples, start, out, offset, stride); // windowedPower checks the range
  }

  /** frame[n] = x[first + n] for n < nFft, reflecting indices that fall outside the clip. */
  private reflectFrame(samples: Float32Array, first: number): void {
    const { frame, nFft } = this;
    const len = samples.length;
    for (let n = 0; n < nFft; n++) {
      const i = first + n;
      frame[n] = samples[i < 0 ? -i : i >= len ? 2 * len - 2 - i : i];
    }
  }

  /** Window and FFT the frame x[at .. at + nFft), power, then mel: out[offset + m·stride]. */
  private melOfFrame(x: ArrayLike<number>, at: number, out: Float32Array, offset: number, stride: number): void {
    this.fft.windowedPower(x, at, this.window, this.power);
    this.bank.apply(this.power, out, offset, stride);
  }
}
