/**
 * SpecAugment as the course trains with it: torchaudio `FrequencyMasking(freq_mask_param=15)`
 * then `TimeMasking(time_mask_param=35)` on the mel power, before the log (a masked value
 * becomes ln(1e-9) ≈ -20.72 after `logClamp`). Each mask follows torchaudio `mask_along_axis`:
 *   value = u1 · maxWidth,  start = floor(u2 · (size - value)),  width = floor(value),
 * with u1, u2 uniform in [0, 1), and sets rows (or columns) start .. start + width - 1 to 0.
 * So the width is uniform over the integers 0 .. maxWidth - 1 and the band always fits.
 * Draw order: frequency value, frequency start, time value, time start.
 *
 * Why in place on a (nMels, frames) buffer: it runs once per training clip between the mel
 * power and the log, on the same memory `LogMel.melPowerInto` filled.
 */
import type { Rng } from '@kws/tensor';

export interface SpecAugmentOptions {
  /** Frequency mask widths are uniform integers in [0, freqMaskMax). Default 15. */
  freqMaskMax?: number;
  /** Time mask widths are uniform integers in [0, timeMaskMax). Default 35. */
  timeMaskMax?: number;
  /**
   * Number of consecutive (nMels, frames) clips in `power` that share the same two masks.
   * Default 1 (a mask per clip). The course applies the transforms to a whole (B, 40, T) batch
   * with iid_masks=False, so every clip of a batch gets the same masks: pass clips = B for that.
   */
  clips?: number;
  /**
   * Each of the `clips` clips gets its own pair of masks, drawn clip after clip in the usual
   * order (torchaudio's iid_masks=True): one call with `clips: n, iid: true` equals n calls with
   * `clips: 1` on consecutive clips from the same rng. Default false (the course: one pair shared).
   */
  iid?: boolean;
}

/** A mask chosen by `drawMask`: indices start .. start + width - 1 along one axis. */
export interface SpecMask {
  start: number;
  width: number;
}

/**
 * torchaudio `mask_along_axis` draw: value = u·maxWidth, start = floor(u'·(size - value)).
 *
 * @example
 * drawMask(new Rng(0), 40, 15); // { start: 0, width: 13 }: mel rows 0..12
 */
export function drawMask(rng: Rng, size: number, maxWidth: number): SpecMask {
  const value = rng.uniform() * maxWidth;
  const minValue = rng.uniform() * (size - value);
  const start = Math.max(0, Math.floor(minValue));
  const width = Math.max(0, Math.min(Math.floor(value), size - start));
  return { start, width };
}

/**
 * In place, on mel power laid out (nMels, frames): zero one band of mel rows and one span of
 * frames (per clip with `iid`, else shared by the `clips` clips). Training only. Returns nothing; the masks are drawn from `rng`.
 *
 * @example
 * const { data, frames } = fe.melPower(clip);
 * specAugment(data, 40, frames, rng);
 * logClamp(data);
 */
export function specAugment(
  power: Float32Array,
  nMels: number,
  frames: number,
  rng: Rng,
  opts: SpecAugmentOptions = {},
): void {
  const clips = opts.clips ?? 1;
  const size = nMels * frames;
  if (power.length < clips * size) {
    throw new RangeError(`specAugment: buffer of length ${power.length} is smaller than ${clips}×${nMels}×${frames}`);
  }
  let freq: SpecMask = { start: 0, width: 0 };
  let time: SpecMask = { start: 0, width: 0 };
  for (let c = 0; c < clips; c++) {
    const base = c * size;
    // The first clip always draws; with `iid` every clip draws its own pair.
    if (c === 0 || opts.iid === true) {
      freq = drawMask(rng, nMels, opts.freqMaskMax ?? 15);
      time = drawMask(rng, frames, opts.timeMaskMax ?? 35);
    }
    power.fill(0, base + freq.start * frames, base + (freq.start + freq.width) * frames);
    for (let m = 0; m < nMels; m++) {
      const row = base + m * frames;
      power.fill(0, row + time.start, row + time.start + time.width);
    }
  }
}
