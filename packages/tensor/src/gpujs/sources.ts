/**
 * gpu.js kernel sources, as text. gpu.js parses a kernel's JavaScript and re-emits it as GLSL,
 * WebAssembly or plain JS; handing it text (not a function) keeps what it parses exactly what is
 * written here, whatever transpiler or coverage tool touches this file.
 *
 * Every kernel has a 1-D output over the packed result: `this.thread.x` is the flat output index,
 * split into coordinates with floor division by per-shape constants. (gpu.js's 2-D/3-D outputs
 * would come back as nested arrays and need a copy.) Indices stay below 2^24, where float32
 * holds every integer and `floor(i / n)` is exact (GL modes do index maths in floats).
 *
 * The elementwise expressions are the cpu backend's functions written out, so gpu.js's 'cpu'
 * mode (which computes in JS doubles and rounds once to float32) is bit-exact against it.
 */
import type { BinaryOp, UnaryOp } from '../backend.js';

/** Each unary op as an expression in `v`. */
export const UNARY_EXPR: { readonly [K in UnaryOp]: string } = {
  neg: '-v',
  exp: 'Math.exp(v)',
  log: 'Math.log(v)',
  sqrt: 'Math.sqrt(v)',
  tanh: 'Math.tanh(v)',
  relu: 'v > 0 ? v : 0',
  square: 'v * v',
};

/** Each binary op as an expression in `a` and `b`. */
export const BINARY_EXPR: { readonly [K in BinaryOp]: string } = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  maximum: 'a >= b ? a : b',
  pow: 'Math.pow(a, b)',
  ge: 'a >= b ? 1 : 0',
  gt: 'a > b ? 1 : 0',
  eq: 'a === b ? 1 : 0',
};

export const unarySource = (expr: string): string => `function (x) {
  const v = x[this.thread.x];
  return ${expr};
}`;

export const binarySource = (expr: string): string => `function (x, y) {
  const a = x[this.thread.x];
  const b = y[this.thread.x];
  return ${expr};
}`;

/** cond nonzero (NaN included) picks x. */
export const WHERE_SOURCE = `function (c, x, y) {
  const i = this.thread.x;
  return c[i] !== 0 ? x[i] : y[i];
}`;

/** Contiguous blocks of BLOCK values, one output each (the reduced axes were moved last). */
export const SUM_SOURCE = `function (x) {
  const p = this.thread.x * this.constants.BLOCK;
  let s = 0;
  for (let k = 0; k < this.constants.BLOCK; k++) {
    s += x[p + k];
  }
  return s;
}`;

/** C[t,i,j] = Σ_k A[t,i,k]·Bt[t,j,k]: both operands contiguous along K, as the cpu kernel. */
export const MATMUL_SOURCE = `function (a, bt) {
  const idx = this.thread.x;
  const t = Math.floor(idx / this.constants.MN);
  const r = idx - t * this.constants.MN;
  const i = Math.floor(r / this.constants.N);
  const j = r - i * this.constants.N;
  const p = (t * this.constants.M + i) * this.constants.K;
  const q = (t * this.constants.N + j) * this.constants.K;
  let s = 0;
  for (let k = 0; k < this.constants.K; k++) {
    s += a[p + k] * bt[q + k];
  }
  return s;
}`;

/** Row (b, oh, ow), column (c, i, j) of the (B·P, K) matrix, P = Ho·Wo, K = C·KH·KW; zero padding. */
export const IM2COL_SOURCE = `function (x) {
  const idx = this.thread.x;
  const row = Math.floor(idx / this.constants.K);
  const col = idx - row * this.constants.K;
  const b = Math.floor(row / this.constants.P);
  const pr = row - b * this.constants.P;
  const oh = Math.floor(pr / this.constants.WO);
  const ow = pr - oh * this.constants.WO;
  const c = Math.floor(col / this.constants.KK);
  const cr = col - c * this.constants.KK;
  const i = Math.floor(cr / this.constants.KW);
  const j = cr - i * this.constants.KW;
  const h = oh * this.constants.SH + i - this.constants.PH;
  const w = ow * this.constants.SW + j - this.constants.PW;
  let v = 0;
  if (h >= 0 && h < this.constants.H && w >= 0 && w < this.constants.W) {
    v = x[((b * this.constants.C + c) * this.constants.H + h) * this.constants.W + w];
  }
  return v;
}`;

/**
 * col2im in gather form (a thread cannot scatter): x[b,c,h,w] sums every cols entry whose tap
 * lands on (h, w), i.e. oh·SH + i - PH = h and ow·SW + j - PW = w with oh, ow inside the output.
 */
export const COL2IM_SOURCE = `function (cols) {
  const idx = this.thread.x;
  const bc = Math.floor(idx / this.constants.HW);
  const hw = idx - bc * this.constants.HW;
  const h = Math.floor(hw / this.constants.W);
  const w = hw - h * this.constants.W;
  const b = Math.floor(bc / this.constants.C);
  const c = bc - b * this.constants.C;
  let s = 0;
  for (let i = 0; i < this.constants.KH; i++) {
    const th = h + this.constants.PH - i;
    const oh = Math.floor(th / this.constants.SH);
    if (th >= 0 && oh * this.constants.SH === th && oh < this.constants.HO) {
      for (let j = 0; j < this.constants.KW; j++) {
        const tw = w + this.constants.PW - j;
        const ow = Math.floor(tw / this.constants.SW);
        if (tw >= 0 && ow * this.constants.SW === tw && ow < this.constants.WO) {
          s += cols[((b * this.constants.HO + oh) * this.constants.WO + ow) * this.constants.K + (c * this.constants.KH + i) * this.constants.KW + j];
        }
      }
    }
  }
  return s;
}`;
