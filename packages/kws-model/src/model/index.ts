export * from './config.js';
export * from './crnn.js';
export * from './macs.js';
