/**
 * Every gradcheck of the autograd package, as data: one row per (exported API, input shapes).
 * ops.test.ts runs each row through `gradcheck`, and coverage.ts checks that the rows reach
 * every exported differentiable function and every primitive op: adding an op or a Tensor
 * method without adding a row here makes a test fail.
 */
import { Rng } from '@kws/tensor';
import { conv2d, crossEntropy, dropout, gatherLast, klDiv, linear, logSoftmax, mean, mseLoss, sigmoid, softmax } from '../functional.js';
import type { GradcheckOptions } from '../gradcheck.js';
import { Tensor } from '../tensor.js';
import { rand64 } from './rand.js';

export interface GradcheckCase {
  /** The exported name it checks: `Tensor#method`, `Tensor.static` or a function's name. */
  api: string;
  /** What distinguishes this row from the others of the same api (shapes, arguments). */
  what: string;
  fn: (...xs: Tensor[]) => Tensor;
  /** Fresh float64 leaves for this row. */
  inputs: (rng: Rng) => Tensor[];
  opts?: GradcheckOptions;
}

const m = (shape: number[], lo?: number, hi?: number) => (rng: Rng): Tensor[] => [rand64(shape, rng, lo, hi)];
const pair = (a: number[], b: number[]) => (rng: Rng): Tensor[] => [rand64(a, rng), rand64(b, rng)];

const UNARY: GradcheckCase[] = [
  { api: 'Tensor#neg', what: '(3, 4)', fn: (x) => x.neg(), inputs: m([3, 4]) },
  { api: 'Tensor#exp', what: '(3, 4)', fn: (x) => x.exp(), inputs: m([3, 4]) },
  { api: 'Tensor#log', what: 'positive (3, 4)', fn: (x) => x.log(), inputs: m([3, 4], 0.5, 2) },
  { api: 'Tensor#sqrt', what: 'positive (3, 4)', fn: (x) => x.sqrt(), inputs: m([3, 4], 0.5, 2) },
  { api: 'Tensor#tanh', what: '(3, 4)', fn: (x) => x.tanh(), inputs: m([3, 4]) },
  { api: 'Tensor#relu', what: '(3, 4)', fn: (x) => x.relu(), inputs: m([3, 4]) },
  { api: 'Tensor#sigmoid', what: '(3, 4)', fn: (x) => x.sigmoid(), inputs: m([3, 4]) },
  { api: 'sigmoid', what: '(3, 4)', fn: (x) => sigmoid(x), inputs: m([3, 4]) },
];

/** Each binary method on equal shapes and on two kinds of broadcast. */
function binaryRows(api: string, fn: GradcheckCase['fn']): GradcheckCase[] {
  return [
    { api, what: 'same shape', fn, inputs: pair([2, 3, 4], [2, 3, 4]) },
    { api, what: 'broadcast (2,3,4)·(3,1)', fn, inputs: pair([2, 3, 4], [3, 1]) },
    { api, what: 'broadcast (4)·(2,3,1)', fn, inputs: pair([4], [2, 3, 1]) },
  ];
}

const BINARY: GradcheckCase[] = [
  ...binaryRows('Tensor#add', (a, b) => a.add(b)),
  ...binaryRows('Tensor#sub', (a, b) => a.sub(b)),
  ...binaryRows('Tensor#mul', (a, b) => a.mul(b)),
  ...binaryRows('Tensor#div', (a, b) => a.div(b.add(3))),
  ...binaryRows('Tensor#maximum', (a, b) => a.maximum(b)),
  { api: 'Tensor#pow', what: 'base and exponent', fn: (a, b) => a.pow(b), inputs: (rng) => [rand64([3, 2], rng, 0.5, 2), rand64([3, 2], rng)] },
  { api: 'Tensor#pow', what: 'constant exponent', fn: (a) => a.pow(3), inputs: m([5]) },
  { api: 'Tensor.where', what: 'every third from a', fn: (x, y) => Tensor.where(everyThird(x), x, y), inputs: pair([3, 4], [3, 4]) },
];

function everyThird(like: Tensor): import('@kws/tensor').NDArray {
  const cond = like.data.clone();
  cond.data.forEach((_, i) => (cond.data[i] = i % 3 === 0 ? 1 : 0));
  return cond;
}

const REDUCE: GradcheckCase[] = [
  { api: 'Tensor#sum', what: 'all', fn: (x) => x.sum(), inputs: m([2, 3, 4]) },
  { api: 'Tensor#sum', what: 'axes [0, 2] keepDims', fn: (x) => x.sum([0, 2], true), inputs: m([2, 3, 4]) },
  { api: 'Tensor#max', what: 'axis 1', fn: (x) => x.max(1), inputs: m([2, 3, 4]) },
  { api: 'Tensor#max', what: 'all', fn: (x) => x.max(), inputs: m([5, 2]) },
  { api: 'Tensor#mean', what: 'axis -1', fn: (x) => x.mean(-1), inputs: m([2, 3, 4]) },
  { api: 'mean', what: 'axes [0, 1]', fn: (x) => mean(x, [0, 1]), inputs: m([2, 3, 4]) },
];

