/**
 * The `synth.json` manifest: what was generated, from which options and package versions. It is
 * written last, inside the temporary folder, so its presence marks a complete data set; a later
 * call with the same settings finds it and reuses the folder instead of generating again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkJson, readJsonFile } from '@kws/kws-model';

/** Everything that determines the data set's bytes; equal settings give identical files. */
export interface SynthSettings {
  seed: number;
  /** Training speakers, and speakers in each of validation and testing. */
  speakers: number;
  heldOut: number;
  keyword: string;
  /** Share of speakers per engine. */
  engines: Record<string, number>;
  /** This package's version, and the generator's revision (a code change that alters the output bumps it). */
  packageVersion: string;
  generator: number;
  /** Each engine's provider version. */
  engineVersions: Record<string, string>;
  /** Parts left out (clips.ts PARTS), sorted; absent when none is (the default set). */
  without?: string[];
}

/** The manifest file's contents. */
export interface SynthManifest {
  format: 'kws-synth';
  formatVersion: 2;
  settings: SynthSettings;
  /** The words, worked out from the settings: Speech Commands words (with the keyword), the keyword's near-homophones, the common-word pool. */
  words: { commands: string[]; homophones: string[]; common: string[] };
  counts: {
    clips: number;
    speakers: number;
    keywordClips: number;
    perWord: Record<string, number>;
    validationClips: number;
    testingClips: number;
    validationSpeakers: number;
    testingSpeakers: number;
    /** Keyword clips in validation and testing. */
    validationKeyword: number;
    testingKeyword: number;
  };
  /** Wall time of the generation and the process's CPU time over it (all threads), in seconds (informative only, never compared). */
  seconds: number;
  cpuSeconds: number;
}

export const MANIFEST = 'synth.json';

/**
 * This package's version, read from its package.json (one folder above both src/ and dist/).
 *
 * @example
 * packageVersion(); // '0.1.0'
 */
export function packageVersion(): string {
  const json = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version?: unknown };
  if (typeof json.version !== 'string') throw new Error('@kws/synth package.json: no "version" string');
  return json.version;
}

/**
 * The manifest in `dir` if there is a well-formed one, else undefined. A malformed manifest is
 * treated as absent (the folder will be regenerated), never trusted.
 *
 * @example
 * const m = readManifest('data/synth'); // undefined before the first generation
 */
export function readManifest(dir: string): SynthManifest | undefined {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return undefined;
  try {
    const m = readJsonFile(path, { format: 'string', formatVersion: 'number', settings: 'object', counts: 'object' });
    if (m.format !== 'kws-synth' || m.formatVersion !== 2) return undefined;
    // Every field that sameSettings and the cache hit read: a hand-edited file that lacks one is
    // treated as absent here instead of crashing sameSettings.
    checkJson(m.settings, { seed: 'number', speakers: 'number', heldOut: 'number', keyword: 'string', engines: 'object', packageVersion: 'string', generator: 'number', engineVersions: 'object' }, `${path}: settings`);
    checkJson(m.counts, { clips: 'number', speakers: 'number' }, `${path}: counts`);
    return m as unknown as SynthManifest;
  } catch {
    return undefined;
  }
}

/** True when two settings would generate the same bytes (every field is plain JSON). */
export function sameSettings(a: SynthSettings, b: SynthSettings): boolean {
  return canonical(a) === canonical(b);
}

/** JSON with object keys sorted at every level, so that key order never matters. */
function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (x !== null && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(x);
}
