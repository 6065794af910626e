/**
 * The plain-JS reference backend: readable kernels, the yardstick every other backend is
 * tested against.
 */
import { BINARY_OPS, UNARY_OPS, type Backend, type BinaryOp, type UnaryOp } from '../backend.js';
import type { NDArray } from '../ndarray.js';
import { addKernel, binaryFns, mapBinary, mapUnary, mulKernel, unaryFns, whereKernel } from './elementwise.js';
import { col2imKernel, gatherLastKernel, im2colKernel, matmulKernel, scatterAddLastKernel } from './matmul.js';
import { maxKernel, sumKernel } from './reduce.js';

type UnaryTable = { [K in UnaryOp]: (x: NDArray) => NDArray };
type BinaryTable = { [K in BinaryOp]: (a: NDArray, b: NDArray) => NDArray };

const unary = Object.fromEntries(UNARY_OPS.map((op) => [op, (x: NDArray) => mapUnary(x, unaryFns[op])])) as UnaryTable;
const binary = {
  ...(Object.fromEntries(BINARY_OPS.map((op) => [op, (a: NDArray, b: NDArray) => mapBinary(a, b, binaryFns[op])])) as BinaryTable),
  add: addKernel,
  mul: mulKernel,
};

/** @example const y = cpuBackend.binary.add(a, b); */
export const cpuBackend: Backend = {
  name: 'cpu',
  unary,
  binary,
  where: whereKernel,
  sum: sumKernel,
  max: maxKernel,
  matmul: matmulKernel,
  im2col: im2colKernel,
  col2im: col2imKernel,
  gatherLast: gatherLastKernel,
  scatterAddLast: scatterAddLastKernel,
  copy: (x) => x.clone(),
};
