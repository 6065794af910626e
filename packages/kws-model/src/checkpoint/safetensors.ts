/**
 * safetensors checkpoints (https://huggingface.co/docs/safetensors), read and written with no
 * dependencies. Layout:
 *
 *   bytes [0, 8)        N, the header length: unsigned 64-bit little-endian
 *   bytes [8, 8+N)      UTF-8 JSON: {"__metadata__": {str: str}, name: {"dtype": "F32",
 *                       "shape": [..], "data_offsets": [begin, end]}, ...}, padded with spaces
 *                       so that 8 + N is a multiple of 8 (the data stays aligned)
 *   bytes [8+N, end)    raw little-endian C-ordered data; offsets count from byte 8+N
 *
 * Why this format: a PyTorch `state_dict` saved by `safetensors.torch.save_file` loads here
 * directly, and ours load in PyTorch. The encoder writes what that function writes: compact JSON
 * with `__metadata__` first (when given), then the tensors sorted by name (UTF-8 byte order;
 * one dtype per file, so the reference's sort by dtype first changes nothing), keys in the order
 * dtype, shape, data_offsets, data packed back to back in the same order.
 *
 * The decoder validates once, at the edge, and every error names the file: the header must fit
 * the file, parse, and describe tensors whose offsets lie inside the data section, match shape ×
 * element size, and tile the data section exactly (no overlap, no gap, no trailing bytes, as the
 * reference reader requires). Writes are atomic: a temporary file in the same folder, then a
 * rename, so a crash never leaves a half-written checkpoint under the real name.
 */
import { readFileBytes, readFilePrefix, regularFileSize, writeFileAtomic } from '../io/files.js';
import { toHalfArray } from '@kws/tensor';
import { dtypeInfo, littleEndianBytes, READABLE_DTYPES } from './dtypes.js';

/** A named tensor's value: C-ordered float32 data of the given shape. */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/** Encoding options: storage dtype (F16 halves the bytes and rounds to half) and metadata. */
export interface SafetensorsEncodeOptions {
  dtype?: 'F32' | 'F16';
  metadata?: Record<string, string>;
}

/** A decoded file: every tensor as float32 (with the dtype it was stored in) and metadata. */
export interface DecodedSafetensors {
  tensors: Map<string, NamedTensor & { dtype: string }>;
  metadata: Record<string, string>;
}

interface HeaderEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** The reference reader refuses headers above 100 MB. */
const MAX_HEADER_BYTES = 100_000_000;

const utf8 = new TextEncoder();

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function isDimension(d: unknown): d is number {
  return typeof d === 'number' && Number.isSafeInteger(d) && d >= 0;
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Checks the tensors to encode and returns them sorted by name. */
function sortedEntries(tensors: Map<string, NamedTensor> | Record<string, NamedTensor>): [string, NamedTensor][] {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  for (const [name, t] of entries) {
    if (name === '' || name === '__metadata__') throw new Error(`encodeSafetensors: invalid tensor name '${name}'`);
    if (t.shape.some((d) => !isDimension(d))) throw new Error(`encodeSafetensors: '${name}' has shape [${t.shape.join(', ')}]`);
    if (numel(t.shape) !== t.data.length) {
      throw new Error(`encodeSafetensors: '${name}' has shape [${t.shape.join(', ')}] but ${t.data.length} values`);
    }
  }
  return entries.sort(([a], [b]) => compareUtf8(a, b));
}

/** Compact header JSON, built by hand so that key order never depends on JS property order. */
function headerJson(entries: [string, NamedTensor][], dtype: string, size: number, metadata?: Record<string, string>): string {
  const parts: string[] = [];
  if (metadata !== undefined) {
    const meta = Object.entries(metadata).map(([k, v]) => {
      if (typeof v !== 'string') throw new Error(`encodeSafetensors: metadata '${k}' is not a string`);
      return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
    });
    parts.push(`"__metadata__":{${meta.join(',')}}`);
  }
  let offset = 0;
  for (const [name, t] of entries) {
    const end = offset + t.data.length * size;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  return `{${parts.join(',')}}`;
}

/**
 * Serialises named tensors to safetensors bytes, as `safetensors.torch.save_file` lays them out.
 *
 * @example
 * const bytes = encodeSafetensors({ 'fc.weight': { shape: [2, 3], data: w } }, { dtype: 'F16', metadata: { epoch: '3' } });
 */
export function encodeSafetensors(
  tensors: Map<string, NamedTensor> | Record<string, NamedTensor>,
  opts: SafetensorsEncodeOptions = {},
): Uint8Array {
  const dtype = opts.dtype ?? 'F32';
  if (dtype !== 'F32' && dtype !== 'F16') throw new Error(`encodeSafetensors: cannot write dtype '${String(dtype)}'`);
  const size = dtype === 'F32' ? 4 : 2;
  const entries = sortedEntries(tensors);
  const json = utf8.encode(headerJson(entries, dtype, size, opts.metadata));
  const n = Math.ceil(json.length / 8) * 8;
  const dataBytes = entries.reduce((acc, [, t]) => acc + t.data.length * size, 0);
  const out = new Uint8Array(8 + n + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n;
  for (const [, t] of entries) {
    out.set(littleEndianBytes(dtype === 'F32' ? t.data : toHalfArray(t.data)), at);
    at += t.data.length * size;
  }
  return out;
}

/** The header length N in the first 8 bytes, checked against the limit and the file's `size`. */
function checkHeaderLength(first8: Uint8Array, size: number, name: string): bigint {
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) throw new Error(`${name}: header length ${n} is over the ${MAX_HEADER_BYTES}-byte limit`);
  if (8n + n > BigInt(size)) throw new Error(`${name}: header length ${n} runs beyond the end of the file (${size} bytes)`);
  return n;
}

/** Reads and parses the JSON header; returns it with the byte where the data section starts. */
function readHeader(bytes: Uint8Array, name: string): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8) throw new Error(`${name}: too short for a safetensors file (${bytes.length} bytes)`);
  const n = checkHeaderLength(bytes, bytes.length, name);
  const dataStart = 8 + Number(n);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (err) {
    throw new Error(`${name}: header is not valid UTF-8 JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${name}: header is not a JSON object`);
  }
  return { header: parsed as Record<string, unknown>, dataStart };
}

