/**
 * One GRU layer over a whole sequence as a single fused primitive, with hand-written
 * backpropagation through time. PyTorch semantics, gate order r, z, n (weights stacked r|z|n):
 *   gi_t = W_ih x_t + b_ih          (all t in one matmul)
 *   gh_t = W_hh h_{t-1} + b_hh      (one matmul per step)
 *   r = σ(gi_r + gh_r),  z = σ(gi_z + gh_z)
 *   n = tanh(gi_n + r ⊙ gh_n)       (b_hn sits inside r ⊙ (·): that is PyTorch's form)
 *   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 * Backward, per step from the last, with dh = ∂L/∂h_t (from the output and from step t+1):
 *   dn = dh(1−z), dz = dh(h_{t−1} − n), dh_{t−1} = dh·z + dgh·W_hh
 *   da_n = dn(1−n²),  dgh_n = da_n ⊙ r,  dr = da_n ⊙ gh_n
 *   da_r = dr·r(1−r), da_z = dz·z(1−z)
 *   dgi = [da_r, da_z, da_n], dgh = [da_r, da_z, dgh_n]
 * then dW_hh = Σ_t dghᵀ h_{t−1}, dW_ih = Σ_t dgiᵀ x_t, biases the sums, dx = dgi W_ih — each one
 * matmul over all steps. Inputs: x (B, T, I), h0 (B, H), W_ih (3H, I), W_hh (3H, H), b_ih, b_hh.
 * Output: every h_t, (B, T, H).
 *
 * fp16 (the op runs under `halfPrecision` on float32 data): it rounds through float16 what
 * PyTorch's autocast runs in half, not only its output. Forward: both matmul outputs with their
 * bias (gi, gh: the gate pre-activations' half-precision inputs), the gates' outputs r, z, n,
 * and h_t as stored between steps. Backward: the gradient of each of those (dh_t as carried
 * between steps and its sum with the output's gradient, dn, dz, dr, the pre-activation
 * gradients dgi/dgh that feed the weight matmuls, dh·z and the dgh·W_hh matmul output).
 * The sums inside a gate (gi + gh, gi_n + r ⊙ gh_n) are not rounded: they are one fused
 * elementwise kernel in cuDNN, which accumulates in float32. The flag is taken at forward
 * time and saved, so the backward rounds even when called outside `halfPrecision`.
 */
import { isHalfPrecision, type Op } from '@kws/autograd';
import { allocate, floatToHalfBits, halfBitsToFloat, NDArray, roundToHalf, type Backend, type TypedArray } from '@kws/tensor';

interface GruSaved {
  r: TypedArray;
  z: TypedArray;
  n: TypedArray;
  ghn: TypedArray;
  /** h_{t-1} for every step, step-major: (T·B, H). */
  hPrev: NDArray;
  /** Ran under halfPrecision (float32 data): round as in the file comment, backward too. */
  half: boolean;
}

type Round = (v: number) => number;

/** v rounded to the nearest float16 (ties to even, via float32 as roundToHalf), as a number. */
const toF16: Round = (v) => halfBitsToFloat(floatToHalfBits(v));
const keep: Round = (v) => v;

