/**
 * Synthetic speakers: an eSpeak voice setting plus a recording colour, drawn from a seed.
 *
 * A "speaker" is what keeps a split honest: all of its clips share the accent, variant and
 * prosody ranges drawn here, so validation and testing measure generalisation to unseen voice
 * settings, as Speech Commands' per-speaker split measures generalisation to unseen people.
 */
import type { VoiceSetting } from './espeak.js';
import type { SynthRng } from './rng.js';

/** The English voices of eSpeak NG 1.52: accents that change the phonemes, not only the timbre. */
export const ACCENTS: readonly string[] = [
  'en', 'en-us', 'en-us-nyc', 'en-029', 'en-gb-scotland', 'en-gb-x-gbclan', 'en-gb-x-gbcwmd', 'en-gb-x-rp',
];

/** Every variant in espeak-ng-data/voices/!v of this build (formant, klatt and novelty voices). */
export const VARIANTS: readonly string[] = [
  'Alex', 'Alicia', 'Andrea', 'Andy', 'Annie', 'AnxiousAndy', 'Demonic', 'Denis', 'Diogo', 'Gene',
  'Gene2', 'Henrique', 'Hugo', 'Jacky', 'Lee', 'Marco', 'Mario', 'Michael', 'Mike', 'Mr serious',
  'Nguyen', 'Reed', 'RicishayMax', 'RicishayMax2', 'RicishayMax3', 'Storm', 'Tweaky', 'UniRobot',
  'adam', 'anika', 'anikaRobot', 'announcer', 'antonio', 'aunty', 'belinda', 'benjamin', 'boris',
  'caleb', 'croak', 'david', 'ed', 'edward', 'edward2', 'f1', 'f2', 'f3', 'f4', 'f5', 'fast',
  'grandma', 'grandpa', 'gustave', 'ian', 'iven', 'iven2', 'iven3', 'iven4', 'john', 'kaukovalta',
  'klatt', 'klatt2', 'klatt3', 'klatt4', 'klatt5', 'klatt6', 'linda', 'm1', 'm2', 'm3', 'm4', 'm5',
  'm6', 'm7', 'm8', 'marcelo', 'max', 'michel', 'miguel', 'mike2', 'norbert', 'pablo', 'paul',
  'pedro', 'quincy', 'rob', 'robert', 'robosoft', 'robosoft2', 'robosoft3', 'robosoft4',
  'robosoft5', 'robosoft6', 'robosoft7', 'robosoft8', 'sandro', 'shelby', 'steph', 'steph2',
  'steph3', 'travis', 'victor', 'whisper', 'whisperf', 'zac',
];

/** One synthetic speaker: a voice setting, an id in the Speech Commands style, a mic colour. */
export interface SynthSpeaker extends VoiceSetting {
  /** Eight hex digits, unique within a data set; the `<id>` of `<id>_nohash_<k>.wav`. */
  id: string;
  /** One-pole low-pass coefficient in [0, 0.6): a duller or brighter "microphone". */
  tone: number;
}

/**
 * Draws `n` speakers. Variants and accents are dealt from shuffled decks so that a small set of
 * speakers still covers many distinct timbres; prosody is uniform over ranges that stay
 * intelligible (eSpeak: pitch and range 0-99, rate in words per minute, amplitude 0-200).
 *
 * @example
 * const speakers = makeSpeakers(SynthRng.derive(0, 1), 72); // 72 distinct voice settings
 */
export function makeSpeakers(rng: SynthRng, n: number): SynthSpeaker[] {
  const variants = deck(rng, VARIANTS, n);
  const accents = deck(rng, ACCENTS, n);
  const ids = new Set<string>();
  const speakers: SynthSpeaker[] = [];
  for (let i = 0; i < n; i++) {
    let id = rng.hex(8);
    while (ids.has(id)) id = rng.hex(8);
    ids.add(id);
    speakers.push({
      id,
      voice: accents[i],
      variant: variants[i],
      pitch: rng.uniform(10, 90),
      range: rng.uniform(20, 95),
      rate: rng.uniform(100, 210),
      amplitude: rng.uniform(50, 140),
      tone: rng.uniform(0, 0.6),
    });
  }
  return speakers;
}

/** `n` items dealt from `items`, reshuffled each time the deck runs out. */
function deck<T>(rng: SynthRng, items: readonly T[], n: number): T[] {
  const out: T[] = [];
  while (out.length < n) out.push(...rng.shuffle(items));
  return out.slice(0, n);
}

/**
 * One utterance's setting: the speaker's own, with small jitter, because nobody says a word the
 * same way twice (pitch and range by a few steps, rate and amplitude by a few percent).
 *
 * @example
 * const setting = jitterVoice(rng, speakers[0]);
 */
export function jitterVoice(rng: SynthRng, s: SynthSpeaker): VoiceSetting {
  return {
    voice: s.voice,
    variant: s.variant,
    pitch: s.pitch + 3 * rng.normal(),
    range: s.range + 4 * rng.normal(),
    rate: s.rate * (1 + 0.06 * rng.normal()),
    amplitude: s.amplitude * (1 + 0.08 * rng.normal()),
  };
}

/**
 * The text for one utterance: the word with a random closing mark. eSpeak's intonation follows
 * the clause type, so '?' rises, '!' is emphatic and '.' falls: three prosodic contours per word.
 *
 * @example
 * utteranceText(rng, 'sheila'); // 'sheila.', 'sheila?' or 'sheila!'
 */
export function utteranceText(rng: SynthRng, word: string): string {
  const u = rng.next();
  return word + (u < 0.6 ? '.' : u < 0.8 ? '?' : '!');
}
