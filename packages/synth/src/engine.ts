/**
 * The one interface a synthesizer implements to add voices to the data set. An engine is one
 * file: how to load it, how to draw a speaker's voice from a seed, how that voice varies from
 * one utterance to the next, and how to speak. Voices are plain JSON objects, because they cross
 * into worker threads and are recorded in `synth.json`.
 */
import type { SynthRng } from './rng.js';

/** A loaded synthesizer instance. */
export interface Engine<V> {
  /** Sample rate of what `speak` returns, in Hz. */
  readonly sampleRate: number;
  /** Speaks `text` with `voice`; returns samples in [-1, 1). Throws if nothing was said. */
  speak(text: string, voice: V): Float32Array;
  /**
   * How this engine would say `text`, as its own letter-to-sound gives it: phone tokens, with the
   * vowels a speaker reduces (unstressed ones) written as one token '@', since 'marvin' and
   * 'marven' are the same word said aloud. Near-homophones that sound like the keyword here are
   * kept out of the negatives (negatives.ts). Optional: an engine without it is not consulted.
   */
  sounds?(text: string): string[];
  /** Frees what the instance holds outside the heap (temporary files), if anything. */
  close?(): void;
}

/** An engine's description: everything the generator needs to use it. */
export interface EngineSpec<V> {
  /** Short name, recorded with every speaker ('espeak'). */
  readonly name: string;
  /** The package that does the speaking and its licence, for the manifest and the docs. */
  readonly provider: { package: string; licence: string };
  /** The provider's version: part of the cache key, so an upgrade regenerates. */
  version(): string;
  /**
   * A fresh instance whose internal randomness starts from `seed`; the same calls in the same
   * order on two instances loaded with the same seed give the same samples.
   */
  load(seed: number): Promise<Engine<V>>;
  /** The base voices of `n` speakers, drawn from `rng`. */
  drawVoices(rng: SynthRng, n: number): V[];
  /** One utterance's voice: the speaker's, varied a little, since nobody says a word twice the same. */
  jitter(rng: SynthRng, voice: V): V;
}
