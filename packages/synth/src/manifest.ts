/**
 * The `synth.json` manifest: what was generated, from which options and package versions. It is
 * written last, inside the temporary folder, so its presence marks a complete data set; a later
 * call with the same settings finds it and reuses the folder instead of generating again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkJson, readJsonFile } from '@kws/kws-model';

/** Everything that determines the data set's bytes; equal settings give identical files. */
export interface SynthSettings {
  seed: number;
  speakers: number;
  keyword: string;
  words: string[];
  /** This package's version (a code change that alters the output must bump it). */
  packageVersion: string;
  /** The eSpeak NG build's version. */
  espeakVersion: string;
}

/** The manifest file's contents. */
export interface SynthManifest {
  format: 'kws-synth';
  formatVersion: 1;
  settings: SynthSettings;
  counts: {
    clips: number;
    speakers: number;
    keywordClips: number;
    perWord: Record<string, number>;
    validationClips: number;
    testingClips: number;
    validationSpeakers: number;
    testingSpeakers: number;
  };
  /** Wall time of the generation, in seconds (informative only, never compared). */
  seconds: number;
}

export const MANIFEST = 'synth.json';

/** Reads `version` from a package.json, with a clear error if it is missing. */
function versionOf(path: string): string {
  const json = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown };
  if (typeof json.version !== 'string') throw new Error(`${path}: no "version" string`);
  return json.version;
}

/**
 * The versions that go into the settings: this package's (read from its package.json, which sits
 * one folder above both src/ and dist/) and the eSpeak package's.
 *
 * @example
 * packageVersions(); // { packageVersion: '0.1.0', espeakVersion: '0.3.5' }
 */
export function packageVersions(): { packageVersion: string; espeakVersion: string } {
  const require = createRequire(import.meta.url);
  return {
    packageVersion: versionOf(fileURLToPath(new URL('../package.json', import.meta.url))),
    espeakVersion: versionOf(require.resolve('@echogarden/espeak-ng-emscripten/package.json')),
  };
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
    if (m.format !== 'kws-synth' || m.formatVersion !== 1) return undefined;
    // Every field that sameSettings and the cache hit read: a hand-edited file that lacks one is
    // treated as absent here instead of crashing sameSettings.
    checkJson(m.settings, { seed: 'number', speakers: 'number', keyword: 'string', words: 'string[]', packageVersion: 'string', espeakVersion: 'string' }, `${path}: settings`);
    checkJson(m.counts, { clips: 'number', speakers: 'number' }, `${path}: counts`);
    return m as unknown as SynthManifest;
  } catch {
    return undefined;
  }
}

/** True when two settings would generate the same bytes. */
export function sameSettings(a: SynthSettings, b: SynthSettings): boolean {
  return a.seed === b.seed && a.speakers === b.speakers && a.keyword === b.keyword
    && a.packageVersion === b.packageVersion && a.espeakVersion === b.espeakVersion
    && a.words.length === b.words.length && a.words.every((w, i) => w === b.words[i]);
}
