/**
 * eSpeak NG (the `@echogarden/espeak-ng-emscripten` build, GPL-3.0) as an {@link EngineSpec}.
 *
 * Determinism: eSpeak's waveform generator draws breath noise and pitch flutter from its own
 * generator (`espeak_rand`), which `espeak_ng_Initialize` seeds with `time(NULL)` when the
 * worker object is constructed. That made clips of the voices that use it (e.g. variants with
 * breath, like 'Demonic') differ from run to run. We pin the clock that `time()` reads (the
 * module calls `Date.now`) for that one synchronous constructor call, so the generator starts
 * from `seed`. The generator and the synthesizer's other state (filter memories, pitch
 * envelope) then carry over from call to call, so a clip is a function of the seed and every
 * call made before it on that instance: the caller keeps the order of calls fixed per instance.
 */
import { createRequire } from 'node:module';
import createModule from '@echogarden/espeak-ng-emscripten';
import type { ESpeakNGModule, ESpeakNGWorker } from '@echogarden/espeak-ng-emscripten';
import type { Engine, EngineSpec } from './engine.js';
import { reducedTokens } from './negatives.js';
import type { SynthRng } from './rng.js';

/** One eSpeak voice setting: language/accent voice, variant and prosody. */
export interface VoiceSetting {
  /** eSpeak voice name, e.g. 'en-us', 'en-gb-scotland'. */
  voice: string;
  /** Variant file from espeak-ng-data/voices/!v, e.g. 'f3', 'klatt2', 'Annie'. */
  variant: string;
  /** Base pitch 0-99. */
  pitch: number;
  /** Pitch range 0-99. */
  range: number;
  /** Words per minute. */
  rate: number;
  /** eSpeak amplitude 0-200. */
  amplitude: number;
}

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

/** A loaded eSpeak instance: an {@link Engine} that can also say how it would pronounce a text. */
export interface Espeak extends Engine<VoiceSetting> {
  /** eSpeak's phoneme mnemonics for `text` with the 'en-us' voice, '_'-separated ("S_'i:_l_@"). */
  phonemes(text: string): string;
}

/** Clamps and rounds a prosody value into eSpeak's integer range. */
function clampInt(x: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.round(x)));
}

/** Collects every chunk the synthesizer emits into one float array. */
function synthesize(worker: ESpeakNGWorker, text: string): Float32Array {
  const chunks: Int16Array[] = [];
  worker.synthesize(text, (samples) => {
    if (samples.length > 0) chunks.push(samples.slice());
    return false;
  });
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Float32Array(total);
  let at = 0;
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++) out[at + i] = c[i] / 32768;
    at += c.length;
  }
  return out;
}

/** Constructs the worker with the clock that `time(NULL)` reads pinned to `seed` seconds. */
function seededWorker(mod: ESpeakNGModule, seed: number): ESpeakNGWorker {
  const now = Date.now;
  const seconds = ((seed % 2 ** 31) + 2 ** 31) % 2 ** 31;
  Date.now = () => seconds * 1000;
  try {
    return new mod.eSpeakNGWorker();
  } finally {
    Date.now = now;
  }
}

/** Reads a NUL-terminated UTF-8 string at `ptr` from the module's heap. */
function heapString(mod: ESpeakNGModule, ptr: number): string {
  let end = ptr;
  while (mod.HEAPU8[end] !== 0) end++;
  return new TextDecoder().decode(mod.HEAPU8.subarray(ptr, end));
}

/**
 * Loads a fresh eSpeak NG instance (about 0.5 s; it reads the 24 MB espeak-ng.data) whose noise
 * generator starts from `seed`.
 *
 * @example
 * const espeak = await loadEspeak(0);
 * const x = espeak.speak('sheila', { voice: 'en-us', variant: 'f3', pitch: 60, range: 50, rate: 170, amplitude: 100 });
 */
export async function loadEspeak(seed = 0): Promise<Espeak> {
  // eSpeak prints warnings (e.g. an unknown voice) to stderr; they are checked for, not shown.
  const warnings: string[] = [];
  const mod = await createModule({ print: () => undefined, printErr: (line) => void warnings.push(line) });
  const worker = seededWorker(mod, seed);
  let current = '';
  const select = (name: string): void => {
    // Switching voices reloads the voice and variant files: do it only when the name changes.
    if (name !== current) worker.set_voice(name, '');
    current = name;
  };
  const phonemes = (text: string): string => {
    select('en-us');
    return heapString(mod, worker.text_to_phonemes(text, 0).ptr);
  };
  return {
    sampleRate: worker.get_samplerate(),
    speak(text: string, s: VoiceSetting): Float32Array {
      const name = `${s.voice}+${s.variant}`;
      select(name);
      worker.set_rate(clampInt(s.rate, 80, 450));
      worker.set_pitch(clampInt(s.pitch, 0, 99));
      worker.set_range(clampInt(s.range, 0, 99));
      worker.set_volume(clampInt(s.amplitude, 0, 200));
      warnings.length = 0;
      const out = synthesize(worker, text);
      if (warnings.length > 0 || out.length === 0) {
        throw new Error(`eSpeak NG could not speak '${text}' with voice '${name}': ${warnings.join('; ') || 'no audio'}`);
      }
      return out;
    },
    phonemes,
    sounds: (text: string): string[] => reducedTokens(phonemes(text)),
  };
}

/** `n` items dealt from `items`, reshuffled each time the deck runs out. */
function deck<T>(rng: SynthRng, items: readonly T[], n: number): T[] {
  const out: T[] = [];
  while (out.length < n) out.push(...rng.shuffle(items));
  return out.slice(0, n);
}

/**
 * eSpeak NG as a data-set engine. Variants and accents are dealt from shuffled decks so that a
 * small set of speakers still covers many distinct timbres; prosody is uniform over ranges that
 * stay intelligible (pitch and range 0-99, rate in words per minute, amplitude 0-200).
 */
export function espeakSpec(): EngineSpec<VoiceSetting> {
  return {
    name: 'espeak',
    provider: { package: '@echogarden/espeak-ng-emscripten', licence: 'GPL-3.0' },
    version: () => (createRequire(import.meta.url)('@echogarden/espeak-ng-emscripten/package.json') as { version: string }).version,
    load: loadEspeak,
    drawVoices(rng, n) {
      const variants = deck(rng, VARIANTS, n);
      const accents = deck(rng, ACCENTS, n);
      return variants.map((variant, i) => ({
        voice: accents[i],
        variant,
        pitch: rng.uniform(10, 90),
        range: rng.uniform(20, 95),
        rate: rng.uniform(100, 210),
        amplitude: rng.uniform(50, 140),
      }));
    },
    jitter(rng, s) {
      // Pitch and range by a few steps, rate and amplitude by a few percent.
      return { ...s, pitch: s.pitch + 3 * rng.normal(), range: s.range + 4 * rng.normal(), rate: s.rate * (1 + 0.06 * rng.normal()), amplitude: s.amplitude * (1 + 0.08 * rng.normal()) };
    },
  };
}
