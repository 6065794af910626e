/**
 * safetensors: round trips (F32 exact, F16 rounded), byte-exact layouts written by hand from the
 * spec (the first and last equal the reference Rust crate's own test vectors), other dtypes from
 * hand-built files, and one corrupt file per validation rule, each error naming the file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { roundToHalf } from '@kws/tensor';
import { decodeSafetensors, encodeSafetensors, loadSafetensors, saveSafetensors } from './safetensors.js';
import type { NamedTensor } from './safetensors.js';

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const u64le = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff, 0, 0, 0, 0];
const f32le = (xs: number[]): number[] => Array.from(new Uint8Array(new Float32Array(xs).buffer));

/** A file from a header text (padded with spaces to a multiple of 8) and raw data bytes. */
function build(header: string, data: number[] = [], headerLength?: number): Uint8Array {
  const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
  return new Uint8Array([...u64le(headerLength ?? padded.length), ...ascii(padded), ...data]);
}

function sample(): Record<string, NamedTensor> {
  return {
    'rnn.weight_ih_l0': { shape: [2, 3], data: new Float32Array([0.1, -0.2, 0.3, 1e-5, 7, -70000]) },
    'classifier.bias': { shape: [2], data: new Float32Array([1.5, -2.25]) },
    scalar: { shape: [], data: new Float32Array([Math.PI]) },
    empty: { shape: [0, 4], data: new Float32Array(0) },
  };
}

describe('encode / decode round trips', () => {
  it('round-trips F32 exactly, tensors in name order', () => {
    const src = sample();
    const { tensors, metadata } = decodeSafetensors(encodeSafetensors(src));
    expect([...tensors.keys()]).toEqual(['classifier.bias', 'empty', 'rnn.weight_ih_l0', 'scalar']);
    for (const [name, t] of Object.entries(src)) {
      const got = tensors.get(name);
      expect(got?.dtype).toBe('F32');
      expect(got?.shape).toEqual(t.shape);
      expect(got?.data).toEqual(t.data);
    }
    expect(metadata).toEqual({});
  });

  it('F16 halves the data bytes and rounds each value through half', () => {
    const src = sample();
    const f32 = encodeSafetensors(src);
    const f16 = encodeSafetensors(src, { dtype: 'F16' });
    const dataBytes = (b: Uint8Array): number => b.length - 8 - Number(new DataView(b.buffer).getBigUint64(0, true));
    expect(dataBytes(f32)).toBe(4 * 9);
    expect(dataBytes(f16)).toBe(2 * 9);
    const { tensors } = decodeSafetensors(f16);
    for (const [name, t] of Object.entries(src)) {
      expect(tensors.get(name)?.dtype).toBe('F16');
      expect(tensors.get(name)?.data).toEqual(roundToHalf(t.data.slice()));
    }
    expect(tensors.get('rnn.weight_ih_l0')?.data[5]).toBe(-Infinity); // -70000 overflows half
  });

  it('round-trips metadata, Map and Record inputs give the same bytes', () => {
    const metadata = { model: '{"hidden":64}', epoch: '20', note: 'ünïcode "quoted"\n' };
    const bytes = encodeSafetensors(sample(), { metadata });
    expect(decodeSafetensors(bytes).metadata).toEqual(metadata);
    expect(encodeSafetensors(new Map(Object.entries(sample())), { metadata })).toEqual(bytes);
  });

  it('orders integer-like names as strings, not as JS property order', () => {
    const one = (x: number): NamedTensor => ({ shape: [1], data: new Float32Array([x]) });
    const bytes = encodeSafetensors({ '9': one(9), '10': one(10), a: one(1) });
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))));
    expect(header.trimEnd()).toBe(
      '{"10":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"9":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},' +
        '"a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}',
    );
    expect(decodeSafetensors(bytes).tensors.get('9')?.data[0]).toBe(9);
  });

  it('refuses tensors whose shape does not match their data', () => {
    const bad = { w: { shape: [2, 2], data: new Float32Array(3) } };
    expect(() => encodeSafetensors(bad)).toThrow(/'w' has shape \[2, 2\] but 3 values/);
    expect(() => encodeSafetensors({ w: { shape: [-1], data: new Float32Array(1) } })).toThrow(/'w'/);
  });
});

