/**
 * Elementwise primitives, forward and backward side by side. Inputs have equal shapes
 * (Tensor methods broadcast with `expand` first; expand's backward sums).
 *   neg: -g      exp: g·y       log: g/x        sqrt: g/(2y)     tanh: g·(1-y²)   relu: g·[x>0]
 *   add: g, g    sub: g, -g     mul: g·b, g·a   div: g/b, -g·a/b²
 *   maximum: g·[a>=b], g·[a<b]  pow(a, b): g·b·a^(b-1), g·a^b·log a
 */
import type { Backend, NDArray } from '@kws/tensor';
import type { Op } from '../engine.js';

type Unary = Op<undefined, undefined>;

function unary(name: 'neg' | 'exp' | 'log' | 'sqrt' | 'tanh' | 'relu', grad: (be: Backend, g: NDArray, x: NDArray, y: NDArray) => NDArray): Unary {
  return {
    name,
    forward: (be, [x]) => ({ out: be.unary[name](x), saved: undefined }),
    backward: (be, g, ctx) => [grad(be, g, ctx.inputs[0], ctx.out)],
  };
}

export const Neg = unary('neg', (be, g) => be.unary.neg(g));
export const Exp = unary('exp', (be, g, _x, y) => be.binary.mul(g, y));
export const Log = unary('log', (be, g, x) => be.binary.div(g, x));
export const Sqrt = unary('sqrt', (be, g, _x, y) => be.binary.div(g, be.binary.add(y, y)));
export const Tanh = unary('tanh', (be, g, _x, y) => be.binary.sub(g, be.binary.mul(g, be.unary.square(y))));
export const Relu = unary('relu', (be, g, x) => be.binary.mul(g, be.binary.gt(x, zerosOf(x))));

function zerosOf(x: NDArray): NDArray {
  return filled(x, 0);
}

function filled(x: NDArray, v: number): NDArray {
  const z = x.clone();
  z.data.fill(v);
  return z;
}

type Binary = Op<undefined, undefined>;

function binary(
  name: 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'pow',
  grad: (be: Backend, g: NDArray, a: NDArray, b: NDArray, y: NDArray, needs: readonly boolean[]) => (NDArray | null)[],
): Binary {
  return {
    name,
    forward: (be, [a, b]) => ({ out: be.binary[name](a, b), saved: undefined }),
    backward: (be, g, ctx, needs) => grad(be, g, ctx.inputs[0], ctx.inputs[1], ctx.out, needs),
  };
}

export const Add = binary('add', (_be, g) => [g, g]);
export const Sub = binary('sub', (be, g) => [g, be.unary.neg(g)]);
export const Mul = binary('mul', (be, g, a, b, _y, needs) => [needs[0] ? be.binary.mul(g, b) : null, needs[1] ? be.binary.mul(g, a) : null]);
export const Div = binary('div', (be, g, _a, b, y, needs) => [
  needs[0] ? be.binary.div(g, b) : null,
  needs[1] ? be.unary.neg(be.binary.div(be.binary.mul(g, y), b)) : null,
]);
export const Maximum = binary('maximum', (be, g, a, b) => {
  const mask = be.binary.ge(a, b);
  return [be.binary.mul(g, mask), be.binary.sub(g, be.binary.mul(g, mask))];
});
export const Pow = binary('pow', (be, g, a, b, y, needs) => [
  needs[0] ? be.binary.mul(g, be.binary.mul(b, be.binary.pow(a, be.binary.sub(b, filled(b, 1))))) : null,
  needs[1] ? be.binary.mul(g, be.binary.mul(y, be.unary.log(a))) : null,
]);

/** where(cond, a, b): cond is a constant 0/1 array in attrs; gradients flow to the chosen side. */
export const Where: Op<NDArray, undefined> = {
  name: 'where',
  forward: (be, [a, b], cond) => ({ out: be.where(cond, a, b), saved: undefined }),
  backward: (be, g, ctx) => {
    const zero = zerosOf(g);
    return [be.where(ctx.attrs, g, zero), be.where(ctx.attrs, zero, g)];
  },
};
