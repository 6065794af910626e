import { describe, expect, it } from 'vitest';
import { broadcastShapes, convOutSize, inferShape, normAxes, normAxis, reducedShape, sameShape, shapeStr, sizeOf, stridesOf } from './shape.js';

describe('sizeOf and stridesOf', () => {
  it('counts elements, a scalar having one and a zero axis none', () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([5, 0, 2])).toBe(0);
  });

  it('gives row-major strides', () => {
    expect(stridesOf([])).toEqual([]);
    expect(stridesOf([7])).toEqual([1]);
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(stridesOf([128, 1, 40, 101])).toEqual([4040, 4040, 101, 1]);
  });
});

describe('normAxis and normAxes', () => {
  it('wraps negative axes and rejects out-of-range ones', () => {
    expect(normAxis(-1, 3)).toBe(2);
    expect(normAxis(0, 3)).toBe(0);
    expect(() => normAxis(3, 3)).toThrow(RangeError);
    expect(() => normAxis(-4, 3)).toThrow(/out of range/);
    expect(() => normAxis(0.5, 3)).toThrow(RangeError);
  });

  it('sorts and de-duplicates, undefined meaning every axis', () => {
    expect(normAxes(undefined, 3)).toEqual([0, 1, 2]);
    expect(normAxes(-1, 3)).toEqual([2]);
    expect(normAxes([2, 0, -1], 3)).toEqual([0, 2]);
  });
});

describe('broadcastShapes', () => {
  it('aligns on the right and stretches size-1 axes', () => {
    expect(broadcastShapes([3, 1], [4])).toEqual([3, 4]);
    expect(broadcastShapes([2, 1, 5], [3, 1])).toEqual([2, 3, 5]);
    expect(broadcastShapes([], [2, 3])).toEqual([2, 3]);
    expect(broadcastShapes([2, 3], [])).toEqual([2, 3]);
    expect(broadcastShapes([1], [1])).toEqual([1]);
    expect(broadcastShapes([4, 1], [1, 0])).toEqual([4, 0]);
  });

  it('is symmetric', () => {
    expect(broadcastShapes([5, 1, 3], [4, 1])).toEqual(broadcastShapes([4, 1], [5, 1, 3]));
  });

  it('rejects mismatched sizes with both shapes in the message', () => {
    expect(() => broadcastShapes([3], [4])).toThrow(RangeError);
    expect(() => broadcastShapes([2, 3], [3, 3])).toThrow('shapes [2, 3] and [3, 3] do not broadcast');
    expect(() => broadcastShapes([2, 1, 3], [2, 4])).toThrow(RangeError);
  });
});

describe('inferShape', () => {
  it('passes a full shape through', () => {
    expect(inferShape([2, 6], 12)).toEqual([2, 6]);
  });

  it('resolves one -1 at any position', () => {
    expect(inferShape([-1], 12)).toEqual([12]);
    expect(inferShape([3, -1], 12)).toEqual([3, 4]);
    expect(inferShape([-1, 2, 3], 12)).toEqual([2, 2, 3]);
    expect(inferShape([2, -1, 2], 12)).toEqual([2, 3, 2]);
  });

  it('rejects sizes that do not divide or do not match', () => {
    expect(() => inferShape([5, -1], 12)).toThrow(RangeError);
    expect(() => inferShape([5, 3], 12)).toThrow('cannot reshape 12 elements to [5, 3]');
    expect(() => inferShape([-1, -1], 12)).toThrow(RangeError);
    expect(() => inferShape([-2, -6], 12)).toThrow(RangeError);
  });
});

describe('reducedShape', () => {
  it('keeps reduced axes as 1 or drops them', () => {
    expect(reducedShape([2, 3, 4], [1], true)).toEqual([2, 1, 4]);
    expect(reducedShape([2, 3, 4], [1], false)).toEqual([2, 4]);
    expect(reducedShape([2, 3, 4], [0, 2], false)).toEqual([3]);
    expect(reducedShape([2, 3, 4], [0, 1, 2], false)).toEqual([]);
    expect(reducedShape([2, 3, 4], [0, 1, 2], true)).toEqual([1, 1, 1]);
    expect(reducedShape([2, 3, 4], [], false)).toEqual([2, 3, 4]);
  });
});

describe('convOutSize', () => {
  it('is floor((n + 2·pad - k) / stride) + 1', () => {
    expect(convOutSize(101, 20, 8, 0)).toBe(11);
    expect(convOutSize(40, 5, 2, 0)).toBe(18);
    expect(convOutSize(5, 3, 1, 1)).toBe(5);
    expect(convOutSize(7, 3, 2, 1)).toBe(4);
    expect(convOutSize(4, 4, 1, 0)).toBe(1);
  });

  it('rejects a kernel larger than the padded input', () => {
    expect(() => convOutSize(3, 5, 1, 0)).toThrow(RangeError);
    expect(convOutSize(3, 5, 1, 1)).toBe(1);
  });
});

describe('sameShape and shapeStr', () => {
  it('compares ranks and sizes', () => {
    expect(sameShape([2, 3], [2, 3])).toBe(true);
    expect(sameShape([2, 3], [3, 2])).toBe(false);
    expect(sameShape([2], [2, 1])).toBe(false);
    expect(sameShape([], [])).toBe(true);
    expect(shapeStr([2, 3])).toBe('[2, 3]');
  });
});
