export * from './module.js';
export * from './init.js';
export * from './layers.js';
export * from './gru.js';
export { GruSequence } from './gru-op.js';
export { gruCell, gruLayerReference, type GruWeights } from './gru-reference.js';
export * from './attention.js';
