/**
 * The augmentation, made faster, must be the same function: for the same seed and inputs it
 * draws the same random numbers in the same order and does the same float arithmetic, so a
 * seeded training run is unchanged bit for bit. `reference` below is a verbatim copy of
 * augment.ts as it was before any speed work (commit 80bc4d4); every output is compared with
 * it element by element with Object.is (which tells -0 from 0 and matches NaN), and the Rng
 * is compared after each call (the next draw), so a skipped or extra draw fails too. Each
 * comparison is made three times: into a new array, into a reused scratch array and in place.
 */
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { FIXTURE, FIXTURE_NOISE } from '../test-utils/fixture.js';
import { addBackgroundNoise, addGaussianNoise, augmentClip, changeVolume } from './augment.js';
import { loadClips, loadNoise, scanSpeechCommands } from './speech-commands.js';

// A verbatim copy of the code before the speed work, kept as it was.
const reference = (() => {
  function clampInPlace(x: Float32Array): Float32Array {
    for (let i = 0; i < x.length; i++) x[i] = x[i] > 1 ? 1 : x[i] < -1 ? -1 : x[i];
    return x;
  }

  function l2(x: Float32Array): number {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] * x[i];
    return Math.sqrt(s);
  }

  function addGaussianNoise(x: Float32Array, rng: Rng, std = 0.01): Float32Array {
    const y = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) y[i] = x[i] + rng.normal(0, std);
    return clampInPlace(y);
  }

  function changeVolume(x: Float32Array, gain = 0.25): Float32Array {
    return clampInPlace(x.map((v) => v * gain));
  }

  function addBackgroundNoise(x: Float32Array, rng: Rng, noises: Float32Array[]): Float32Array {
    if (noises.length === 0) return x.slice();
    const noise = rng.choice(noises);
    const noiseNorm = l2(noise);
    if (noise.length === 0 || noiseNorm === 0) return x.slice();
    const alpha = (l2(x) / noiseNorm) * 10 ** (-1 / 20);
    const start = rng.int(Math.max(noise.length - x.length + 1, 1));
    const y = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) y[i] = x[i] + alpha * noise[(start + i) % noise.length];
    return clampInPlace(y);
  }

  function augmentClip(x: Float32Array, rng: Rng, noises: Float32Array[]): Float32Array {
    switch (rng.int(4)) {
      case 0:
        return x.slice();
      case 1:
        return addGaussianNoise(x, rng);
      case 2:
        return changeVolume(x);
      default:
        return addBackgroundNoise(x, rng, noises);
    }
  }
  return { addGaussianNoise, changeVolume, addBackgroundNoise, augmentClip };
})();

/** The index of the first element that differs (Object.is), or -1; lengths must match too. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

const random = (n: number, seed: number, amp: number): Float32Array => {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-amp, amp));
};

// Real clips and the fixture's real noise file, plus clips that clamp (amplitude above 1, and
// exact ±1 and -0 samples) and noises of every shape the code branches on: a 60 s file (the data
// set's), one shorter than a clip (repeated), a silent one and an empty one.
const sc = scanSpeechCommands(FIXTURE);
const realClips = loadClips(sc.root, sc.train.slice(0, 4));
const edgy = random(16_000, 3, 1.3);
edgy.set([1, -1, -0, 0, 0.9999999, -1.0000001], 0);
const clips = [...realClips, edgy, random(16_000, 4, 0.05), random(15_999, 5, 0.5)];
const noiseSets: [string, Float32Array[]][] = [
  ['real', loadNoise([FIXTURE_NOISE])],
  ['60 s + short + real', [random(960_000, 6, 0.4), random(7_001, 7, 0.8), ...loadNoise([FIXTURE_NOISE])]],
  ['silent and empty among others', [new Float32Array(20_000), new Float32Array(0), random(30_000, 8, 1)]],
  ['none', []],
];

/**
 * Where a transform writes: a new array (no `out`), a scratch array reused call after call (so it
 * holds the previous output), or the input itself (a copy of the clip, written in place).
 */
const MODES = ['new array', 'scratch', 'in place'] as const;
type Mode = (typeof MODES)[number];

/** Calls `fn(input, out)` as `mode` says and returns its result (checking it is `out`). */
function writer(mode: Mode): (x: Float32Array, fn: (input: Float32Array, out?: Float32Array) => Float32Array) => Float32Array {
  const scratch = new Map<number, Float32Array>();
  return (x, fn) => {
    if (mode === 'new array') return fn(x);
    const out = mode === 'in place' ? x.slice() : (scratch.get(x.length) ?? new Float32Array(x.length).fill(NaN));
    scratch.set(x.length, out);
    const y = fn(mode === 'in place' ? out : x, out);
    expect(y).toBe(out);
    return y;
  };
}

describe('augmentation against the code before the speed work (bitwise)', () => {
  it('has inputs that reach every branch: real clips and noise, clamping, -0', () => {
    expect(realClips).toHaveLength(4);
    expect(noiseSets[0][1][0].length).toBeGreaterThan(16_000);
    expect(reference.addGaussianNoise(edgy, new Rng(0)).some((v) => v === 1 || v === -1)).toBe(true);
  });

  for (const seed of [0, 1, 2, 17, 123_456]) {
    it.each(MODES)(`addGaussianNoise and changeVolume equal the reference, seed ${seed}, into %s`, (mode) => {
      const a = new Rng(seed);
      const b = new Rng(seed);
      const write = writer(mode);
      for (const x of clips) {
        const before = x.slice();
        // std as the recipe's and a larger one, so that the noise itself pushes past ±1
        for (const std of [undefined, 0.3]) expect(firstDifference(write(x, (v, out) => addGaussianNoise(v, a, std, out)), reference.addGaussianNoise(x, b, std))).toBe(-1);
        for (const gain of [undefined, 4, -3]) expect(firstDifference(write(x, (v, out) => changeVolume(v, gain, out)), reference.changeVolume(x, gain))).toBe(-1);
        expect(a.nextU32()).toBe(b.nextU32());
        expect(firstDifference(x, before)).toBe(-1); // the input is never written unless it is `out`
      }
    });

    for (const [name, noises] of noiseSets) {
      it.each(MODES)(`addBackgroundNoise and augmentClip equal the reference, seed ${seed}, noises: ${name}, into %s`, (mode) => {
        const a = new Rng(seed);
        const b = new Rng(seed);
        const write = writer(mode);
        // 3 rounds over the clips: the first use of each noise file and the later ones
        for (let round = 0; round < 3; round++) {
          for (const x of clips) {
            expect(firstDifference(write(x, (v, out) => addBackgroundNoise(v, a, noises, out)), reference.addBackgroundNoise(x, b, noises))).toBe(-1);
            expect(a.nextU32()).toBe(b.nextU32());
            expect(firstDifference(write(x, (v, out) => augmentClip(v, a, noises, out)), reference.augmentClip(x, b, noises))).toBe(-1);
            expect(a.nextU32()).toBe(b.nextU32());
          }
        }
      });
    }
  }

  it('refuses an output of the wrong length', () => {
    expect(() => augmentClip(clips[0], new Rng(0), [], new Float32Array(3))).toThrow(/output of length 3 for a clip of 16000 samples/);
  });
});