function readMetadata(value: unknown, name: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${name}: __metadata__ is not an object`);
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw new Error(`${name}: __metadata__ value for '${k}' is not a string`);
  }
  return Object.fromEntries(entries) as Record<string, string>; // own properties, even '__proto__'
}

/** Checks one tensor's header entry against the format and the data section's length. */
function readEntry(tensor: string, value: unknown, dataLength: number, name: string): HeaderEntry {
  const where = `${name}: tensor '${tensor}'`;
  if (typeof value !== 'object' || value === null) throw new Error(`${where}: entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') throw new Error(`${where}: missing dtype`);
  const info = dtypeInfo(dtype);
  if (info === undefined) throw new Error(`${where}: unsupported dtype '${dtype}' (readable: ${READABLE_DTYPES.join(', ')})`);
  if (!Array.isArray(shape) || !shape.every(isDimension)) throw new Error(`${where}: shape is not a list of sizes`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isDimension)) {
    throw new Error(`${where}: data_offsets is not a pair of byte offsets`);
  }
  const [begin, end] = offsets;
  if (begin > end) throw new Error(`${where}: data_offsets [${begin}, ${end}] are reversed (begin after end)`);
  if (end > dataLength) {
    throw new Error(`${where}: data_offsets [${begin}, ${end}] out of range (data section is ${dataLength} bytes)`);
  }
  const expected = numel(shape) * info.size;
  if (end - begin !== expected) {
    throw new Error(`${where}: data_offsets span ${end - begin} bytes, shape [${shape.join(', ')}] × ${dtype} needs ${expected}`);
  }
  return { name: tensor, dtype, shape, begin, end };
}

/**
 * The tensors must tile the data section: sorted by offset, each starts where the last ended.
 * Returns them in that (file) order.
 */
function inFileOrder(entries: HeaderEntry[], dataLength: number, name: string): HeaderEntry[] {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin < at) throw new Error(`${name}: tensor '${e.name}' overlaps the tensor before it (byte ${e.begin} < ${at})`);
    if (e.begin > at) throw new Error(`${name}: gap of ${e.begin - at} bytes before tensor '${e.name}'`);
    at = e.end;
  }
  if (at !== dataLength) throw new Error(`${name}: ${dataLength - at} bytes after the last tensor are not described`);
  return sorted;
}

/**
 * Parses safetensors bytes; every tensor comes back as float32. `name` (the path) prefixes errors.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(readFileSync('teacher.safetensors'), 'teacher.safetensors');
 * tensors.get('classifier.weight')?.shape; // [2, 64]
 */
export function decodeSafetensors(bytes: Uint8Array, name = '<buffer>'): DecodedSafetensors {
  const { header, dataStart } = readHeader(bytes, name);
  const data = bytes.subarray(dataStart);
  const metadata = readMetadata(header.__metadata__, name);
  const entries = Object.entries(header)
    .filter(([k]) => k !== '__metadata__')
    .map(([k, v]) => readEntry(k, v, data.length, name));
  const tensors = new Map<string, NamedTensor & { dtype: string }>();
  for (const e of inFileOrder(entries, data.length, name)) {
    const info = dtypeInfo(e.dtype);
    if (info === undefined) continue; // unreachable: readEntry checked the dtype
    try {
      tensors.set(e.name, { shape: e.shape, data: info.read(data, e.begin, numel(e.shape)), dtype: e.dtype });
    } catch (err) {
      throw new Error(`${name}: tensor '${e.name}': ${(err as Error).message}`);
    }
  }
  return { tensors, metadata };
}

/**
 * Writes a safetensors file atomically (temporary file in the same folder, then a rename).
 *
 * @example
 * saveSafetensors('runs/teacher/epoch-20.safetensors', model.stateDict(), { metadata: { epoch: '20' } });
 */
export function saveSafetensors(
  path: string,
  tensors: Map<string, NamedTensor> | Record<string, NamedTensor>,
  opts: SafetensorsEncodeOptions = {},
): void {
  writeFileAtomic(path, encodeSafetensors(tensors, opts));
}

/**
 * Reads a safetensors file; every error names the path.
 *
 * @example
 * const { tensors, metadata } = loadSafetensors('teacher.safetensors');
 */
export function loadSafetensors(path: string): DecodedSafetensors {
  // The header length is checked before the file is read whole: a file that is not a
  // checkpoint is refused after 8 bytes, and a FIFO or a device before it is opened.
  const size = regularFileSize(path);
  const first8 = readFilePrefix(path, 8);
  if (first8.length === 8) checkHeaderLength(first8, size, path);
  return decodeSafetensors(readFileBytes(path), path);
}
