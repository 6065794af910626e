export { Rng } from './rng.js';
export * from './shape.js';
export * from './ndarray.js';
export * from './backend.js';
export { cpuBackend } from './cpu/index.js';
export { gemmABt } from './cpu/gemm.js';
export * from './float16.js';
export { createGpuJsBackend, GpuJsMissingError, GPUJS_MODES, type GpuJsBackend, type GpuJsMode } from './gpujs/index.js';
export { createParallelCpuBackend, DEFAULT_MIN_MACS, type ParallelBackend, type ParallelOptions } from './parallel/index.js';
