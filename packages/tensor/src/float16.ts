/**
 * Emulated IEEE 754 binary16 ("half"): 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits.
 *
 *   normal    (1 <= e <= 30): (-1)^s · 2^(e-15) · (1 + f/1024)     largest 65504, smallest 2^-14
 *   subnormal (e = 0):        (-1)^s · 2^-14  · (f/1024)          quantum 2^-24
 *   e = 31:                   ±Inf when f = 0, NaN otherwise
 *
 * JavaScript has no half type, so mixed-precision training stores halves as Uint16Array bit
 * patterns and, between ops, keeps float32 values that have been *rounded through* half.
 * Conversion always starts from the float32 value (Math.fround), as a float32 tensor would be
 * cast on a GPU, and rounds to nearest, ties to even. Overflow follows IEEE: every value at or
 * above 65520 (= 65504 + half an ulp) rounds to Inf. NaN stays NaN: its sign and top payload
 * bits are kept and the quiet bit is set.
 *
 * Speed: `roundToHalf` runs on every op boundary, so it works on the float32 bit patterns
 * through a Uint32Array view of the same buffer. In the normal half range, round-to-nearest-even
 * of the 23-bit fraction to 10 bits is one integer add and mask: bits + 0xfff + (bit 13), then
 * clear the low 13 bits (a carry out of the fraction correctly bumps the exponent). Only the
 * rare subnormal range takes a branch with a shift. Half → float uses a 65,536-entry table of
 * float32 bit patterns (256 KiB), built on first use.
 */

/** Largest finite half value. */
export const HALF_MAX = 65504;

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** float32 |bits| at and above which the value rounds to half Inf (65520 = 0x477ff000). */
const F32_HALF_OVERFLOW = 0x477ff000;
/** float32 |bits| of 2^-14, the smallest normal half. */
const F32_HALF_MIN_NORMAL = 0x38800000;
const F32_INF = 0x7f800000;

/** Round-to-nearest-even of `m >>> shift` (shift in 1..31), on non-negative 32-bit integers. */
function shiftRoundEven(m: number, shift: number): number {
  const q = m >>> shift;
  const rem = m & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  return rem > halfway || (rem === halfway && (q & 1) === 1) ? q + 1 : q;
}

/** float32 bit pattern → half bit pattern, round to nearest even. */
function f32BitsToHalfBits(b: number): number {
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  const e = exp - 112; // rebias 127 → 15
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below 2^-25: rounds to ±0
    // value = m · 2^(e-38); half fraction = value / 2^-24 = m >>> (14 - e)
    return sign | shiftRoundEven(mant | 0x800000, 14 - e);
  }
  // a carry out of the fraction bumps the exponent; 0x7c00 (Inf) is the right overflow
  return sign | shiftRoundEven((e << 23) | mant, 13);
}

/** half bit pattern → float32 bit pattern (exact; NaN payload kept). */
function halfBitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const e = (h >>> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 31) return (sign | F32_INF | (f << 13)) >>> 0;
  if (e !== 0) return (sign | ((e + 112) << 23) | (f << 13)) >>> 0;
  if (f === 0) return sign >>> 0;
  // subnormal: normalise f · 2^-24 into a float32 normal
  const lead = 31 - Math.clz32(f); // position of the top set bit, 0..9
  const exp = lead - 24 + 127;
  return (sign | (exp << 23) | ((f << (23 - lead)) & 0x7fffff)) >>> 0;
}

let table: Uint32Array | undefined;

/** The 65,536 float32 bit patterns of every half, built once. */
function halfTable(): Uint32Array {
  if (table === undefined) {
    table = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = halfBitsToF32Bits(h);
  }
  return table;
}

/**
 * The half bit pattern nearest to `x` (first rounded to float32), ties to even.
 * @example
 * floatToHalfBits(1);      // 0x3c00
 * floatToHalfBits(65520);  // 0x7c00 (Inf)
 */
export function floatToHalfBits(x: number): number {
  scratchF32[0] = x;
  return f32BitsToHalfBits(scratchU32[0]);
}

/**
 * The exact value of a half bit pattern (only the low 16 bits of `h` are read).
 * @example
 * halfBitsToFloat(0x3c00); // 1
 * halfBitsToFloat(0x0001); // 2^-24
 */
export function halfBitsToFloat(h: number): number {
  scratchU32[0] = halfTable()[h & 0xffff];
  return scratchF32[0];
}

/**
 * Float32 values → half bit patterns.
 * @example
 * toHalfArray(new Float32Array([1, -2])); // Uint16Array [0x3c00, 0xc000]
 */
export function toHalfArray(src: Float32Array, out = new Uint16Array(src.length)): Uint16Array {
  if (out.length !== src.length) throw new RangeError(`toHalfArray: out has ${out.length} elements, src ${src.length}`);
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < bits.length; i++) out[i] = f32BitsToHalfBits(bits[i]);
  return out;
}

/**
 * Half bit patterns → float32 values (exact).
 * @example
 * fromHalfArray(new Uint16Array([0x3c00, 0xc000])); // Float32Array [1, -2]
 */
export function fromHalfArray(src: Uint16Array, out = new Float32Array(src.length)): Float32Array {
  if (out.length !== src.length) throw new RangeError(`fromHalfArray: out has ${out.length} elements, src ${src.length}`);
  const t = halfTable();
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) bits[i] = t[src[i]];
  return out;
}

/** Rounds one float32 bit pattern through half and back; the hot loop of `roundToHalf`. */
function roundF32BitsThroughHalf(b: number): number {
  const a = b & 0x7fffffff;
  const sign = b & 0x80000000;
  if (a >= F32_HALF_MIN_NORMAL) {
    if (a < F32_HALF_OVERFLOW) return ((a + 0xfff + ((a >>> 13) & 1)) & 0xffffe000) | sign;
    if (a <= F32_INF) return sign | F32_INF;
    return (b | 0x400000) & 0xffffe000; // NaN: quiet bit set, payload cut to the half's 10 bits
  }
  return halfBitsToF32Bits(f32BitsToHalfBits(b));
}

/**
 * Rounds every value to the nearest half (ties to even) and stores it back as float32:
 * the value a half tensor would hold. In place by default.
 * @example
 * roundToHalf(new Float32Array([1 + 2 ** -11, 70000])); // [1, Infinity]
 */
export function roundToHalf(src: Float32Array, out = src): Float32Array {
  if (out.length !== src.length) throw new RangeError(`roundToHalf: out has ${out.length} elements, src ${src.length}`);
  const s = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const o = out === src ? s : new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < s.length; i++) o[i] = roundF32BitsThroughHalf(s[i]);
  return out;
}

/**
 * Whether any element is ±Inf or NaN (exponent bits all ones): the overflow check of dynamic
 * loss scaling.
 * @example
 * hasNonFinite(new Float32Array([1, Infinity])); // true
 */
export function hasNonFinite(x: Float32Array): boolean {
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  for (let i = 0; i < bits.length; i++) if ((bits[i] & F32_INF) === F32_INF) return true;
  return false;
}
