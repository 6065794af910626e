/**
 * Test helpers for the streaming tests: a deterministic speech-like signal and a model whose
 * probabilities use the whole [0, 1] range (random-init logits are small, so p ≈ 0.5 everywhere
 * and a parity test on p would be weak; scaling the classifier makes p sensitive to every stage).
 */
import { noGrad, Tensor } from '@kws/autograd';
import { Rng } from '@kws/tensor';
import type { CRNNConfig } from '../../model/config.js';
import { CRNN } from '../../model/crnn.js';
import { LogMel } from '../../features/logmel.js';

/** Noise bursts and gliding tones with a syllable-rate envelope: a few seconds of 16 kHz "speech". */
export function testSignal(samples: number, seed = 1): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(samples);
  let phase = 0;
  for (let i = 0; i < samples; i++) {
    const t = i / 16000;
    const env = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3.1 * t + Math.sin(2 * Math.PI * 0.7 * t));
    phase += (2 * Math.PI * (300 + 200 * Math.sin(2 * Math.PI * 1.3 * t))) / 16000;
    x[i] = 0.3 * env * Math.sin(phase) + 0.05 * rng.normal();
  }
  return x;
}

/**
 * A random-init eval-mode CRNN whose classifier is shifted and scaled so that, over the 1 s windows of
 * `signal` (every 80 ms), the logit gap l₁ − l₀ has mean 0 and standard deviation 1.5: p spreads over about
 * [0.05, 0.95], where dp/dlogit is large (a parity test on p then sees every stage).
 */
export function sensitiveModel(config: CRNNConfig, signal: Float32Array, seed = 3): CRNN {
  const model = new CRNN(config, new Rng(seed)).eval();
  const { data, frames } = new LogMel().compute(signal);
  const starts = Array.from({ length: Math.floor((frames - 101) / 8) + 1 }, (_, i) => 8 * i);
  const x = new Float32Array(starts.length * 40 * 101);
  starts.forEach((a, b) => {
    for (let m = 0; m < 40; m++) x.set(data.subarray(m * frames + a, m * frames + a + 101), (b * 40 + m) * 101);
  });
  const logits = noGrad(() => model.forward(Tensor.from(x, [starts.length, 40, 101]))).toArray();
  const gaps = starts.map((_, b) => logits[2 * b + 1] - logits[2 * b]);
  const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
  const std = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
  const gain = 1.5 / std;
  const w = model.classifier.weight.data.data, b = model.classifier.bias.data.data;
  for (let i = 0; i < w.length; i++) w[i] *= gain;
  b[0] = b[0] * gain + (gain * mean) / 2;
  b[1] = b[1] * gain - (gain * mean) / 2;
  return model;
}
