/**
 * Tensor: a thin fluent facade over an NDArray plus its gradient. Every method either applies
 * one primitive (ops/) or composes primitives (functional.ts); none has a backward of its own.
 *
 * @example
 * const w = Tensor.from([1, 2, 3, 4], [2, 2], { requiresGrad: true });
 * const loss = x.matmul(w).tanh().sum();
 * loss.backward();
 * w.grad; // dloss/dw, an NDArray
 */
import { broadcastShapes, NDArray, normAxes, normAxis, Rng, sameShape, type DType, type Shape } from '@kws/tensor';
import { apply, runBackward, type Node } from './engine.js';
import * as F from './functional.js';
import { Add, Div, Exp, Log, Maximum, Mul, Neg, Pow, Relu, Sqrt, Sub, Tanh, Where } from './ops/elementwise.js';
import { Matmul } from './ops/linalg.js';
import { Concat, Expand, Pad, Permute, Reshape, Slice } from './ops/movement.js';
import { Max, Sum } from './ops/reduce.js';

export interface TensorOptions {
  requiresGrad?: boolean;
}

export type Operand = Tensor | number;

export class Tensor {
  requiresGrad: boolean;
  grad: NDArray | null = null;
  /** The op that made this tensor (null for leaves and constants). */
  node: Node | null = null;
  /** Keep `.grad` on this non-leaf tensor too (for inspection). */
  retainGrad = false;

  constructor(
    public data: NDArray,
    opts: TensorOptions = {},
  ) {
    this.requiresGrad = opts.requiresGrad ?? false;
  }

  /** @example Tensor.from([1, 2, 3, 4], [2, 2]) */
  static from(values: ArrayLike<number>, shape?: Shape, opts: TensorOptions & { dtype?: DType } = {}): Tensor {
    return new Tensor(NDArray.from(values, shape, opts.dtype), opts);
  }

  static zeros(shape: Shape, opts: TensorOptions & { dtype?: DType } = {}): Tensor {
    return new Tensor(NDArray.zeros(shape, opts.dtype), opts);
  }

  static full(shape: Shape, value: number, opts: TensorOptions & { dtype?: DType } = {}): Tensor {
    return new Tensor(NDArray.full(shape, value, opts.dtype), opts);
  }

  static scalar(value: number, dtype: DType = 'float32'): Tensor {
    return new Tensor(NDArray.scalar(value, dtype));
  }

  /** Normal(0, std) values from `rng`. */
  static randn(shape: Shape, rng: Rng, opts: TensorOptions & { dtype?: DType; std?: number } = {}): Tensor {
    const t = Tensor.zeros(shape, opts);
    const d = t.data.data;
    for (let i = 0; i < d.length; i++) d[i] = rng.normal(0, opts.std ?? 1);
    return t;
  }

  /** Uniform [lo, hi) values from `rng`. */
  static uniform(shape: Shape, lo: number, hi: number, rng: Rng, opts: TensorOptions & { dtype?: DType } = {}): Tensor {
    const t = Tensor.zeros(shape, opts);
    const d = t.data.data;
    for (let i = 0; i < d.length; i++) d[i] = rng.uniform(lo, hi);
    return t;
  }

  static concat(tensors: readonly Tensor[], axis = 0): Tensor {
    return apply(Concat, tensors, normAxis(axis, tensors[0].ndim));
  }

  /** cond (a constant 0/1 array) ? a : b, broadcasting all three. */
  static where(cond: NDArray, a: Operand, b: Operand): Tensor {
    const ref = a instanceof Tensor ? a : (b as Tensor);
    const [x, y] = [lift(a, ref), lift(b, ref)];
    const shape = broadcastShapes(broadcastShapes(x.shape, y.shape), cond.shape);
    return apply(Where, [x.expand(shape), y.expand(shape)], cond.expand(shape));
  }

  get shape(): readonly number[] {
    return this.data.shape;
  }
  get ndim(): number {
    return this.data.ndim;
  }
  get size(): number {
    return this.data.size;
  }
  get dtype(): DType {
    return this.data.dtype;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new RangeError(`item() needs one element, tensor has ${this.size}`);
    return this.data.toArray()[0];
  }

