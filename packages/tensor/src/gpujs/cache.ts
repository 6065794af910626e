/**
 * Compiled gpu.js kernels, one per (kernel, output size, constants). A gpu.js kernel is compiled
 * for a fixed output size and its constants are baked into the generated code, so each shape
 * gets its own kernel; keeping them means a training loop, which repeats the same few shapes,
 * compiles each once and then only runs it.
 */
import type { GpuInstance, GpuKernel } from './types.js';

export class KernelCache {
  private readonly kernels = new Map<string, GpuKernel>();

  constructor(private readonly gpu: GpuInstance) {}

  /** How many kernels have been compiled (each distinct op and shape once). */
  get size(): number {
    return this.kernels.size;
  }

  /**
   * Run `source` over packed float32 `args` with `n` outputs, compiling it on first use.
   * @example cache.run('sum', SUM_SOURCE, rows, { BLOCK: cols }, [x.data]);
   */
  run(name: string, source: string, n: number, constants: Record<string, number>, args: readonly Float32Array[]): Float32Array {
    const key = `${name}:${n}:${Object.entries(constants).map(([k, v]) => `${k}=${v}`).join(',')}`;
    let kernel = this.kernels.get(key);
    if (!kernel) {
      kernel = this.gpu.createKernel(source, { output: [n], constants, precision: 'single', tactic: 'precision' });
      this.kernels.set(key, kernel);
    }
    const out = kernel(...args);
    // Checked at the edge: gpu.js returns nested arrays or textures for other settings.
    if (!(out instanceof Float32Array) || out.length !== n) {
      throw new Error(`gpu.js kernel ${key} returned ${describe(out)}, expected a Float32Array of length ${n}`);
    }
    return out;
  }

  /**
   * How many compiled kernels run on each backend, as gpu.js's kernel classes name it ('cpu',
   * 'webasm'; GL kernels say 'gpu', named here by their context: 'webgl2', 'webgl' or 'gpu').
   * Read after the kernels have run: gpu.js's silent CPU fallback happens on a kernel's first call.
   * @example cache.modes() // { webgl2: 12 } in a browser with WebGL2; { cpu: 3, webgl2: 9 } after a fallback
   */
  modes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const k of this.kernels.values()) {
      const m = kernelMode(k);
      out[m] = (out[m] ?? 0) + 1;
    }
    return out;
  }

  /** Free every kernel (GL textures and programs; wasm modules), then the GPU instance. */
  dispose(): void {
    for (const k of this.kernels.values()) k.destroy();
    this.kernels.clear();
    // gpu.destroy() may return a Promise (GL teardown waits a tick); nothing is left to await.
    void Promise.resolve(this.gpu.destroy()).catch(() => undefined);
  }
}

type Ctor = abstract new (...args: never[]) => unknown;

/** The backend one compiled kernel runs on (see `modes`). */
function kernelMode(k: GpuKernel): string {
  const mode = k.kernel?.constructor.mode;
  if (mode !== 'gpu') return typeof mode === 'string' ? mode : 'unknown';
  const g = globalThis as { WebGL2RenderingContext?: Ctor; WebGLRenderingContext?: Ctor };
  const ctx = k.kernel?.context;
  if (g.WebGL2RenderingContext && ctx instanceof g.WebGL2RenderingContext) return 'webgl2';
  if (g.WebGLRenderingContext && ctx instanceof g.WebGLRenderingContext) return 'webgl';
  return 'gpu';
}

function describe(v: unknown): string {
  if (v === null || typeof v !== 'object') return String(v);
  const length = (v as { length?: unknown }).length;
  return `${v.constructor.name}${typeof length === 'number' ? ` of length ${length}` : ''}`;
}