/** Round a float32 array through float16 in place (the matmul outputs under fp16). */
function roundArray(a: NDArray, half: boolean): NDArray {
  if (half) roundToHalf(a.data as Float32Array);
  return a;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

function addRowBias(m: NDArray, bias: NDArray): void {
  const cols = bias.size;
  const b = bias.contiguous().data;
  for (let i = 0; i < m.size; i++) m.data[i] += b[i % cols];
}

export const GruSequence: Op<undefined, GruSaved> = {
  name: 'gruSequence',
  forward: (be, [x, h0, wih, whh, bih, bhh]) => {
    const [B, T, I] = x.shape;
    const H = whh.shape[1];
    const half = isHalfPrecision() && x.dtype === 'float32';
    const round = half ? toF16 : keep;
    const gi = be.matmul(x.reshape([B * T, I]), wih.transpose(0, 1));
    addRowBias(gi, bih);
    roundArray(gi, half);
    const s = { r: allocate(x.dtype, B * T * H), z: allocate(x.dtype, B * T * H), n: allocate(x.dtype, B * T * H), ghn: allocate(x.dtype, B * T * H) };
    const out = allocate(x.dtype, B * T * H);
    const hPrev = NDArray.zeros([T * B, H], x.dtype);
    let h = h0.contiguous().clone();
    for (let t = 0; t < T; t++) {
      hPrev.data.set(h.data, t * B * H);
      const gh = be.matmul(h, whh.transpose(0, 1));
      addRowBias(gh, bhh);
      roundArray(gh, half);
      h = stepForward(gi.data, gh.data, h.data, out, s, { B, T, H, t, round }, x.dtype);
    }
    return { out: new NDArray(out, [B, T, H]), saved: { ...s, hPrev, half } };
  },
  backward: (be, g, ctx, needs) => backwardSequence(be, g, ctx.inputs, ctx.saved, needs),
};

interface Dims {
  B: number;
  T: number;
  H: number;
  t: number;
  /** Rounding of stored values: float16 under halfPrecision, else none. */
  round: Round;
}

function stepForward(gi: TypedArray, gh: TypedArray, h: TypedArray, out: TypedArray, s: Omit<GruSaved, 'hPrev' | 'half'>, d: Dims, dtype: NDArray['dtype']): NDArray {
  const { B, T, H, t, round } = d;
  const next = allocate(dtype, B * H);
  for (let b = 0; b < B; b++) {
    const giRow = (b * T + t) * 3 * H;
    const ghRow = b * 3 * H;
    for (let j = 0; j < H; j++) {
      const r = round(sigmoid(gi[giRow + j] + gh[ghRow + j]));
      const z = round(sigmoid(gi[giRow + H + j] + gh[ghRow + H + j]));
      const ghn = gh[ghRow + 2 * H + j];
      const n = round(Math.tanh(gi[giRow + 2 * H + j] + r * ghn));
      const hv = round((1 - z) * n + z * h[b * H + j]);
      const k = (b * T + t) * H + j;
      s.r[k] = r;
      s.z[k] = z;
      s.n[k] = n;
      s.ghn[k] = ghn;
      next[b * H + j] = hv;
      out[k] = hv;
    }
  }
  return new NDArray(next, [B, H]);
}

function backwardSequence(be: Backend, g: NDArray, inputs: readonly NDArray[], s: GruSaved, needs: readonly boolean[]): (NDArray | null)[] {
  const [x, , wih, whh] = inputs;
  const [B, T, I] = x.shape;
  const H = whh.shape[1];
  const dy = g.contiguous().data;
  const dgi = NDArray.zeros([B * T, 3 * H], x.dtype);
  const dgh = NDArray.zeros([T * B, 3 * H], x.dtype);
  let dh = NDArray.zeros([B, H], x.dtype);
  const round = s.half ? toF16 : keep;
  for (let t = T - 1; t >= 0; t--) {
    const direct = stepBackward(dy, dh.data, s, dgi.data, dgh.data, { B, T, H, t, round }, x.dtype);
    const dghT = dgh.slice(0, t * B, (t + 1) * B);
    dh = roundArray(be.binary.add(direct, roundArray(be.matmul(dghT, whh), s.half)), s.half);
  }
  const dwih = needs[2] ? be.matmul(dgi.transpose(0, 1), x.reshape([B * T, I])) : null;
  const dwhh = needs[3] ? be.matmul(dgh.transpose(0, 1), s.hPrev) : null;
  const dbih = needs[4] ? be.sum(dgi, [0]).reshape([3 * H]) : null;
  const dbhh = needs[5] ? be.sum(dgh, [0]).reshape([3 * H]) : null;
  const dx = needs[0] ? be.matmul(dgi, wih).reshape([B, T, I]) : null;
  return [dx, needs[1] ? dh : null, dwih, dwhh, dbih, dbhh];
}

/** One step of BPTT; fills the step's rows of dgi and dgh and returns dh·z (the direct path to h_{t-1}). */
function stepBackward(dy: TypedArray, dhNext: TypedArray, s: GruSaved, dgi: TypedArray, dgh: TypedArray, d: Dims, dtype: NDArray['dtype']): NDArray {
  const { B, T, H, t, round } = d;
  const direct = allocate(dtype, B * H);
  const hp = s.hPrev.data;
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const k = (b * T + t) * H + j;
      const dh = round(dhNext[b * H + j] + dy[k]);
      const r = s.r[k];
      const z = s.z[k];
      const n = s.n[k];
      // Under fp16 each gate's output gradient (dn, dz, dr) and pre-activation gradient is rounded.
      const dan = round(round(dh * (1 - z)) * (1 - n * n));
      const daz = round(round(dh * (hp[(t * B + b) * H + j] - n)) * z * (1 - z));
      const dar = round(round(dan * s.ghn[k]) * r * (1 - r));
      const gi = (b * T + t) * 3 * H;
      const gh = (t * B + b) * 3 * H;
      dgi[gi + j] = dar;
      dgi[gi + H + j] = daz;
      dgi[gi + 2 * H + j] = dan;
      dgh[gh + j] = dar;
      dgh[gh + H + j] = daz;
      dgh[gh + 2 * H + j] = round(dan * r);
      direct[b * H + j] = round(dh * z);
    }
  }
  return new NDArray(direct, [B, H]);
}
