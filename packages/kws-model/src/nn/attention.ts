/**
 * Attention pooling over time, the course's form:
 *   e_t = w₂ᵀ tanh(W₁ h_t + b₁) + b₂    (modules energy.0 = Linear(H, H), energy.2 = Linear(H, 1))
 *   α = softmax_t(e),   context = Σ_t α_t h_t
 * and the report's experiment-2 form with one linear layer: e_t = wᵀ h_t + b (module energy).
 */
import type { Tensor } from '@kws/autograd';
import type { Rng } from '@kws/tensor';
import { Linear } from './layers.js';
import { Module } from './module.js';

export type AttentionKind = 'course' | 'single';

/** nn.Sequential(Linear(H, H), Tanh(), Linear(H, 1)): children named '0' and '2' like PyTorch. */
class Energy extends Module {
  private readonly l0: Linear;
  private readonly l2: Linear;

  constructor(hidden: number, rng: Rng) {
    super();
    this.l0 = this.child('0', new Linear(hidden, hidden, rng));
    this.l2 = this.child('2', new Linear(hidden, 1, rng));
  }

  forward(h: Tensor): Tensor {
    return this.l2.forward(this.l0.forward(h).tanh());
  }
}

export class Attention extends Module {
  private readonly energy: Energy | Linear;

  constructor(readonly hidden: number, readonly kind: AttentionKind, rng: Rng) {
    super();
    this.energy = this.child('energy', kind === 'course' ? new Energy(hidden, rng) : new Linear(hidden, 1, rng));
  }

  /** Energies (B, T, 1) of the GRU outputs h (B, T, H). */
  energies(h: Tensor): Tensor {
    return this.energy.forward(h);
  }

  /** @example attention.forward(h) // (B, T, H) -> (B, H) */
  forward(h: Tensor): Tensor {
    const alpha = this.energies(h).softmax(1);
    return h.mul(alpha).sum(1);
  }
}
