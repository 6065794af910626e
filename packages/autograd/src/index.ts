export { Tensor, type Operand, type TensorOptions } from './tensor.js';
export { apply, currentBackend, halfPrecision, isGradEnabled, isHalfPrecision, noGrad, toHalf, useBackend, withBackend, type Node, type Op, type Saved } from './engine.js';
export * from './functional.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
export type { Conv2dAttrs } from './ops/linalg.js';
