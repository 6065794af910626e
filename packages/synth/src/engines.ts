/**
 * The engines the data set can speak with, by name. Adding an engine is one file that exports
 * an {@link EngineSpec}, plus its line here.
 */
import type { EngineSpec } from './engine.js';
import { espeakSpec } from './espeak.js';
import { fliteSpec } from './flite.js';

export const ENGINES: Readonly<Record<string, EngineSpec<unknown>>> = {
  espeak: espeakSpec(),
  flite: fliteSpec(),
};
