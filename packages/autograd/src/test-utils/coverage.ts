/**
 * What the package exports that could need a gradient, found by enumeration (not by a list kept
 * by hand), and which of it the gradcheck rows reach:
 *   - every function exported by index.ts, every Tensor method and static;
 *   - every primitive `Op` exported by ops/*.ts, found by walking the graph each row builds.
 */
import { Rng } from '@kws/tensor';
import type { Op } from '../engine.js';
import * as api from '../index.js';
import * as elementwise from '../ops/elementwise.js';
import * as linalg from '../ops/linalg.js';
import * as movement from '../ops/movement.js';
import * as reduce from '../ops/reduce.js';
import { Tensor } from '../tensor.js';
import type { GradcheckCase } from './gradcheck-cases.js';

const isOp = (v: unknown): v is Op<unknown, unknown> =>
  typeof v === 'object' && v !== null && typeof (v as Op).forward === 'function' && typeof (v as Op).backward === 'function';

const isClass = (v: unknown): boolean => typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v));

/** `Tensor#m` for methods, `Tensor.s` for statics, the bare name for exported functions. */
export function exportedApi(): string[] {
  const methods = Object.getOwnPropertyNames(Tensor.prototype).filter((n) => n !== 'constructor' && typeof Object.getOwnPropertyDescriptor(Tensor.prototype, n)?.value === 'function');
  const statics = Object.getOwnPropertyNames(Tensor).filter((n) => typeof (Tensor as unknown as Record<string, unknown>)[n] === 'function');
  const functions = Object.entries(api).filter(([, v]) => typeof v === 'function' && !isClass(v)).map(([n]) => n);
  return [...methods.map((n) => `Tensor#${n}`), ...statics.map((n) => `Tensor.${n}`), ...functions].sort();
}

/** The names of the primitive ops in ops/ (each op's `name`, as the graph records it). */
export function primitiveOps(): string[] {
  return [elementwise, linalg, movement, reduce].flatMap((mod) => Object.values(mod).filter(isOp).map((op) => op.name)).sort();
}

/** The op names in the graph that produced `t`. */
export function opsInGraph(t: Tensor, seen = new Set<string>(), visited = new Set<Tensor>()): Set<string> {
  if (visited.has(t) || !t.node) return seen;
  visited.add(t);
  seen.add(t.node.op.name);
  for (const p of t.node.parents) opsInGraph(p, seen, visited);
  return seen;
}

/** Exported API names with neither a gradcheck row nor a NOT_DIFFERENTIABLE entry. */
export function apiWithoutGradcheck(cases: readonly GradcheckCase[], apis: readonly string[], exempt: Readonly<Record<string, string>>): string[] {
  const checked = new Set(cases.map((c) => c.api));
  return apis.filter((n) => !checked.has(n) && !(n in exempt));
}

/** Primitive ops that no row's graph contains. */
export function opsWithoutGradcheck(cases: readonly GradcheckCase[], ops: readonly string[]): string[] {
  const reached = new Set<string>();
  for (const c of cases) opsInGraph(c.fn(...c.inputs(new Rng(0))), reached);
  return ops.filter((n) => !reached.has(n));
}
