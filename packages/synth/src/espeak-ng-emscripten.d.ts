/**
 * Types for the parts of `@echogarden/espeak-ng-emscripten` (0.3.5) this package uses; the package
 * ships plain JS only. Its default export is an emscripten module factory; the module exposes the
 * WebIDL-bound `eSpeakNGWorker` class of eSpeak NG's emscripten glue (espeakng_glue.cpp).
 */
declare module '@echogarden/espeak-ng-emscripten' {
  /** One eSpeak NG engine instance; all setters apply to the next `synthesize` call. */
  export interface ESpeakNGWorker {
    /** Selects a voice by name, e.g. 'en-us' or 'en-gb-x-rp+f3' (language + '+' + variant). */
    set_voice(name: string, language: string): number;
    /** Speaking rate in words per minute (eSpeak: 80-450, default 175). */
    set_rate(wpm: number): void;
    /** Base pitch, 0-99 (default 50). */
    set_pitch(pitch: number): void;
    /** Pitch range (intonation depth), 0-99 (default 50). */
    set_range(range: number): void;
    /** Amplitude, 0-200 (default 100); high values clip. */
    set_volume(volume: number): void;
    /** Output sample rate in Hz (22,050). */
    get_samplerate(): number;
    /**
     * Synthesizes `text`, calling `callback` with each chunk of 16-bit samples; returning true
     * from the callback aborts synthesis.
     */
    synthesize(text: string, callback: (samples: Int16Array, events: unknown[]) => boolean): void;
    /** eSpeak's phonemes for `text` (mnemonics, or IPA when `ipa` is 1): a pointer to a C string. */
    text_to_phonemes(text: string, ipa: number): { ptr: number };
  }

  /** The instantiated emscripten module. */
  export interface ESpeakNGModule {
    eSpeakNGWorker: new () => ESpeakNGWorker;
    /** The module's heap, bytewise. */
    HEAPU8: Uint8Array;
  }

  /** Emscripten module options; `print`/`printErr` receive eSpeak's stdout/stderr lines. */
  export interface ESpeakNGModuleOptions {
    print?: (line: string) => void;
    printErr?: (line: string) => void;
  }

  /** Instantiates a fresh module (own heap, own C `rand()` state), loading espeak-ng.data. */
  const createModule: (options?: ESpeakNGModuleOptions) => Promise<ESpeakNGModule>;
  export default createModule;
}
