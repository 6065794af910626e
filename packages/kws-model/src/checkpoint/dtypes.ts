/**
 * safetensors element types: their sizes, and how each becomes a Float32Array.
 *
 * Data is little-endian and C-ordered. Floats convert by rounding to float32 (F64 → float32
 * rounds to nearest; F16 and BF16 widen exactly). Integer types (what a PyTorch state_dict may
 * hold, e.g. BatchNorm's `num_batches_tracked`, an I64 scalar) convert only when every value is
 * exactly representable in float32; otherwise decoding fails rather than silently change a
 * count. FP8 and complex types are refused: no checkpoint this project reads holds them.
 *
 * Why a table: the decoder validates `data_offsets` against shape × element size before it
 * reads anything, so every dtype it accepts needs a size, and every size a reader.
 */
import { fromHalfArray } from '@kws/tensor';

/** Reads `count` elements starting at byte `start` of `bytes` into a new Float32Array. */
type Reader = (bytes: Uint8Array, start: number, count: number) => Float32Array;

interface DtypeInfo {
  size: number;
  read: Reader;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A copy of `nbytes` bytes from `start`, in a fresh (hence aligned) ArrayBuffer. */
function copyBytes(bytes: Uint8Array, start: number, nbytes: number): ArrayBuffer {
  const copy = new Uint8Array(nbytes);
  copy.set(bytes.subarray(start, start + nbytes));
  return copy.buffer;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A reader that goes element by element through a DataView getter (any host byte order). */
function viaDataView(size: number, get: (v: DataView, at: number) => number): Reader {
  return (bytes, start, count) => {
    const v = viewOf(bytes);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = get(v, start + i * size);
    return out;
  };
}

/** As `viaDataView`, but refuses a value that float32 cannot hold exactly. */
function exactInt(size: number, get: (v: DataView, at: number) => number | bigint): Reader {
  return (bytes, start, count) => {
    const v = viewOf(bytes);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const raw = get(v, start + i * size);
      out[i] = Number(raw);
      const back = typeof raw === 'bigint' ? BigInt(out[i]) : out[i];
      if (back !== raw) throw new RangeError(`integer ${raw} at element ${i} is not exact in float32`);
    }
    return out;
  };
}

const readF32: Reader = LITTLE_ENDIAN
  ? (bytes, start, count) => new Float32Array(copyBytes(bytes, start, count * 4))
  : viaDataView(4, (v, at) => v.getFloat32(at, true));

const readF16: Reader = (bytes, start, count) => {
  const halves = LITTLE_ENDIAN
    ? new Uint16Array(copyBytes(bytes, start, count * 2))
    : Uint16Array.from({ length: count }, (_, i) => viewOf(bytes).getUint16(start + 2 * i, true));
  return fromHalfArray(halves);
};

/** bfloat16 is the top half of a float32: shift its bits up by 16. */
const readBF16: Reader = (bytes, start, count) => {
  const v = viewOf(bytes);
  const out = new Float32Array(count);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < count; i++) bits[i] = v.getUint16(start + 2 * i, true) << 16;
  return out;
};

const DTYPES: Record<string, DtypeInfo> = {
  F64: { size: 8, read: viaDataView(8, (v, at) => v.getFloat64(at, true)) },
  F32: { size: 4, read: readF32 },
  F16: { size: 2, read: readF16 },
  BF16: { size: 2, read: readBF16 },
  I64: { size: 8, read: exactInt(8, (v, at) => v.getBigInt64(at, true)) },
  U64: { size: 8, read: exactInt(8, (v, at) => v.getBigUint64(at, true)) },
  I32: { size: 4, read: exactInt(4, (v, at) => v.getInt32(at, true)) },
  U32: { size: 4, read: exactInt(4, (v, at) => v.getUint32(at, true)) },
  I16: { size: 2, read: exactInt(2, (v, at) => v.getInt16(at, true)) },
  U16: { size: 2, read: exactInt(2, (v, at) => v.getUint16(at, true)) },
  I8: { size: 1, read: exactInt(1, (v, at) => v.getInt8(at)) },
  U8: { size: 1, read: exactInt(1, (v, at) => v.getUint8(at)) },
  BOOL: { size: 1, read: exactInt(1, (v, at) => (v.getUint8(at) === 0 ? 0 : 1)) },
};

/** The dtypes `decodeSafetensors` reads, all converted to float32. */
export const READABLE_DTYPES: readonly string[] = Object.keys(DTYPES);

/** Size and reader of a dtype name, or undefined when it is not supported. */
export function dtypeInfo(dtype: string): DtypeInfo | undefined {
  return Object.hasOwn(DTYPES, dtype) ? DTYPES[dtype] : undefined;
}

/** The little-endian bytes of a Float32Array or Uint16Array (a view when the host is LE). */
export function littleEndianBytes(data: Float32Array | Uint16Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const v = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) v.setFloat32(4 * i, data[i], true);
    else v.setUint16(2 * i, data[i], true);
  }
  return out;
}