const MOVEMENT: GradcheckCase[] = [
  { api: 'Tensor#reshape', what: 'used twice', fn: (x) => x.reshape([4, 6]).mul(x.reshape([4, 6])), inputs: m([2, 3, 4]) },
  { api: 'Tensor#permute', what: '[2, 0, 1]', fn: (x) => x.permute([2, 0, 1]), inputs: m([2, 3, 4]) },
  { api: 'Tensor#transpose', what: 'then exp, on a non-contiguous view', fn: (x) => x.transpose(0, 1).exp().mul(x.transpose(0, 1).slice(0, 0, 3, 2).sum(0, true)), inputs: m([4, 3]) },
  { api: 'Tensor#expand', what: '(2,1) → (3,2,4)', fn: (x) => x.expand([3, 2, 4]), inputs: m([2, 1]) },
  { api: 'Tensor#slice', what: 'strided', fn: (x) => x.slice(1, 1, 4, 2), inputs: m([2, 5]) },
  { api: 'Tensor#unsqueeze', what: 'axis -1', fn: (x) => x.unsqueeze(-1).mul(x.unsqueeze(-1)), inputs: m([2, 3]) },
  { api: 'Tensor.concat', what: 'axis 1', fn: (a, b) => Tensor.concat([a, b], 1), inputs: pair([2, 3], [2, 2]) },
  { api: 'Tensor#pad', what: '[[1,0],[2,1]]', fn: (x) => x.pad([[1, 0], [2, 1]]), inputs: m([2, 3]) },
];

const LINALG: GradcheckCase[] = [
  { api: 'Tensor#matmul', what: '2-D', fn: (a, b) => a.matmul(b), inputs: pair([5, 7], [7, 6]) },
  { api: 'Tensor#matmul', what: 'batched, broadcast batch', fn: (a, b) => a.matmul(b), inputs: pair([2, 3, 4], [4, 5]) },
  { api: 'Tensor#matmul', what: 'of transposed views', fn: (a, b) => a.transpose(0, 1).matmul(b.permute([1, 0])), inputs: pair([3, 4], [5, 3]) },
  { api: 'gatherLast', what: 'labels', fn: (x) => gatherLast(x, Int32Array.from([2, 0, 1])), inputs: m([3, 4]) },
  {
    api: 'conv2d', what: 'stride and padding',
    fn: (x, w, b) => conv2d(x, w, b, { stride: [2, 3], padding: [1, 2] }),
    inputs: (rng) => [rand64([2, 2, 7, 9], rng), rand64([3, 2, 3, 4], rng), rand64([3], rng)],
  },
];

const COMPOSITES: GradcheckCase[] = [
  { api: 'Tensor#softmax', what: 'axis -1', fn: (x) => x.softmax(-1), inputs: m([3, 5], -3, 3) },
  { api: 'softmax', what: 'axis 0', fn: (x) => softmax(x, 0), inputs: m([3, 5], -3, 3) },
  { api: 'Tensor#logSoftmax', what: 'axis 0', fn: (x) => x.logSoftmax(0), inputs: m([3, 5], -3, 3) },
  { api: 'logSoftmax', what: 'axis -1', fn: (x) => logSoftmax(x), inputs: m([3, 5], -3, 3) },
  { api: 'crossEntropy', what: 'labels [1, 0, 1]', fn: (z) => crossEntropy(z, Int32Array.from([1, 0, 1])), inputs: m([3, 2]) },
  { api: 'klDiv', what: 'against a fixed softmax', fn: (z) => klDiv(z.logSoftmax(-1), fixedP), inputs: m([3, 4]) },
  { api: 'mseLoss', what: '(3, 4)', fn: (a, b) => mseLoss(a, b), inputs: pair([3, 4], [3, 4]) },
  { api: 'linear', what: '(2,3,4)·(5,4)ᵀ + (5)', fn: (x, w, b) => linear(x, w, b), inputs: (rng) => [rand64([2, 3, 4], rng), rand64([5, 4], rng), rand64([5], rng)] },
  { api: 'dropout', what: 'p = 0.3, the same mask every call', fn: (x) => dropout(x, 0.3, new Rng(1)), inputs: m([4, 5]) },
];

const fixedP = new Tensor(rand64([3, 4], new Rng(77)).data).softmax(-1).detach();

export const GRADCHECK_CASES: readonly GradcheckCase[] = [...UNARY, ...BINARY, ...REDUCE, ...MOVEMENT, ...LINALG, ...COMPOSITES];

/**
 * Exported names that are not differentiable ops, each with why; everything else the package
 * exports as a function or Tensor method needs a row above.
 */
export const NOT_DIFFERENTIABLE: Readonly<Record<string, string>> = {
  'Tensor#item': 'reads a number out',
  'Tensor#toArray': 'reads numbers out',
  'Tensor#backward': 'runs the backward pass itself',
  'Tensor#detach': 'cuts the graph by definition (its gradient is zero)',
  'Tensor#zeroGrad': 'clears a gradient',
  'Tensor#binary': 'private helper of the binary methods (each checked above)',
  'Tensor.from': 'makes a leaf',
  'Tensor.zeros': 'makes a leaf',
  'Tensor.full': 'makes a leaf',
  'Tensor.scalar': 'makes a leaf',
  'Tensor.randn': 'makes a leaf',
  'Tensor.uniform': 'makes a leaf',
  probabilities: 'returns a plain NDArray, no graph',
  apply: 'the engine entry point every op goes through',
  noGrad: 'engine mode switch',
  halfPrecision: 'engine mode switch (fp16 rounding; its own test in ops.test.ts)',
  isGradEnabled: 'engine state query',
  isHalfPrecision: 'engine state query',
  toHalf: 'rounds an NDArray, no graph',
  currentBackend: 'backend selection',
  useBackend: 'backend selection',
  withBackend: 'backend selection',
  gradcheck: 'the checker itself',
};