  toArray(): number[] {
    return this.data.toArray();
  }

  /** Backpropagate from this tensor (a scalar unless `grad` is given). */
  backward(grad?: NDArray): void {
    runBackward(this, grad);
  }

  /** The same values, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data);
  }

  zeroGrad(): void {
    this.grad = null;
  }

  // Elementwise (broadcasting).
  add(o: Operand): Tensor { return this.binary(Add, o); }
  sub(o: Operand): Tensor { return this.binary(Sub, o); }
  mul(o: Operand): Tensor { return this.binary(Mul, o); }
  div(o: Operand): Tensor { return this.binary(Div, o); }
  maximum(o: Operand): Tensor { return this.binary(Maximum, o); }
  pow(o: Operand): Tensor { return this.binary(Pow, o); }
  neg(): Tensor { return apply(Neg, [this], undefined); }
  exp(): Tensor { return apply(Exp, [this], undefined); }
  log(): Tensor { return apply(Log, [this], undefined); }
  sqrt(): Tensor { return apply(Sqrt, [this], undefined); }
  tanh(): Tensor { return apply(Tanh, [this], undefined); }
  relu(): Tensor { return apply(Relu, [this], undefined); }
  sigmoid(): Tensor { return F.sigmoid(this); }

  // Reductions.
  sum(axes?: number | readonly number[], keepDims = false): Tensor {
    return apply(Sum, [this], { axes: normAxes(axes, this.ndim), keepDims });
  }
  max(axes?: number | readonly number[], keepDims = false): Tensor {
    return apply(Max, [this], { axes: normAxes(axes, this.ndim), keepDims });
  }
  mean(axes?: number | readonly number[], keepDims = false): Tensor {
    return F.mean(this, axes, keepDims);
  }
  softmax(axis = -1): Tensor { return F.softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return F.logSoftmax(this, axis); }

  // Movement.
  reshape(shape: Shape): Tensor { return apply(Reshape, [this], shape); }
  permute(axes: readonly number[]): Tensor { return apply(Permute, [this], axes); }
  transpose(a = -2, b = -1): Tensor {
    const axes = Array.from({ length: this.ndim }, (_, i) => i);
    const [i, j] = [normAxis(a, this.ndim), normAxis(b, this.ndim)];
    [axes[i], axes[j]] = [axes[j], axes[i]];
    return this.permute(axes);
  }
  expand(shape: Shape): Tensor {
    return sameShape(shape, this.shape) ? this : apply(Expand, [this], shape);
  }
  slice(axis: number, start: number, end: number, step = 1): Tensor {
    return apply(Slice, [this], { axis: normAxis(axis, this.ndim), start, end, step });
  }
  unsqueeze(axis: number): Tensor {
    const shape = [...this.shape];
    shape.splice(axis < 0 ? axis + this.ndim + 1 : axis, 0, 1);
    return this.reshape(shape);
  }
  /** Constant padding, `[before, after]` per axis. */
  pad(pads: readonly (readonly [number, number])[], value = 0): Tensor {
    return apply(Pad, [this], { pads, value });
  }

  /** Matrix product with broadcast batch dimensions. */
  matmul(o: Tensor): Tensor {
    if (this.ndim === 2 && o.ndim === 2) return apply(Matmul, [this, o], undefined);
    const batch = broadcastShapes(this.shape.slice(0, -2), o.shape.slice(0, -2));
    const a = this.expand([...batch, ...this.shape.slice(-2)]);
    const b = o.expand([...batch, ...o.shape.slice(-2)]);
    return apply(Matmul, [a, b], undefined);
  }

  private binary(op: typeof Add, o: Operand): Tensor {
    const other = lift(o, this);
    const shape = broadcastShapes(this.shape, other.shape);
    return apply(op, [this.expand(shape), other.expand(shape)], undefined);
  }
}

function lift(o: Operand, like: Tensor): Tensor {
  return o instanceof Tensor ? o : Tensor.scalar(o, like.dtype);
}
