/**
 * The fused GRU under halfPrecision rounds what autocast runs in half (see gru-op.ts): the
 * matmul outputs gi and gh (with bias), the gates r, z, n, and h_t between steps, and their
 * gradients in backward. Checked against a plain-loop forward that rounds at exactly those
 * points, and by showing that the backward's internal rounding changes the gradients.
 */
import { apply, halfPrecision, Tensor } from '@kws/autograd';
import { NDArray, Rng, roundToHalf } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { GruSequence } from './gru-op.js';

const [B, T, I, H] = [2, 5, 3, 4];
const h16 = (v: number): number => roundToHalf(Float32Array.of(v))[0];
const sig = (v: number): number => 1 / (1 + Math.exp(-v));

function inputs(): Tensor[] {
  const rng = new Rng(21);
  const u = (shape: number[], s = 1): Tensor => Tensor.uniform(shape, -s, s, rng, { requiresGrad: true });
  return [u([B, T, I], 2), u([B, H]), u([3 * H, I]), u([3 * H, H]), u([3 * H]), u([3 * H])];
}

/** The forward with float16 rounding at the documented points, from rounded inputs. */
function referenceHalf(xs: Tensor[]): Float32Array {
  const [x, h0, wih, whh, bih, bhh] = xs.map((t) => roundToHalf(Float32Array.from(t.data.data)));
  const out = new Float32Array(B * T * H);
  const h = Float64Array.from(h0);
  const dot = (w: Float32Array, row: number, v: ArrayLike<number>, off: number, n: number): number => {
    let s = 0;
    for (let k = 0; k < n; k++) s += w[row * n + k] * v[off + k];
    return s;
  };
  for (let t = 0; t < T; t++) {
    const next = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      const gi = (g: number, j: number): number => h16(dot(wih, g * H + j, x, (b * T + t) * I, I) + bih[g * H + j]);
      const gh = (g: number, j: number): number => h16(dot(whh, g * H + j, h, b * H, H) + bhh[g * H + j]);
      for (let j = 0; j < H; j++) {
        const r = h16(sig(gi(0, j) + gh(0, j)));
        const z = h16(sig(gi(1, j) + gh(1, j)));
        const n = h16(Math.tanh(gi(2, j) + r * gh(2, j)));
        next[b * H + j] = h16((1 - z) * n + z * h[b * H + j]);
        out[(b * T + t) * H + j] = next[b * H + j];
      }
    }
    h.set(next);
  }
  return out;
}

const isHalf = (a: ArrayLike<number>): boolean => Array.from(a).every((v) => v === h16(v));

describe('fused GRU in fp16', () => {
  it('forward rounds gi, gh, the gates and h_t: equals the rounding reference to float32 accumulation order', () => {
    const xs = inputs();
    const y = halfPrecision(() => apply(GruSequence, xs, undefined));
    const ref = referenceHalf(xs);
    // The matmul sums in float32 (the backend) vs float64 here can land on different sides of a
    // half rounding boundary only rarely; demand all but at most one value equal bit for bit.
    const diff = Array.from(y.data.data).filter((v, i) => v !== ref[i]).length;
    expect(diff).toBeLessThanOrEqual(1);
    const saved = y.node?.ctx.saved as { r: Float32Array; z: Float32Array; n: Float32Array; hPrev: NDArray };
    for (const a of [saved.r, saved.z, saved.n, saved.hPrev.data]) expect(isHalf(a)).toBe(true);
    const plain = apply(GruSequence, inputs(), undefined).node?.ctx.saved as typeof saved;
    for (const a of [plain.r, plain.z, plain.n]) expect(isHalf(a)).toBe(false);
  });

  it('backward rounds the gate and h_t gradients inside: differs from fp32 internals rounded at the end, stays close', () => {
    const g = NDArray.from(Array.from({ length: B * T * H }, (_, i) => h16(Math.sin(i) * 0.7)), [B, T, H]);
    const half = inputs();
    halfPrecision(() => apply(GruSequence, half, undefined)).backward(g);
    // The same rounded inputs with float32 internals, gradients rounded only at the op's edge.
    const plain = inputs().map((t) => new Tensor(NDArray.from(roundToHalf(Float32Array.from(t.data.data)), t.shape), { requiresGrad: true }));
    apply(GruSequence, plain, undefined).backward(g);
    let changed = 0;
    half.forEach((t, k) => {
      const a = t.grad?.data ?? new Float32Array();
      const b = roundToHalf(Float32Array.from(plain[k].grad?.data ?? []));
      expect(isHalf(a)).toBe(true);
      const scale = Math.max(...Array.from(b, Math.abs));
      a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(2e-2 * scale + 1e-3));
      changed += Array.from(a).filter((v, i) => v !== b[i]).length;
    });
    expect(changed).toBeGreaterThan(0);
  });
});
