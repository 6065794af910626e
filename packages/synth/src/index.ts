/**
 * @kws/synth (GPL-3.0-or-later, because it links eSpeak NG): a synthetic data set in the
 * Speech Commands v0.01 layout, spoken offline by eSpeak NG voices. The MIT rest of kws-ts loads
 * it only on demand (`await import('@kws/synth')`); nothing imports it statically.
 */
export { WORDS } from './words.js';
export { GENERATOR, generateSynthDataset } from './generate.js';
export type { SynthOptions, SynthResult } from './generate.js';
export type { SynthManifest, SynthSettings } from './manifest.js';
export { MANIFEST, readManifest } from './manifest.js';
