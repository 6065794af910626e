import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../test-utils/run.js';

/** A fake finished set: a synth.json as the generator writes it, and one 64 KiB clip. */
function fakeSet(root: string, name: string, keyword: string, clips: number): void {
  mkdirSync(join(root, name, keyword), { recursive: true });
  const settings = { seed: 0, speakers: 100, heldOut: 40, keyword, engines: { flite: 1 }, packageVersion: '0.1.0', generator: 1, engineVersions: {} };
  writeFileSync(join(root, name, 'synth.json'), JSON.stringify({ format: 'kws-synth', formatVersion: 2, settings, counts: { clips } }));
  writeFileSync(join(root, name, keyword, 'a.wav'), Buffer.alloc(64 * 1024, 1));
}

describe('kws-cli data cache', () => {
  it('--list: each set with its size on disk, clips and settings; folders without synth.json are named apart', async () => {
    const root = tempDir('kws-cache-');
    fakeSet(root, 'synth-0-flite', 'sheila', 12345);
    fakeSet(root, 'synth-0-computer-flite', 'computer', 678);
    mkdirSync(join(root, 'synth-1-flite.partial-x'));
    const r = await cli(['data', 'cache', '--list', '--cache', root]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines[0]).toMatch(new RegExp(`^${root}: 2 cached sets, \\d+(\\.\\d)? KiB on disk$`));
    expect(r.lines[1]).toMatch(/^ {2}synth-0-computer-flite {2}\d+(\.\d)? KiB {2}678 clips; keyword 'computer', seed 0, 100 training speakers, engines flite 1$/);
    expect(r.lines[2]).toMatch(/^ {2}synth-0-flite {2}\d+(\.\d)? KiB {2}12,345 clips; keyword 'sheila'/);
    expect(r.lines[3]).toBe('  not sets (no synth.json; --clear leaves them): synth-1-flite.partial-x');
    expect((await cli(['data', 'cache', '--cache', root])).lines).toEqual(r.lines); // --list is the default
    expect((await cli(['data', 'cache', '--cache', join(root, 'none')])).lines).toEqual([`${join(root, 'none')}: no cache folder (nothing cached yet)`]);
  });

  it('--clear [--keep NAME]: prints each set before removing it; leaves other folders, links and what they point to', async () => {
    const root = tempDir('kws-cache-');
    const outside = tempDir('kws-outside-');
    fakeSet(root, 'synth-0-flite', 'sheila', 10);
    fakeSet(root, 'synth-0-computer-flite', 'computer', 10);
    fakeSet(root, 'synth-0-marvin-flite', 'marvin', 10);
    fakeSet(outside, 'elsewhere', 'sheila', 10);
    symlinkSync(join(outside, 'elsewhere'), join(root, 'linked'));
    mkdirSync(join(root, 'notes'));
    const r = await cli(['data', 'cache', '--clear', '--keep', 'synth-0-flite', '--cache', root]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines.slice(0, 2)).toEqual([expect.stringMatching(/^removing synth-0-computer-flite \(.*KiB; 10 clips; keyword 'computer'/), expect.stringMatching(/^removing synth-0-marvin-flite /)]);
    expect(r.lines[2]).toMatch(/^removed 2 sets, .* KiB; kept synth-0-flite$/);
    expect(['synth-0-flite', 'notes', 'linked'].map((n) => existsSync(join(root, n)))).toEqual([true, true, true]);
    expect(['synth-0-computer-flite', 'synth-0-marvin-flite'].map((n) => existsSync(join(root, n)))).toEqual([false, false]);
    expect(existsSync(join(outside, 'elsewhere', 'synth.json'))).toBe(true);
    const all = await cli(['data', 'cache', '--clear', '--cache', root]);
    expect(all.lines[0]).toMatch(/^removing synth-0-flite /);
    expect(existsSync(join(root, 'synth-0-flite'))).toBe(false);
    expect((await cli(['data', 'cache', '--clear', '--cache', root])).lines).toEqual([`nothing to remove in ${root}`]);
  });

  it('usage errors exit 2 with one line, before removing anything', async () => {
    const root = tempDir('kws-cache-');
    fakeSet(root, 'synth-0-flite', 'sheila', 10);
    for (const [argv, message] of [
      [['--list', '--clear'], 'give one of --list or --clear'],
      [['--keep', 'synth-0-flite'], '--keep works with --clear'],
      [['--clear', '--keep', 'synth-9'], `--keep synth-9: no cached set of that name in ${root} (sets: synth-0-flite)`],
    ] as const) {
      const r = await cli(['data', 'cache', ...argv, '--cache', root]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.errLines[0]).toBe(`kws-cli: ${message}`);
    }
    expect(existsSync(join(root, 'synth-0-flite', 'synth.json'))).toBe(true);
  });

  it('data synth --help says how much disk a set takes and how to clear the cache', async () => {
    const r = await cli(['data', 'synth', '--help']);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/about 405 MB with the default 100 training speakers and about 600 MB with --speakers 200.*kws-cli data cache --clear/);
  });
});
