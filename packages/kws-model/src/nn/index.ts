export * from './module.js';
export * from './init.js';
export * from './layers.js';
export * from './gru.js';
export { GruSequence } from './gru-op.js';
export * from './attention.js';
