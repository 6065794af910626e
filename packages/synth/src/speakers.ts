/**
 * Synthetic speakers: an engine's voice plus how that person's recordings sound (vocal-tract
 * warp, microphone colour, room), drawn from a seed.
 *
 * A "speaker" is what keeps a split honest: all of its clips share the voice, the accent and
 * the recording chain drawn here, so validation and testing measure generalisation to unseen
 * voices, as Speech Commands' per-speaker split measures generalisation to unseen people.
 */
import { ENGINES } from './engines.js';
import type { SynthRng } from './rng.js';

/** One synthetic speaker. */
export interface SynthSpeaker {
  /** Eight hex digits, unique within a data set; the `<id>` of `<id>_nohash_<k>.wav`. */
  id: string;
  /** The engine's name (a key of {@link ENGINES}) and its voice for this speaker (plain JSON). */
  engine: string;
  voice: unknown;
  /**
   * Index into clips.ts's WARPS, resampling factors 0.895-1.105 applied to everything the
   * speaker says: > 1 raises pitch and every formant together and shortens the word, as a
   * shorter vocal tract does (Kaldi's speed perturbation; with the engine's own pitch setting,
   * pitch and formants vary apart).
   */
  warp: number;
  /** Microphone: one-pole low-pass coefficient in [0, 0.6) and high-pass corner in Hz. */
  tone: number;
  highpassHz: number;
  /** Probability that one of this speaker's clips is recorded in a (synthetic) room. */
  roomShare: number;
}

/**
 * Draws `n` speakers, engine by engine in the proportions of `mix` (engine name -> share), so
 * that each engine's voice draws come from its own deck.
 *
 * @example
 * const speakers = makeSpeakers(SynthRng.derive(0, 1), 72); // 72 distinct voices
 */
export function makeSpeakers(rng: SynthRng, n: number, mix: Readonly<Record<string, number>> = { espeak: 1 }): SynthSpeaker[] {
  const names = Object.keys(mix).sort();
  const total = names.reduce((s, k) => s + mix[k], 0);
  const counts = names.map((k) => Math.floor((n * mix[k]) / total));
  counts[0] += n - counts.reduce((a, b) => a + b, 0);
  const voices = names.flatMap((name, i) => ENGINES[name].drawVoices(rng, counts[i]).map((voice) => ({ engine: name, voice })));
  const order = rng.shuffle(voices);
  const ids = new Set<string>();
  return order.map(({ engine, voice }) => {
    let id = rng.hex(8);
    while (ids.has(id)) id = rng.hex(8);
    ids.add(id);
    return { id, engine, voice, warp: rng.int(8), tone: rng.uniform(0, 0.6), highpassHz: rng.uniform(20, 300), roomShare: rng.uniform(0, 0.6) };
  });
}

/**
 * The text for one utterance: the word with a random closing mark. Engines follow the clause
 * type, so '?' rises, '!' is emphatic and '.' falls: three prosodic contours per word.
 *
 * @example
 * utteranceText(rng, 'sheila'); // 'sheila.', 'sheila?' or 'sheila!'
 */
export function utteranceText(rng: SynthRng, word: string): string {
  const u = rng.next();
  return word + (u < 0.6 ? '.' : u < 0.8 ? '?' : '!');
}
