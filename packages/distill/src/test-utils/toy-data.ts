import { Rng } from '@kws/tensor';
import type { TrainData } from '../trainer.js';

/** Two separable synthetic classes of 1 s clips: tones (keyword, every 4th) and noise. */
export function toyClips(n: number, rng: Rng): TrainData['train'] {
  const clips: Float32Array[] = [];
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const kw = i % 4 === 0;
    labels[i] = kw ? 1 : 0;
    const c = new Float32Array(16000);
    const f = 300 + rng.uniform(0, 200);
    for (let t = 0; t < c.length; t++) c[t] = kw ? 0.3 * Math.sin((2 * Math.PI * f * t) / 16000) : rng.normal(0, 0.05);
    clips.push(c);
  }
  return { clips, labels };
}

/** A small train/val pair with no background noises. */
export function toyData(train: number, val: number, seed = 1): TrainData {
  const rng = new Rng(seed);
  return { train: toyClips(train, rng), val: toyClips(val, rng), noises: [] };
}
