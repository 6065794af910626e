/**
 * Module and parameters, PyTorch-style: a module registers parameters and child modules by name;
 * `namedParameters()` walks own parameters first, then children, in registration order, so names
 * and order match PyTorch's `named_parameters()` / `state_dict()` (e.g. `gru.weight_ih_l0`).
 * A parameter is a float32 Tensor with requiresGrad.
 *
 * @example
 * for (const [name, p] of model.namedParameters()) console.log(name, p.shape);
 * const sd = model.stateDict(); other.loadStateDict(sd);
 */
import { Tensor } from '@kws/autograd';
import { NDArray, sameShape, shapeStr } from '@kws/tensor';

export interface StateTensor {
  shape: readonly number[];
  data: Float32Array | Float64Array;
}

export abstract class Module {
  training = true;
  private readonly params = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  protected param(name: string, value: NDArray): Tensor {
    const t = new Tensor(value, { requiresGrad: true });
    this.params.set(name, t);
    return t;
  }

  protected child<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, p] of this.params) out.push([prefix + n, p]);
    for (const [n, c] of this.children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  /** Name → packed float32 copy of each parameter. */
  stateDict(): Map<string, StateTensor> {
    const sd = new Map<string, StateTensor>();
    for (const [n, p] of this.namedParameters()) {
      const a = p.data.astype('float32').clone();
      sd.set(n, { shape: [...a.shape], data: a.data });
    }
    return sd;
  }

  /** Load values by name; unknown keys, missing keys and shape mismatches are errors. */
  loadStateDict(sd: ReadonlyMap<string, StateTensor>): void {
    const named = new Map(this.namedParameters());
    const unknown = [...sd.keys()].filter((k) => !named.has(k));
    const missing = [...named.keys()].filter((k) => !sd.has(k));
    if (unknown.length > 0) throw new Error(`loadStateDict: unknown keys ${unknown.join(', ')}`);
    if (missing.length > 0) throw new Error(`loadStateDict: missing keys ${missing.join(', ')}`);
    for (const [name, p] of named) {
      const src = sd.get(name)!;
      if (!sameShape(src.shape, p.shape)) {
        throw new Error(`loadStateDict: ${name} has shape ${shapeStr(src.shape)}, the model expects ${shapeStr(p.shape)}`);
      }
      p.data.data.set(src.data);
    }
  }

  train(mode = true): this {
    this.training = mode;
    for (const c of this.children.values()) c.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }
}
