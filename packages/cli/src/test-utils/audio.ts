/** Test audio for the streaming commands: a speech-like signal and 16-bit PCM helpers. */
import { Rng } from '@kws/tensor';

/** A gliding tone with a syllable-rate envelope, plus noise. */
export function signal(samples: number, rate = 16000, seed = 1): Float32Array {
  const rng = new Rng(seed);
  let phase = 0;
  return Float32Array.from({ length: samples }, (_, i) => {
    const t = i / rate;
    phase += (2 * Math.PI * (300 + 200 * Math.sin(2 * Math.PI * 1.3 * t))) / rate;
    return 0.3 * (0.5 + 0.5 * Math.sin(2 * Math.PI * 3.1 * t)) * Math.sin(phase) + 0.03 * rng.normal();
  });
}

/** Quantised to 16 bits, as a WAV or raw PCM carries it (| 0: no -0, which int16 cannot hold). */
export const q16 = (x: Float32Array): Float32Array => x.map((v) => (Math.round(Math.max(-1, Math.min(v, 32767 / 32768)) * 32768) | 0) / 32768);

/** Signed 16-bit little-endian bytes of x. */
export function s16le(x: Float32Array): Uint8Array {
  const out = new Uint8Array(2 * x.length);
  const view = new DataView(out.buffer);
  x.forEach((v, i) => view.setInt16(2 * i, Math.round(Math.max(-1, Math.min(v, 32767 / 32768)) * 32768), true));
  return out;
}
