export * from './config.js';
export * from './crnn.js';
export * from './ensemble.js';
export * from './macs.js';
export * from './checkpoint.js';
export * from './predict.js';
