export { Rng } from './rng.js';
export * from './shape.js';
export * from './ndarray.js';
export * from './backend.js';
export { cpuBackend } from './cpu/index.js';
export { gemmABt } from './cpu/gemm.js';
export * from './float16.js';
