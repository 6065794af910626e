/**
 * Reductions. sum's backward broadcasts g back over the reduced axes; max's backward sends g to
 * the positions equal to the maximum, shared equally among ties (like torch.amax).
 */
import type { NDArray } from '@kws/tensor';
import { reducedShape } from '@kws/tensor';
import type { Op } from '../engine.js';

export interface ReduceAttrs {
  axes: readonly number[];
  keepDims: boolean;
}

export const Sum: Op<ReduceAttrs, undefined> = {
  name: 'sum',
  forward: (be, [x], { axes, keepDims }) => ({ out: be.sum(x, axes).reshape(reducedShape(x.shape, axes, keepDims)), saved: undefined }),
  backward: (_be, g, { inputs: [x], attrs }) => [g.reshape(reducedShape(x.shape, attrs.axes, true)).expand(x.shape)],
};

export const Max: Op<ReduceAttrs, NDArray> = {
  name: 'max',
  forward: (be, [x], { axes, keepDims }) => {
    const m = be.max(x, axes);
    return { out: m.reshape(reducedShape(x.shape, axes, keepDims)), saved: m };
  },
  backward: (be, g, { inputs: [x], attrs, saved }) => {
    const mask = be.binary.eq(x, saved.expand(x.shape));
    const count = be.sum(mask, attrs.axes).expand(x.shape);
    const gk = g.reshape(reducedShape(x.shape, attrs.axes, true)).expand(x.shape);
    return [be.binary.div(be.binary.mul(gk, mask), count)];
  },
};
