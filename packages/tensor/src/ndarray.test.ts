import { describe, expect, it } from 'vitest';
import { allocate, copyStrided, NDArray, writeStrided } from './ndarray.js';

/** 0, 1, ..., n-1 in the given shape. */
function arange(shape: number[], dtype: 'float32' | 'float64' = 'float32'): NDArray {
  const n = shape.reduce((p, d) => p * d, 1);
  return NDArray.from(Array.from({ length: n }, (_, i) => i), shape, dtype);
}

describe('NDArray construction', () => {
  it('makes zeros, full, from and scalar with row-major strides', () => {
    const z = NDArray.zeros([2, 3], 'float64');
    expect(z.dtype).toBe('float64');
    expect(z.strides).toEqual([3, 1]);
    expect(z.toArray()).toEqual([0, 0, 0, 0, 0, 0]);
    expect(NDArray.full([2], 7).toArray()).toEqual([7, 7]);
    expect(NDArray.from([1, 2, 3]).shape).toEqual([3]);
    const s = NDArray.scalar(5);
    expect(s.shape).toEqual([]);
    expect(s.ndim).toBe(0);
    expect(s.size).toBe(1);
    expect(s.toArray()).toEqual([5]);
  });

  it('rejects storage too small for its shape', () => {
    expect(() => new NDArray(new Float32Array(5), [2, 3])).toThrow(RangeError);
  });

  it('converts dtype with astype', () => {
    const a = NDArray.from([1.5, 2.25], [2], 'float64');
    const b = a.astype('float32');
    expect(b.dtype).toBe('float32');
    expect(b.data).toBeInstanceOf(Float32Array);
    expect(b.toArray()).toEqual([1.5, 2.25]);
    expect(a.astype('float64')).toBe(a);
  });
});

describe('reshape', () => {
  it('of a contiguous array is a view sharing storage', () => {
    const a = arange([2, 6]);
    const b = a.reshape([3, -1]);
    expect(b.shape).toEqual([3, 4]);
    expect(b.data).toBe(a.data);
    b.data[5] = 100;
    expect(a.get(0, 5)).toBe(100);
  });

  it('of a contiguous slice keeps the offset and shares storage', () => {
    const a = arange([4, 3]);
    const rows = a.slice(0, 1, 3); // rows 1..2, contiguous with offset 3
    const flat = rows.reshape([6]);
    expect(flat.data).toBe(a.data);
    expect(flat.offset).toBe(3);
    expect(flat.toArray()).toEqual([3, 4, 5, 6, 7, 8]);
  });

  it('of a permuted array copies in logical order', () => {
    const a = arange([2, 3]);
    const t = a.permute([1, 0]); // [[0,3],[1,4],[2,5]]
    const r = t.reshape([6]);
    expect(r.data).not.toBe(a.data);
    expect(r.toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    const r2 = arange([2, 3, 4]).permute([2, 0, 1]).reshape([4, 6]);
    expect(r2.get(1, 0)).toBe(1);
    expect(r2.get(1, 1)).toBe(5);
    expect(r2.get(3, 5)).toBe(23);
  });

  it('rejects an incompatible target', () => {
    expect(() => arange([2, 3]).reshape([4, 2])).toThrow(RangeError);
    expect(() => arange([2, 3]).reshape([4, -1])).toThrow(RangeError);
  });
});

describe('views', () => {
  it('permute and transpose move strides without copying', () => {
    const a = arange([2, 3, 4]);
    const p = a.permute([2, 0, 1]);
    expect(p.shape).toEqual([4, 2, 3]);
    expect(p.strides).toEqual([1, 12, 4]);
    expect(p.data).toBe(a.data);
    expect(p.get(3, 1, 2)).toBe(a.get(1, 2, 3));
    const t = a.transpose();
    expect(t.shape).toEqual([2, 4, 3]);
    expect(t.get(1, 3, 2)).toBe(a.get(1, 2, 3));
    expect(a.transpose(0, 2).shape).toEqual([4, 3, 2]);
    expect(a.permute([-1, 0, 1]).shape).toEqual([4, 2, 3]);
    expect(p.isContiguous()).toBe(false);
  });

  it('permute rejects a non-permutation', () => {
    expect(() => arange([2, 3]).permute([0, 0])).toThrow(RangeError);
    expect(() => arange([2, 3]).permute([0])).toThrow(RangeError);
    expect(() => arange([2, 3]).permute([0, 2])).toThrow(RangeError);
  });

  it('expand gives stride 0 on stretched and new leading axes', () => {
    const a = NDArray.from([1, 2, 3], [3, 1]);
    const e = a.expand([2, 3, 4]);
    expect(e.strides).toEqual([0, 1, 0]);
    expect(e.data).toBe(a.data);
    expect(e.get(1, 2, 3)).toBe(3);
    expect(e.toArray()).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    expect(a.expand([3, 1])).toBe(a);
    expect(e.isContiguous()).toBe(false);
  });

  it('expand rejects a non-1 axis that changes and a shorter rank', () => {
    expect(() => arange([2, 3]).expand([4, 3])).toThrow(RangeError);
    expect(() => arange([2, 3]).expand([3])).toThrow(RangeError);
    expect(() => arange([3]).expand([2, 4])).toThrow(/cannot expand \[3\] to \[2, 4\]/);
  });

  it('slice with a step is a view with an offset', () => {
    const a = arange([3, 10]);
    const s = a.slice(1, 1, 9, 3); // columns 1, 4, 7
    expect(s.shape).toEqual([3, 3]);
    expect(s.offset).toBe(1);
    expect(s.strides).toEqual([10, 3]);
    expect(s.data).toBe(a.data);
    expect(s.toArray()).toEqual([1, 4, 7, 11, 14, 17, 21, 24, 27]);
    expect(a.slice(1, 2, 10, 4).toArray()).toEqual([2, 6, 12, 16, 22, 26]);
    expect(a.slice(-2, 1, 3).toArray()).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect(a.slice(0, 1, 1).shape).toEqual([0, 10]);
    // a slice of a slice composes offsets and strides
    expect(s.slice(0, 1, 3).slice(1, 0, 3, 2).toArray()).toEqual([11, 17, 21, 27]);
  });

  it('slice rejects bad bounds and steps', () => {
    const a = arange([3, 10]);
    expect(() => a.slice(1, 0, 11)).toThrow(RangeError);
    expect(() => a.slice(1, -1, 3)).toThrow(RangeError);
    expect(() => a.slice(1, 5, 3)).toThrow(RangeError);
    expect(() => a.slice(1, 0, 3, 0)).toThrow(RangeError);
    expect(() => a.slice(2, 0, 1)).toThrow(RangeError);
  });
});

describe('contiguous, clone and toArray', () => {
  it('contiguous returns a packed array itself and copies views in row-major order', () => {
    const a = arange([2, 3, 4], 'float64');
    expect(a.isPacked()).toBe(true);
    expect(a.contiguous()).toBe(a);
    const p = a.permute([1, 2, 0]).contiguous();
    expect(p.isPacked()).toBe(true);
    expect(p.data).not.toBe(a.data);
    expect(p.data).toBeInstanceOf(Float64Array);
    const expected: number[] = [];
    for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) for (let i = 0; i < 2; i++) expected.push(i * 12 + j * 4 + k);
    expect(Array.from(p.data)).toEqual(expected);
  });

  it('a contiguous view with an offset is not packed and copies', () => {
    const a = arange([4, 3]);
    const rows = a.slice(0, 2, 4);
    expect(rows.isContiguous()).toBe(true);
    expect(rows.isPacked()).toBe(false);
    const c = rows.contiguous();
    expect(c.isPacked()).toBe(true);
    expect(Array.from(c.data)).toEqual([6, 7, 8, 9, 10, 11]);
  });

  it('clone never shares storage', () => {
    const a = arange([2, 2]);
    const c = a.clone();
    expect(c.data).not.toBe(a.data);
    c.data[0] = 9;
    expect(a.get(0, 0)).toBe(0);
  });

  it('handles a 0-d view and an empty array', () => {
    const a = arange([2, 3]);
    const s = new NDArray(a.data, [], [], 4);
    expect(s.toArray()).toEqual([4]);
    expect(a.slice(1, 2, 2).toArray()).toEqual([]);
  });
});

