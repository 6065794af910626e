/**
 * Mixed precision with dynamic loss scaling (PyTorch's `torch.cuda.amp.GradScaler`), over fp32
 * master weights:
 *   forward   the model in emulated fp16 (`halfLoss`): weights and activations rounded through
 *             float16; the loss maths on the fp16 logits stays fp32, as autocast keeps softmax,
 *             log-softmax, CE and KL in float32
 *   backward  of s·L (s the loss scale, the product formed in fp32 as `scaler.scale(loss)`):
 *             every op recorded in the fp16 forward rounds the gradients it sends back, so
 *             gradients that would underflow to 0 at scale 1 survive, and those too large
 *             overflow to ±Inf (fp16 max 65504)
 *   unscale   g ← g / s, in fp32
 *   if any g is Inf/NaN: skip the update (Adam not stepped, gradients zeroed), s ← s · backoff,
 *             and reset the run of clean steps
 *   else      clip ‖g‖, Adam on the fp32 masters; after `growthInterval` consecutive clean
 *             steps s ← s · growth (try a larger scale again)
 * The scale and the clean-step counter are the stepper's state, kept across `--resume`.
 */
import { halfPrecision, type Tensor } from '@kws/autograd';
import type { CRNN } from '@kws/kws-model';
import { clipGradNorm, type Adam } from './optim.js';
import type { StepResult, Stepper } from './step.js';
import type { LossFn } from './trainer.js';

export interface ScalerOptions {
  /** Starting loss scale (PyTorch: 2^16). */
  initScale?: number;
  /** Scale multiplier after `growthInterval` clean steps (2). */
  growthFactor?: number;
  /** Scale multiplier after an overflow (0.5). */
  backoffFactor?: number;
  /** Consecutive clean steps before the scale grows (2000). */
  growthInterval?: number;
}

export interface MixedPrecisionStepper extends Stepper {
  /** The current loss scale. */
  readonly scale: number;
  /** Clean steps since the last growth or overflow. */
  readonly cleanSteps: number;
}

/** Divide every gradient by `scale` in place; false if any value is Inf or NaN. */
function unscale(params: readonly Tensor[], scale: number): boolean {
  const inv = 1 / scale;
  let finite = true;
  for (const p of params) {
    if (!p.grad) continue;
    const g = p.grad.data;
    for (let i = 0; i < g.length; i++) {
      g[i] *= inv;
      if (!Number.isFinite(g[i])) finite = false;
    }
  }
  return finite;
}

/**
 * A stepper with dynamic loss scaling; pair it with `halfLoss` so the forward runs in fp16.
 * @example await trainModel(model, data, cfg, { outDir, lossFn: halfLoss(crossEntropyLoss), stepper: mixedPrecisionStep() });
 */
export function mixedPrecisionStep(opts: ScalerOptions = {}): MixedPrecisionStepper {
  const { initScale = 2 ** 16, growthFactor = 2, backoffFactor = 0.5, growthInterval = 2000 } = opts;
  let scale = initScale;
  let cleanSteps = 0;
  const step = (params: readonly Tensor[], opt: Adam, loss: Tensor, clipNorm: number): StepResult => {
    opt.zeroGrad();
    // Precision in backward is fixed per op when the forward recorded it (engine.ts): the
    // fp32 ops of s·L and of the loss pass s·∂L exactly; the fp16 model ops round it.
    loss.mul(scale).backward();
    if (!unscale(params, scale)) {
      opt.zeroGrad();
      scale *= backoffFactor;
      cleanSteps = 0;
      return { gradNorm: Infinity, skipped: true };
    }
    const gradNorm = clipGradNorm(params, clipNorm);
    opt.update();
    if (++cleanSteps >= growthInterval) {
      scale *= growthFactor;
      cleanSteps = 0;
    }
    return { gradNorm, skipped: false };
  };
  return {
    step,
    get scale() {
      return scale;
    },
    get cleanSteps() {
      return cleanSteps;
    },
    state: () => ({ scale, cleanSteps }),
    load(s) {
      scale = s.scale ?? initScale;
      cleanSteps = s.cleanSteps ?? 0;
    },
  };
}

/**
 * The same model whose `forward` runs in emulated fp16 (parameters, fields and methods are the
 * model's own: the view only shadows `forward`).
 */
function halfForward(model: CRNN): CRNN {
  const view = Object.create(model) as CRNN;
  view.forward = (x, rng) => halfPrecision(() => model.forward(x, rng));
  return view;
}

/**
 * Run a loss function's model forward in emulated fp16, its loss maths in fp32 (autocast's
 * split). Rounding the scalar loss itself to fp16 would be wrong as well as unlike PyTorch: the
 * gradient s = 2^16 entering it would overflow at once and every step would be skipped.
 * A teacher the loss function holds is not wrapped: its soft targets stay fp32.
 * @example const lossFn = halfLoss(distillationLoss(teacher, { temperature: 10, hardWeight: 0.6 }));
 */
export function halfLoss(lossFn: LossFn): LossFn {
  const views = new WeakMap<CRNN, CRNN>();
  return (model, batch, rng) => {
    let view = views.get(model);
    if (!view) views.set(model, (view = halfForward(model)));
    return lossFn(view, batch, rng);
  };
}
