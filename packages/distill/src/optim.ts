/**
 * Adam with PyTorch semantics and gradient-norm clipping.
 *   g ← g + λ·θ                      (weight decay added to the gradient: torch.optim.Adam, not AdamW)
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²
 *   θ ← θ − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
 * clipGradNorm scales every gradient by min(1, maxNorm / (‖g‖₂ + 1e-6)), ‖g‖ over all parameters
 * together (torch.nn.utils.clip_grad_norm_).
 */
import type { Tensor } from '@kws/autograd';

export interface AdamOptions {
  lr: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

export class Adam {
  lr: number;
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  step = 0;
  readonly m: Float32Array[];
  readonly v: Float32Array[];

  /** @example const opt = new Adam(model.parameters(), { lr: 3e-4, weightDecay: 1e-5 }); */
  constructor(readonly params: readonly Tensor[], opts: AdamOptions) {
    this.lr = opts.lr;
    this.betas = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.m = params.map((p) => new Float32Array(p.size));
    this.v = params.map((p) => new Float32Array(p.size));
  }

  /** One update from the parameters' `.grad` (parameters without a gradient are skipped). */
  update(): void {
    this.step++;
    const [b1, b2] = this.betas;
    const c1 = 1 - b1 ** this.step;
    const c2 = 1 - b2 ** this.step;
    this.params.forEach((p, k) => {
      if (!p.grad) return;
      const g = p.grad.data;
      const w = p.data.data;
      const m = this.m[k];
      const v = this.v[k];
      for (let i = 0; i < w.length; i++) {
        const gi = g[i] + this.weightDecay * w[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        w[i] -= (this.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + this.eps);
      }
    });
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }
}

/** L2 norm of all gradients together. */
export function gradNorm(params: readonly Tensor[]): number {
  let s = 0;
  for (const p of params) {
    if (!p.grad) continue;
    const g = p.grad.data;
    for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  }
  return Math.sqrt(s);
}

/**
 * Clip the global gradient norm in place; returns the norm before clipping.
 * @example const norm = clipGradNorm(model.parameters(), 5);
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): number {
  const norm = gradNorm(params);
  const scale = maxNorm / (norm + 1e-6);
  if (scale < 1) {
    for (const p of params) {
      if (!p.grad) continue;
      const g = p.grad.data;
      for (let i = 0; i < g.length; i++) g[i] *= scale;
    }
  }
  return norm;
}