describe('copyStrided and writeStrided', () => {
  it('copyStrided reads a permuted, sliced, expanded view in logical order', () => {
    const a = arange([3, 4, 5]);
    const v = a.slice(2, 1, 5, 2).permute([1, 0, 2]).slice(0, 1, 4, 2); // (2, 3, 2)
    const out = allocate('float32', v.size);
    copyStrided(v, out);
    const expected: number[] = [];
    for (const j of [1, 3]) for (let i = 0; i < 3; i++) for (const k of [1, 3]) expected.push(i * 20 + j * 5 + k);
    expect(Array.from(out)).toEqual(expected);
    const e = NDArray.from([1, 2], [2, 1]).expand([3, 2, 2]);
    const out2 = allocate('float64', e.size);
    copyStrided(e, out2);
    expect(Array.from(out2)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2]);
  });

  it('writeStrided fills only the viewed elements', () => {
    const a = NDArray.zeros([3, 6], 'float64');
    const v = a.slice(1, 1, 6, 2).permute([1, 0]); // (3 cols, 3 rows) of columns 1, 3, 5
    writeStrided(v, Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(a.toArray()).toEqual([0, 1, 0, 4, 0, 7, 0, 2, 0, 5, 0, 8, 0, 3, 0, 6, 0, 9]);
    const s = new NDArray(a.data, [], [], 2);
    writeStrided(s, Float64Array.from([42]));
    expect(a.get(0, 2)).toBe(42);
  });

  it('writeStrided then copyStrided round-trips through a view', () => {
    const a = NDArray.zeros([4, 5, 3]);
    const v = a.permute([2, 0, 1]).slice(2, 0, 5, 2).slice(1, 1, 4); // (3, 3, 3)
    const src = Float32Array.from({ length: v.size }, (_, i) => i + 1);
    writeStrided(v, src);
    const back = allocate('float32', v.size);
    copyStrided(v, back);
    expect(Array.from(back)).toEqual(Array.from(src));
    expect(a.toArray().filter((x) => x !== 0).length).toBe(27);
  });
});
