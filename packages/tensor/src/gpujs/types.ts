/**
 * The slice of gpu.js's API that this backend uses, declared locally. gpu.js is an optional
 * dependency: importing its own `index.d.ts` would make the build fail wherever it is not
 * installed, so it is loaded through an untyped dynamic import and checked against these shapes.
 */

/**
 * Synchronous gpu.js modes. 'gpu' lets gpu.js pick the best it finds (headlessgl, webgl2, webgl,
 * then webasm); 'webasm' compiles kernels to WebAssembly; 'cpu' transpiles them to plain JS.
 * 'webgpu' and 'async' are left out on purpose: every kernel call there returns a Promise, and a
 * `Backend` is synchronous.
 */
export const GPUJS_MODES = ['gpu', 'cpu', 'webasm', 'headlessgl', 'webgl', 'webgl2'] as const;
export type GpuJsMode = (typeof GPUJS_MODES)[number];

/** Settings every kernel here is created with (a fixed 1-D output, per-shape constants). */
export interface GpuKernelSettings {
  output: [number];
  constants: Record<string, number>;
  /** Real float32 textures on the GL modes; 'unsigned' would pack floats lossily into bytes. */
  precision: 'single';
  /** highp arithmetic on the GL modes. */
  tactic: 'precision';
}

/** A compiled kernel: called with packed Float32Array arguments; 1-D output gives a Float32Array. */
export interface GpuKernel {
  (...args: Float32Array[]): unknown;
  destroy(removeCanvasReferences?: boolean): void;
  /**
   * The kernel object the shortcut runs now: gpu.js swaps it for a CPU kernel when a GL build
   * fails (with only a console warning), so its class's `mode` says what really ran.
   */
  readonly kernel?: { readonly constructor: { readonly mode?: unknown }; readonly context?: unknown };
}

export interface GpuInstance {
  /** The kernel class gpu.js chose for this instance; its static `mode` names it ('webasm', 'cpu', ...). */
  readonly Kernel: { readonly mode?: unknown } | null;
  /** Source text, not a function: transpilers and coverage tools cannot rewrite what gpu.js parses. */
  createKernel(source: string, settings: GpuKernelSettings): GpuKernel;
  destroy(): unknown;
}

export interface GpuJsModule {
  GPU: new (settings: { mode: GpuJsMode }) => GpuInstance;
}
