/**
 * float16 emulation against the format's definition: every half bit pattern, ties-to-even in the
 * normal and subnormal ranges, overflow at 65520, signed zero, NaN, and the fast roundToHalf path
 * against the scalar conversions on a million random float32 bit patterns.
 */
import { describe, expect, it } from 'vitest';
import {
  floatToHalfBits,
  fromHalfArray,
  halfBitsToFloat,
  hasNonFinite,
  HALF_MAX,
  roundToHalf,
  toHalfArray,
} from './float16.js';
import { Rng } from './rng.js';

/** Independent reference: the exact value of a half bit pattern from the format's definition. */
function refHalfValue(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 31) return f === 0 ? s * Infinity : NaN;
  if (e === 0) return s * f * 2 ** -24;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

describe('float16 bit conversions', () => {
  it('round-trips all 65,536 half bit patterns (NaN stays NaN)', () => {
    let nans = 0;
    const bad: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const v = halfBitsToFloat(h);
      const ref = refHalfValue(h);
      if (Number.isNaN(ref)) {
        nans++;
        const back = floatToHalfBits(v);
        if (!Number.isNaN(v) || (back & 0x7c00) !== 0x7c00 || (back & 0x3ff) === 0) bad.push(h);
      } else if (!Object.is(v, ref) || floatToHalfBits(v) !== h) {
        bad.push(h);
      }
    }
    expect(bad).toEqual([]);
    expect(nans).toBe(2 * 1023);
  });

  it('keeps NaN payload bits and sets the quiet bit', () => {
    // float32 signalling NaN 0x7f8_0_2000 → half 0x7e01 (quiet bit 0x200 set, payload bit 0 kept)
    const sNaN = new Float32Array(new Uint32Array([0xff802000]).buffer);
    expect(toHalfArray(sNaN)[0]).toBe(0xfe01);
    expect(Number.isNaN(fromHalfArray(new Uint16Array([0x7e01]))[0])).toBe(true);
  });

  it('rounds halfway cases to even in the normal range', () => {
    expect(floatToHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie, 1 is even → 1
    expect(floatToHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, → 1 + 2^-9 (even)
    expect(floatToHalfBits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // above the tie → up
    expect(floatToHalfBits(-(1 + 3 * 2 ** -11))).toBe(0xbc02);
    expect(floatToHalfBits(2 - 2 ** -12)).toBe(0x4000); // carry into the exponent
  });

  it('rounds halfway cases to even in the subnormal range', () => {
    const q = 2 ** -24; // subnormal quantum
    expect(floatToHalfBits(0.5 * q)).toBe(0x0000); // tie between 0 and q → 0
    expect(floatToHalfBits(0.5 * q + 2 ** -40)).toBe(0x0001);
    expect(floatToHalfBits(1.5 * q)).toBe(0x0002); // tie → 2q (even)
    expect(floatToHalfBits(2.5 * q)).toBe(0x0002); // tie → 2q (even)
    expect(floatToHalfBits(3.5 * q)).toBe(0x0004);
    expect(floatToHalfBits(-1.5 * q)).toBe(0x8002);
    expect(floatToHalfBits(0.49 * q)).toBe(0x0000);
    expect(floatToHalfBits(2 ** -149)).toBe(0x0000); // smallest float32 subnormal
  });

  it('handles the largest subnormal and the smallest normal', () => {
    expect(halfBitsToFloat(0x03ff)).toBe(1023 * 2 ** -24);
    expect(halfBitsToFloat(0x0400)).toBe(2 ** -14);
    expect(floatToHalfBits(1023 * 2 ** -24)).toBe(0x03ff);
    expect(floatToHalfBits(2 ** -14)).toBe(0x0400);
    expect(floatToHalfBits(1023.5 * 2 ** -24)).toBe(0x0400); // tie, rounds up into the normals
    expect(floatToHalfBits(1022.5 * 2 ** -24)).toBe(0x03fe);
  });

  it('overflows to Inf from 65520 on, as IEEE rounding says', () => {
    expect(floatToHalfBits(65504)).toBe(0x7bff);
    expect(halfBitsToFloat(0x7bff)).toBe(HALF_MAX);
    expect(floatToHalfBits(65519.99)).toBe(0x7bff);
    expect(floatToHalfBits(65520)).toBe(0x7c00);
    expect(floatToHalfBits(-65520)).toBe(0xfc00);
    expect(floatToHalfBits(1e10)).toBe(0x7c00);
    expect(floatToHalfBits(Infinity)).toBe(0x7c00);
    expect(floatToHalfBits(-Infinity)).toBe(0xfc00);
  });

  it('keeps the sign of zero', () => {
    expect(floatToHalfBits(-0)).toBe(0x8000);
    expect(Object.is(halfBitsToFloat(0x8000), -0)).toBe(true);
    expect(floatToHalfBits(-1e-10)).toBe(0x8000);
    expect(Object.is(roundToHalf(new Float32Array([-1e-10]))[0], -0)).toBe(true);
  });
});

describe('float16 arrays', () => {
  it('toHalfArray / fromHalfArray match the scalar functions, into given buffers', () => {
    const src = new Float32Array([0, -0, 1, -2.5, 1e-7, 7e4, NaN, 3.14159]);
    const h = toHalfArray(src, new Uint16Array(src.length));
    expect(Array.from(h)).toEqual(Array.from(src, (x) => floatToHalfBits(x)));
    const back = fromHalfArray(h);
    for (let i = 0; i < h.length; i++) expect(Object.is(back[i], halfBitsToFloat(h[i]))).toBe(true);
    expect(() => toHalfArray(src, new Uint16Array(3))).toThrow(/3 elements/);
  });

  it('works on views with a byte offset', () => {
    const buf = new Float32Array([9, 1 + 2 ** -11, 65520, 9]);
    const view = buf.subarray(1, 3);
    roundToHalf(view);
    expect(Array.from(buf)).toEqual([9, 1, Infinity, 9]);
  });

  it('roundToHalf equals floatToHalfBits → halfBitsToFloat on a million random float32s', () => {
    const rng = new Rng(16);
    const n = 1_000_000;
    const bits = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const r = rng.nextU32();
      // half of them: any bit pattern (NaN, Inf, huge, tiny); half: exponents around the half range
      bits[i] = i % 2 === 0 ? r : ((r & 0x807fffff) | ((100 + rng.int(48)) << 23)) >>> 0;
    }
    const orig = bits.slice();
    const x = new Float32Array(bits.buffer); // x and bits share storage
    const expected = Array.from(x, (v) => halfBitsToFloat(floatToHalfBits(v)));
    const copy = new Float32Array(n);
    roundToHalf(x, copy); // out of place leaves the source alone
    let touched = 0;
    for (let i = 0; i < n; i++) if (bits[i] !== orig[i]) touched++;
    expect(touched).toBe(0);
    roundToHalf(x); // in place
    let mismatches = 0;
    let changed = 0;
    for (let i = 0; i < n; i++) {
      if (!Object.is(x[i], expected[i]) || !Object.is(copy[i], expected[i])) mismatches++;
      if (bits[i] !== orig[i]) changed++;
    }
    expect(mismatches).toBe(0);
    expect(changed).toBeGreaterThan(n / 2); // the test data really needed rounding
  });

  it('roundToHalf gives NaNs the same bits as a half round trip', () => {
    const x = new Float32Array(new Uint32Array([0x7f800001, 0xffc00000, 0x7fbfffff]).buffer);
    const viaHalf = fromHalfArray(toHalfArray(x));
    roundToHalf(x);
    expect(new Uint32Array(x.buffer)).toEqual(new Uint32Array(viaHalf.buffer));
  });

  it('hasNonFinite finds Inf and NaN anywhere, and only those', () => {
    expect(hasNonFinite(new Float32Array([0, 1, -3.4e38, 1e-45]))).toBe(false);
    expect(hasNonFinite(new Float32Array([0, 1, Infinity]))).toBe(true);
    expect(hasNonFinite(new Float32Array([-Infinity, 1]))).toBe(true);
    expect(hasNonFinite(new Float32Array([0, NaN, 1]))).toBe(true);
    expect(hasNonFinite(new Float32Array(0))).toBe(false);
    expect(hasNonFinite(roundToHalf(new Float32Array([HALF_MAX, 65519])))).toBe(false);
    expect(hasNonFinite(roundToHalf(new Float32Array([HALF_MAX, 65520])))).toBe(true);
  });
});
