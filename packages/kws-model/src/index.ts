export * from './audio/index.js';
export * from './features/index.js';
export * from './data/index.js';
export * from './checkpoint/index.js';
export * from './nn/index.js';
export * from './model/index.js';
export * from './metrics/index.js';
export * from './stream/index.js';
export { checkJson, parseJsonText, readJsonFile, type FromSchema, type JsonKind, type JsonSchema } from './io/json.js';
