/**
 * The peer benchmark: the same CRNN training step in TensorFlow.js 4.22 on its wasm backend
 * (SIMD), for `kws-cli bench --train --peer`. Loaded by path from this folder, which has its own
 * package.json and is installed on demand (npm install --prefix bench/tfjs); nothing in the
 * library or in `npm test` depends on it.
 *
 * Same model as packages/kws-model (CRNN): conv (1 → C, kernel 5×20, stride 2×8, no padding, no
 * activation) → flatten channel-major, transpose to (B, T', C·F') → GRU layers (PyTorch gate
 * order r, z, n, b_hn inside r ⊙ (·), dropout 0.1 between layers in training) → attention
 * pooling (tanh energy, softmax over time) → Linear(H, 2). One training step: forward,
 * softmax cross-entropy, gradients of every variable, weight decay 1e-5 added to the gradient,
 * clipping by global norm 5, Adam (lr 3e-4). NHWC layout (TF.js's own). Weights are random: the
 * cost does not depend on their values.
 *
 * @example const peer = await createPeer(); const w = peer.prepare('teacher', 128); w.train();
 */
// The union package: tfjs-core alone does not register the gradients in its Node bundle.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';

const PRESETS = {
  teacher: { nMels: 40, C: 8, kernel: [5, 20], stride: [2, 8], H: 64, layers: 2 },
  exp1: { nMels: 40, C: 2, kernel: [5, 20], stride: [2, 8], H: 22, layers: 1 },
};
const FRAMES = 101;

function model(p) {
  const v = (shape, fan) => tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fan), 1 / Math.sqrt(fan), 'float32', 7));
  const F = Math.floor((p.nMels - p.kernel[0]) / p.stride[0]) + 1;
  const w = { convW: v([p.kernel[0], p.kernel[1], 1, p.C], p.kernel[0] * p.kernel[1]), convB: v([p.C], 100), gru: [] };
  let I = p.C * F;
  for (let l = 0; l < p.layers; l++) {
    w.gru.push({ wih: v([I, 3 * p.H], p.H), whh: v([p.H, 3 * p.H], p.H), bih: v([3 * p.H], p.H), bhh: v([3 * p.H], p.H) });
    I = p.H;
  }
  Object.assign(w, { e0: v([p.H, p.H], p.H), eb0: v([p.H], p.H), e2: v([p.H, 1], p.H), eb2: v([1], p.H), cls: v([p.H, 2], p.H), clsB: v([2], p.H) });
  return w;
}

function gruLayer(x, g, H) {
  const [B, T, I] = x.shape;
  const gi = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [B * T, I]), g.wih), g.bih), [B, T, 3 * H]);
  let h = tf.zeros([B, H]);
  const outs = [];
  for (let t = 0; t < T; t++) {
    const [ir, iz, inn] = tf.split(tf.reshape(tf.slice(gi, [0, t, 0], [B, 1, 3 * H]), [B, 3 * H]), 3, 1);
    const [hr, hz, hn] = tf.split(tf.add(tf.matMul(h, g.whh), g.bhh), 3, 1);
    const r = tf.sigmoid(tf.add(ir, hr));
    const z = tf.sigmoid(tf.add(iz, hz));
    const n = tf.tanh(tf.add(inn, tf.mul(r, hn)));
    h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
    outs.push(h);
  }
  return tf.stack(outs, 1);
}

/**
 * im2col indices: TF.js's wasm backend has no Conv2DBackpropFilter kernel, so the conv is what
 * kws-ts does too: gather receptive fields (B·Ho·Wo, kh·kw) from the flat input, then one matMul.
 * The features need no gradient, so the gather is not differentiated.
 */
function patchIndex(p) {
  const [kh, kw] = p.kernel;
  const F = Math.floor((p.nMels - kh) / p.stride[0]) + 1;
  const T = Math.floor((FRAMES - kw) / p.stride[1]) + 1;
  const idx = [];
  for (let oh = 0; oh < F; oh++) {
    for (let ow = 0; ow < T; ow++) {
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) idx.push((oh * p.stride[0] + i) * FRAMES + ow * p.stride[1] + j);
    }
  }
  return { index: tf.tensor1d(idx, 'int32'), F, T };
}

function forward(w, p, x, training) {
  const { index, F, T } = p.patches;
  const B = x.shape[0];
  const cols = tf.reshape(tf.gather(tf.reshape(x, [B, p.nMels * FRAMES]), index, 1), [B * F * T, p.kernel[0] * p.kernel[1]]);
  const y = tf.reshape(tf.add(tf.matMul(cols, tf.reshape(w.convW, [-1, p.C])), w.convB), [B, F, T, p.C]);
  const C = p.C;
  let seq = tf.reshape(tf.transpose(y, [0, 2, 3, 1]), [B, T, C * F]);
  w.gru.forEach((g, l) => {
    if (l > 0 && training) seq = tf.dropout(seq, 0.1);
    seq = gruLayer(seq, g, p.H);
  });
  const flat = tf.reshape(seq, [B * T, p.H]);
  const e = tf.reshape(tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(flat, w.e0), w.eb0)), w.e2), w.eb2), [B, T]);
  const pooled = tf.sum(tf.mul(seq, tf.reshape(tf.softmax(e, 1), [B, T, 1])), 1); // softmax over time
  return tf.add(tf.matMul(pooled, w.cls), w.clsB);
}

function workload(preset, batch) {
  if (!PRESETS[preset]) throw new Error(`tfjs peer: no preset '${preset}'`);
  const p = { ...PRESETS[preset], patches: patchIndex(PRESETS[preset]) };
  const w = model(p);
  const vars = [w.convW, w.convB, ...w.gru.flatMap((g) => [g.wih, g.whh, g.bih, g.bhh]), w.e0, w.eb0, w.e2, w.eb2, w.cls, w.clsB];
  const opt = tf.train.adam(3e-4);
  const data = (b) => tf.randomNormal([b, p.nMels, FRAMES, 1], 0, 1, 'float32', 3);
  const [xb, x1] = [data(batch), data(1)];
  const onehot = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 2), 'int32'), 2);
  const train = () => tf.tidy(() => {
    const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(onehot, forward(w, p, xb, true)), vars);
    const list = vars.map((v) => tf.add(grads[v.name], tf.mul(1e-5, v)));
    const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g))))).dataSync()[0];
    const scale = Math.min(1, 5 / (norm + 1e-6));
    opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: tf.mul(list[i], scale) })));
  });
  const infer = (x) => () => tf.tidy(() => void forward(w, p, x, false).dataSync());
  return { train, infer1: infer(x1), inferBatch: infer(xb) };
}

/** A contender for kws-cli's bench: TF.js on its wasm backend. */
export async function createPeer() {
  await tf.setBackend('wasm');
  await tf.ready();
  // the name carries the threads TF.js chose (its wasm backend uses worker threads where it can)
  return { name: `tfjs-${tf.getBackend()}-${getThreadsCount()}thread`, prepare: workload };
}
