/**
 * The autograd core: an `Op` holds a primitive's forward and backward side by side (tinygrad's
 * `Function`, micrograd's closure). `apply` runs the forward on NDArrays and, when gradients are
 * wanted, records a node so that `backward` can walk the graph in reverse topological order,
 * accumulating gradients with `+=` (a tensor used twice receives the sum of both paths).
 */
import { cpuBackend, NDArray, roundToHalf, type Backend } from '@kws/tensor';
import { Tensor } from './tensor.js';

export interface Saved<A, S> {
  readonly inputs: readonly NDArray[];
  readonly out: NDArray;
  readonly attrs: A;
  readonly saved: S;
}

/**
 * A differentiable primitive. `backward` returns one gradient per input (shaped like that input),
 * or null where `needs[i]` is false or the input is not differentiable.
 */
export interface Op<A = undefined, S = undefined> {
  readonly name: string;
  forward(be: Backend, inputs: readonly NDArray[], attrs: A): { out: NDArray; saved: S };
  backward(be: Backend, grad: NDArray, ctx: Saved<A, S>, needs: readonly boolean[]): (NDArray | null)[];
}

export interface Node {
  readonly op: Op<unknown, unknown>;
  readonly parents: readonly Tensor[];
  readonly ctx: Saved<unknown, unknown>;
  /** Recorded under `halfPrecision`: the op's input gradients are rounded through float16 too. */
  readonly half: boolean;
  /**
   * The backend the forward ran on. The node's backward runs there too (and its gradients are
   * summed there), whatever backend is current when `backward()` is called: `withBackend(gpu,
   * () => loss)` then `loss.backward()` differentiates on gpu.
   */
  readonly backend: Backend;
}

let gradEnabled = true;
let half = false;
let backend: Backend = cpuBackend;

/** The backend every op runs on; pass another in with `useBackend`. */
export function currentBackend(): Backend {
  return backend;
}

/**
 * Run `fn` with `be` as the backend, restoring the previous one afterwards.
 * @example withBackend(myBackend, () => model.forward(x));
 */
export function withBackend<T>(be: Backend, fn: () => T): T {
  const prev = backend;
  backend = be;
  try {
    return fn();
  } finally {
    backend = prev;
  }
}

/** Set the backend for subsequent ops (the CLI's `--backend`). */
export function useBackend(be: Backend): void {
  backend = be;
}

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Run `fn` without recording a graph (inference, teacher forward in distillation, optimiser steps).
 * @example const p = noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Emulated fp16 compute (mixed precision): inside `fn`, every op reads leaf inputs (weights, data)
 * as float16-rounded copies, rounds its output through float16, and rounds the gradients it
 * sends back. Storage stays float32, so the caller keeps fp32 master weights.
 * @example const loss = halfPrecision(() => lossOf(model, batch));
 */
export function halfPrecision<T>(fn: () => T): T {
  const prev = half;
  half = true;
  try {
    return fn();
  } finally {
    half = prev;
  }
}

export function isHalfPrecision(): boolean {
  return half;
}

/** A float16-rounded copy (float32 storage); float64 arrays are left alone. */
export function toHalf(x: NDArray): NDArray {
  if (x.dtype !== 'float32') return x;
  const c = x.clone();
  roundToHalf(c.data as Float32Array);
  return c;
}

/** Run a primitive on tensors, recording the graph node when any input needs a gradient. */
export function apply<A, S>(op: Op<A, S>, inputs: readonly Tensor[], attrs: A): Tensor {
  const arrays = inputs.map((t) => (half && !t.node ? toHalf(t.data) : t.data));
  const res = op.forward(backend, arrays, attrs);
  const out = half ? toHalf(res.out) : res.out;
  const track = gradEnabled && inputs.some((t) => t.requiresGrad);
  const result = new Tensor(out, { requiresGrad: track });
  if (track) {
    const ctx: Saved<A, S> = { inputs: arrays, out, attrs, saved: res.saved };
    result.node = { op: op, parents: inputs, ctx: ctx, half, backend };
  }
  return result;
}

/** Reverse topological order of the graph below `root` (iterative DFS: deep GRU graphs are fine). */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const parents = t.node?.parents ?? [];
    if (i === 0 && seen.has(t)) {
      stack.pop();
      continue;
    }
    seen.add(t);
    if (i < parents.length) {
      top[1] = i + 1;
      const p = parents[i];
      if (p.requiresGrad && !seen.has(p)) stack.push([p, 0]);
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order.reverse();
}

/**
 * Backpropagate `grad` (default 1 for a scalar) from `root`, accumulating into every leaf's `.grad`.
 * Each node's backward, and the sums of the gradients it sends, run on the backend its forward
 * ran on (`Node.backend`); a leaf's `.grad` is summed on the backend of the node that fed it.
 */
export function runBackward(root: Tensor, grad?: NDArray): void {
  if (!root.requiresGrad) throw new Error('backward: tensor does not require grad');
  if (!grad && root.size !== 1) throw new Error('backward: a gradient is needed for a non-scalar output');
  const grads = new Map<Tensor, NDArray>();
  // The backend that produced each pending gradient (where a leaf's sum then runs).
  const from = new Map<Tensor, Backend>();
  grads.set(root, grad ?? onesLike(root.data));
  for (const t of topoOrder(root)) {
    const g = grads.get(t);
    if (!g) continue;
    if (!t.node) {
      const be = from.get(t) ?? backend;
      t.grad = t.grad ? be.binary.add(t.grad, g) : g.contiguous();
      continue;
    }
    const { op, parents, ctx, backend: be } = t.node;
    const needs = parents.map((p) => p.requiresGrad);
    const pg = op.backward(be, g, ctx, needs);
    parents.forEach((p, i) => {
      const raw = pg[i];
      if (!needs[i] || !raw) return;
      const gi = t.node?.half ? toHalf(raw) : raw;
      const prev = grads.get(p);
      grads.set(p, prev ? be.binary.add(prev, gi) : gi);
      from.set(p, be);
    });
    if (t.retainGrad) t.grad = t.grad ? be.binary.add(t.grad, g) : g.contiguous();
  }
}

function onesLike(x: NDArray): NDArray {
  const a = x.clone();
  a.data.fill(1);
  return a;
}