describe('byte layout (as safetensors.torch.save_file writes it)', () => {
  it('matches a hand-written F32 file, header padded with spaces', () => {
    const expected = [
      ...u64le(72),
      ...ascii('{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}'), // 65 bytes
      ...ascii('       '), // 7 spaces: 65 → 72
      ...f32le([0, 1, 2, 3, 4, 5]),
    ];
    const bytes = encodeSafetensors({ attn0: { shape: [1, 1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) } });
    expect(Array.from(bytes)).toEqual(expected);
  });

  it('matches a hand-written F16 file with metadata first and names sorted', () => {
    const header =
      '{"__metadata__":{"format":"pt"},"a":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},' +
      '"b":{"dtype":"F16","shape":[],"data_offsets":[6,8]}}'; // 137 bytes
    const expected = [
      ...u64le(144),
      ...ascii(header),
      ...ascii('       '), // 7 spaces: 137 → 144
      ...[0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38], // 1, -2, 0.5 as half, little-endian
      ...[0xff, 0x7b], // 65504
    ];
    const bytes = encodeSafetensors(
      { b: { shape: [], data: new Float32Array([65504]) }, a: { shape: [3], data: new Float32Array([1, -2, 0.5]) } },
      { dtype: 'F16', metadata: { format: 'pt' } },
    );
    expect(Array.from(bytes)).toEqual(expected);
  });

  it('writes an empty file as {} and six spaces', () => {
    expect(Array.from(encodeSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
  });
});

describe('decoding other dtypes', () => {
  it('reads F64, BF16 and integer tensors as float32', () => {
    const f64 = Array.from(new Uint8Array(new Float64Array([1 / 3, -2.5, 1e300]).buffer));
    const bf16 = [0x80, 0x3f, 0x40, 0xc0, 0xaa, 0x3e]; // 0x3f80 = 1, 0xc040 = -3, 0x3eaa = 0.33203125
    const i64 = Array.from(new Uint8Array(new BigInt64Array([5n, -7n]).buffer));
    const header =
      '{"d":{"dtype":"F64","shape":[3],"data_offsets":[0,24]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[24,30]},' +
      '"n":{"dtype":"I64","shape":[2],"data_offsets":[30,46]},"u":{"dtype":"U8","shape":[1],"data_offsets":[46,47]}}';
    const { tensors } = decodeSafetensors(build(header, [...f64, ...bf16, ...i64, 200]));
    expect(Array.from(tensors.get('d')?.data ?? [])).toEqual([Math.fround(1 / 3), -2.5, Infinity]);
    expect(Array.from(tensors.get('b')?.data ?? [])).toEqual([1, -3, 0.33203125]);
    expect(Array.from(tensors.get('n')?.data ?? [])).toEqual([5, -7]);
    expect(Array.from(tensors.get('u')?.data ?? [])).toEqual([200]);
    expect(tensors.get('b')?.dtype).toBe('BF16');
    expect([...tensors.keys()]).toEqual(['d', 'b', 'n', 'u']); // file order
  });

  it('reads F32 data that is not 4-byte aligned in the buffer', () => {
    const file = encodeSafetensors({ w: { shape: [2], data: new Float32Array([1.25, -8]) } });
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    expect(Array.from(decodeSafetensors(shifted.subarray(1)).tensors.get('w')?.data ?? [])).toEqual([1.25, -8]);
  });

  it('refuses an integer that float32 cannot hold exactly', () => {
    const i64 = Array.from(new Uint8Array(new BigInt64Array([2n ** 40n + 1n]).buffer));
    const file = build('{"steps":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}', i64);
    expect(() => decodeSafetensors(file, 'ckpt.safetensors')).toThrow(/ckpt\.safetensors: tensor 'steps': .*not exact/);
  });
});

describe('decoding corrupt files names the file', () => {
  const f32 = (name: string, offsets: string, shape = '[2]'): string =>
    `"${name}":{"dtype":"F32","shape":${shape},"data_offsets":${offsets}}`;
  const cases: [string, Uint8Array, RegExp][] = [
    ['too short', new Uint8Array([1, 0, 0]), /too short/],
    ['header length beyond the file', build('{}', [], 4000), /beyond the end of the file/],
    ['absurd header length', new Uint8Array([...[0, 0, 0, 0, 0, 0, 0, 0x80], 0x7b, 0x7d]), /over the .* limit/],
    ['bad JSON', build('{"a": {"dtype"'), /not valid UTF-8 JSON/],
    ['invalid UTF-8', new Uint8Array([...u64le(8), 0x7b, 0x22, 0xff, 0x22, 0x7d, 32, 32, 32]), /not valid UTF-8 JSON/],
    ['a JSON array', build('[1,2]'), /not a JSON object/],
    ['offsets beyond the data', build(`{${f32('w', '[0,8]')}}`, [0, 0, 0, 0]), /'w': data_offsets \[0, 8\] out of range/],
    ['offsets reversed', build(`{${f32('w', '[8,0]')}}`, new Array<number>(8).fill(0)), /'w': data_offsets \[8, 0\] are reversed \(begin after end\)/],
    ['size not shape × dtype', build(`{${f32('w', '[0,12]')}}`, new Array<number>(12).fill(0)), /span 12 bytes.*needs 8/],
    ['overlap', build(`{${f32('a', '[0,8]')},${f32('b', '[4,12]')}}`, new Array<number>(12).fill(0)), /'b' overlaps/],
    ['gap', build(`{${f32('a', '[0,8]')},${f32('b', '[12,20]')}}`, new Array<number>(20).fill(0)), /gap of 4 bytes/],
    ['trailing bytes', build(`{${f32('a', '[0,8]')}}`, new Array<number>(10).fill(0)), /2 bytes after the last tensor/],
    ['unknown dtype', build('{"w":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}', [0]), /unsupported dtype 'F8_E4M3'/],
    ['missing dtype', build('{"w":{"shape":[1],"data_offsets":[0,4]}}', [0, 0, 0, 0]), /'w': missing dtype/],
    ['bad shape', build(`{${f32('w', '[0,4]', '[1.5]')}}`, [0, 0, 0, 0]), /shape is not a list/],
    ['non-string metadata', build('{"__metadata__":{"epoch":3}}'), /__metadata__ value for 'epoch' is not a string/],
  ];
  it.each(cases)('%s', (_label, bytes, message) => {
    expect(() => decodeSafetensors(bytes, 'runs/bad.safetensors')).toThrow(/^runs\/bad\.safetensors: /);
    expect(() => decodeSafetensors(bytes, 'runs/bad.safetensors')).toThrow(message);
  });
});

describe('files', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kws-safetensors-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves atomically and loads back, leaving no temporary file', () => {
    const path = join(dir, 'model.safetensors');
    saveSafetensors(path, sample(), { metadata: { epoch: '1' } });
    saveSafetensors(path, sample(), { dtype: 'F16', metadata: { epoch: '2' } }); // replaces it
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
    const { tensors, metadata } = loadSafetensors(path);
    expect(metadata).toEqual({ epoch: '2' });
    expect(tensors.get('classifier.bias')?.data).toEqual(new Float32Array([1.5, -2.25]));
    expect(readFileSync(path)).toEqual(Buffer.from(encodeSafetensors(sample(), { dtype: 'F16', metadata: { epoch: '2' } })));
  });

  it('names the path when it cannot read, write, or parse', () => {
    const missing = join(dir, 'nope.safetensors');
    expect(() => loadSafetensors(missing)).toThrow(`${missing}: cannot read (no such file)`);
    const unwritable = join(dir, 'no-such-folder', 'model.safetensors');
    expect(() => saveSafetensors(unwritable, sample())).toThrow(`${unwritable}: cannot write`);
    const garbage = join(dir, 'garbage.safetensors');
    writeFileSync(garbage, new Uint8Array([3, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7b, 0x7b]));
    expect(() => loadSafetensors(garbage)).toThrow(`${garbage}: header is not valid UTF-8 JSON`);
    expect(readdirSync(dir)).toEqual(['garbage.safetensors']);
  });
});
