/**
 * Drives eSpeak NG (the `@echogarden/espeak-ng-emscripten` build) to speak single words.
 *
 * Why a fresh module per data set: eSpeak's waveform generator draws from the C library's `rand()`
 * (breath noise, pitch flutter), whose state lives in the module's heap and carries over between
 * calls. A new module therefore starts from the same state every time, and the same sequence of
 * calls gives the same samples, which makes a data set a pure function of its seed.
 */
import createModule from '@echogarden/espeak-ng-emscripten';
import type { ESpeakNGWorker } from '@echogarden/espeak-ng-emscripten';

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

/** A loaded engine that turns text into float samples at `sampleRate` Hz. */
export interface Speaker {
  readonly sampleRate: number;
  /** Speaks `text` with `setting`; returns samples in [-1, 1). */
  speak(text: string, setting: VoiceSetting): Float32Array;
}

/** Clamps and rounds a prosody value into eSpeak's integer range. */
function clampInt(x: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.round(x)));
}

/** Collects every chunk the synthesizer emits into one float array. */
function synthesize(worker: ESpeakNGWorker, text: string): Float32Array {
  const chunks: Int16Array[] = [];
  worker.synthesize(text, (samples) => {
    if (samples.length > 0) chunks.push(samples);
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

/**
 * Loads a fresh eSpeak NG instance (about 0.15 s; it reads the 24 MB espeak-ng.data).
 *
 * @example
 * const espeak = await loadEspeak();
 * const x = espeak.speak('sheila', { voice: 'en-us', variant: 'f3', pitch: 60, range: 50, rate: 170, amplitude: 100 });
 */
export async function loadEspeak(): Promise<Speaker> {
  // eSpeak prints warnings (e.g. an unknown voice) to stderr; they are checked for, not shown.
  const warnings: string[] = [];
  const mod = await createModule({ print: () => undefined, printErr: (line) => void warnings.push(line) });
  const worker = new mod.eSpeakNGWorker();
  let current = '';
  return {
    sampleRate: worker.get_samplerate(),
    speak(text: string, s: VoiceSetting): Float32Array {
      const name = `${s.voice}+${s.variant}`;
      // Switching voices reloads the voice and variant files: do it only when the name changes.
      if (name !== current) {
        worker.set_voice(name, '');
        current = name;
      }
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
  };
}
