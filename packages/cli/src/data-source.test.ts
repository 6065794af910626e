/** The synthetic set's command-line plumbing: engine lists and cache folder names. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GENERATOR } from '@kws/synth';
import { describe, expect, it } from 'vitest';
import { outdatedSynthNote, parseEngines, SYNTH_SPEAKERS, synthFolder } from './data-source.js';

describe('built-in data options', () => {
  it('parses --engines with and without shares, and refuses anything else', () => {
    expect(parseEngines('espeak')).toEqual({ espeak: 1 });
    expect(parseEngines('espeak,flite')).toEqual({ espeak: 1, flite: 1 });
    expect(parseEngines('espeak:0.8, flite:.2')).toEqual({ espeak: 0.8, flite: 0.2 });
    expect(() => parseEngines('espeak=1')).toThrow(/--engines/);
    expect(() => parseEngines('')).toThrow(/--engines/);
  });

  it('names the cache folder by every setting that is not the default', () => {
    const base = { seed: 3, speakers: SYNTH_SPEAKERS, keyword: 'sheila' };
    expect(synthFolder('c', base)).toBe(join(resolve('c'), 'synth-3'));
    expect(synthFolder('c', { ...base, engines: { espeak: 1 } })).toBe(join(resolve('c'), 'synth-3'));
    expect(synthFolder('c', { ...base, engines: { flite: 1 } })).toBe(join(resolve('c'), 'synth-3-flite'));
    expect(synthFolder('c', { ...base, engines: { flite: 1 }, without: ['room', 'homophones'] })).toBe(join(resolve('c'), 'synth-3-flite-without-homophones-room'));
    expect(synthFolder('c', { ...base, speakers: 2, keyword: 'hey computer', engines: { espeak: 0.8, flite: 0.2 } }))
      .toBe(join(resolve('c'), 'synth-3-2spk-hey_computer-espeak0.8-flite0.2'));
  });
});

describe('a synthetic set given with --data', () => {
  it('is named outdated when an older generator revision made it, and only then', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kws-outdated-'));
    const settings = { seed: 0, speakers: 2, heldOut: 1, keyword: 'sheila', engines: { flite: 1 }, packageVersion: '0.1.0', engineVersions: {} };
    const manifest = (generator: unknown): void =>
      writeFileSync(join(dir, 'synth.json'), JSON.stringify({ format: 'kws-synth', formatVersion: 2, settings: { ...settings, generator }, counts: { clips: 1, speakers: 4 } }));
    try {
      expect(await outdatedSynthNote(dir)).toBeUndefined(); // no synth.json: a real folder
      manifest(GENERATOR - 1);
      expect(await outdatedSynthNote(dir)).toMatch(new RegExp(`revision ${GENERATOR - 1} .* revision ${GENERATOR}:`));
      manifest(GENERATOR);
      expect(await outdatedSynthNote(dir)).toBeUndefined();
      manifest('3');
      expect(await outdatedSynthNote(dir)).toBeUndefined(); // not a revision number
      writeFileSync(join(dir, 'synth.json'), '{ torn');
      expect(await outdatedSynthNote(dir)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
