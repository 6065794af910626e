/**
 * Movement primitives. Forwards are views where possible; backwards undo the movement:
 *   reshape ↔ reshape back, permute ↔ inverse permutation, expand ↔ sum over the broadcast axes,
 *   slice ↔ scatter into zeros, concat ↔ slices, pad ↔ slice of the interior.
 */
import { NDArray, allocate, writeStrided } from '@kws/tensor';
import type { Op } from '../engine.js';

export const Reshape: Op<readonly number[], undefined> = {
  name: 'reshape',
  forward: (_be, [x], shape) => ({ out: x.reshape(shape), saved: undefined }),
  backward: (_be, g, { inputs: [x] }) => [g.reshape(x.shape)],
};

export const Permute: Op<readonly number[], undefined> = {
  name: 'permute',
  forward: (_be, [x], axes) => ({ out: x.permute(axes), saved: undefined }),
  backward: (_be, g, { attrs }) => {
    const inv = new Array<number>(attrs.length);
    attrs.forEach((a, i) => (inv[a < 0 ? a + attrs.length : a] = i));
    return [g.permute(inv)];
  },
};

export const Expand: Op<readonly number[], undefined> = {
  name: 'expand',
  forward: (_be, [x], shape) => ({ out: x.expand(shape), saved: undefined }),
  backward: (be, g, { inputs: [x] }) => {
    const lead = g.ndim - x.ndim;
    const axes = g.shape.map((_, i) => i).filter((i) => i < lead || (x.shape[i - lead] === 1 && g.shape[i] !== 1));
    const summed = axes.length > 0 ? be.sum(g, axes) : g;
    return [summed.reshape(x.shape)];
  },
};

export interface SliceAttrs {
  axis: number;
  start: number;
  end: number;
  step: number;
}

export const Slice: Op<SliceAttrs, undefined> = {
  name: 'slice',
  forward: (_be, [x], a) => ({ out: x.slice(a.axis, a.start, a.end, a.step), saved: undefined }),
  backward: (_be, g, { inputs: [x], attrs: a }) => {
    const out = NDArray.zeros(x.shape, x.dtype);
    writeStrided(out.slice(a.axis, a.start, a.end, a.step), g.contiguous().data);
    return [out];
  },
};

/** Concatenate along `axis` (normalised by the caller). */
export const Concat: Op<number, undefined> = {
  name: 'concat',
  forward: (_be, xs, axis) => {
    const shape = [...xs[0].shape];
    shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
    const out = new NDArray(allocate(xs[0].dtype, xs.reduce((s, x) => s + x.size, 0)), shape);
    let at = 0;
    for (const x of xs) {
      writeStrided(out.slice(axis, at, at + x.shape[axis]), x.contiguous().data);
      at += x.shape[axis];
    }
    return { out, saved: undefined };
  },
  backward: (_be, g, { inputs, attrs: axis }) => {
    let at = 0;
    return inputs.map((x) => {
      const part = g.slice(axis, at, at + x.shape[axis]);
      at += x.shape[axis];
      return part;
    });
  },
};

/** Constant padding: `pads[i] = [before, after]` for each axis. */
export interface PadAttrs {
  pads: readonly (readonly [number, number])[];
  value: number;
}

export const Pad: Op<PadAttrs, undefined> = {
  name: 'pad',
  forward: (_be, [x], { pads, value }) => {
    const out = NDArray.full(x.shape.map((d, i) => d + pads[i][0] + pads[i][1]), value, x.dtype);
    writeStrided(interior(out, x.shape, pads), x.contiguous().data);
    return { out, saved: undefined };
  },
  backward: (_be, g, { inputs: [x], attrs }) => [interior(g, x.shape, attrs.pads)],
};

function interior(a: NDArray, shape: readonly number[], pads: PadAttrs['pads']): NDArray {
  let v = a;
  shape.forEach((d, i) => (v = v.slice(i, pads[i][0], pads[i][0] + d)));
  return v;
}
