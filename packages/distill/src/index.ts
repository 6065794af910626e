export * from './optim.js';
export * from './batches.js';
export * from './step.js';
export * from './state.js';
export * from './validate.js';
export * from './trainer.js';
