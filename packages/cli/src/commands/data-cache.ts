/**
 * `kws-cli data cache`: what the built-in synthetic sets hold on disk, and removing them. A set
 * of the default 100 training speakers takes about 405 MB, one of 200 about 600 MB, and every
 * keyword, seed or engine mix is a set of its own, so the cache grows by hundreds of MB a keyword.
 * Only folders directly under the cache root that hold a synth.json (a finished set) count as
 * sets; --clear removes nothing else and never follows a link out of the root.
 */
import { existsSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { readJsonFile } from '@kws/kws-model';
import { defineCommand } from '../command.js';
import { defaultCache } from '../data-source.js';
import { UsageError } from '../errors.js';
import { bytes, int, shown } from '../format.js';
import type { Io } from '../io.js';

const flags = {
  list: { type: 'boolean', help: 'list each cached set: folder, size on disk, clips, and the settings from its synth.json (the default)' },
  clear: { type: 'boolean', help: 'remove the cached sets (folders with a synth.json under the cache folder), printing each first' },
  keep: { type: 'string', metavar: 'NAME', help: 'with --clear: keep these sets (folder names, comma-separated), e.g. synth-0-flite' },
  cache: { type: 'string', metavar: 'DIR', defaultText: '<project>/.cache/kws-ts', help: 'the cache folder' },
} as const;

/** Bytes a folder takes on disk (allocated blocks; a link counts as itself, never its target). */
export function diskUsage(path: string): number {
  const st = lstatSync(path);
  const own = st.blocks * 512;
  if (!st.isDirectory()) return own;
  return readdirSync(path).reduce((sum, name) => sum + diskUsage(join(path, name)), own);
}

interface CachedSet {
  name: string;
  dir: string;
  bytes: number;
  /** What its synth.json says, or why it could not be read. */
  about: string;
}

/** The manifest's clip count and settings, in one line. */
function describeManifest(file: string): string {
  try {
    const m = readJsonFile(file, { counts: 'object', settings: 'object' }) as { counts: { clips?: unknown }; settings: Record<string, unknown> };
    const s = m.settings;
    const engines = typeof s.engines === 'object' && s.engines !== null ? Object.entries(s.engines).map(([k, v]) => `${k} ${String(v)}`).join(', ') : '?';
    const without = Array.isArray(s.without) && s.without.length > 0 ? `, without ${s.without.join(',')}` : '';
    const clips = typeof m.counts.clips === 'number' ? `${int(m.counts.clips)} clips` : '? clips';
    return `${clips}; keyword '${String(s.keyword)}', seed ${String(s.seed)}, ${String(s.speakers)} training speakers, engines ${engines}${without}`;
  } catch (err) {
    return `synth.json unreadable (${err instanceof Error ? err.message : String(err)})`;
  }
}

/** The sets directly under `root`: real folders (not links) that hold a synth.json. */
export function cachedSets(root: string): { sets: CachedSet[]; others: string[] } {
  const sets: CachedSet[] = [];
  const others: string[] = [];
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (!lstatSync(dir).isDirectory()) continue;
    if (!existsSync(join(dir, 'synth.json'))) others.push(name);
    else sets.push({ name, dir, bytes: diskUsage(dir), about: describeManifest(join(dir, 'synth.json')) });
  }
  return { sets, others };
}

function list(io: Io, root: string, sets: readonly CachedSet[], others: readonly string[]): void {
  io.out(`${shown(root)}: ${sets.length} cached set${sets.length === 1 ? '' : 's'}, ${bytes(sets.reduce((s, x) => s + x.bytes, 0))} on disk`);
  for (const s of sets) io.out(`  ${s.name}  ${bytes(s.bytes)}  ${s.about}`);
  if (others.length > 0) io.out(`  not sets (no synth.json; --clear leaves them): ${others.join(', ')}`);
}

function clear(io: Io, root: string, sets: readonly CachedSet[], keep: readonly string[], path: string): void {
  const unknown = keep.filter((k) => !sets.some((s) => s.name === k));
  if (unknown.length > 0) throw new UsageError(`--keep ${unknown.join(',')}: no cached set of that name in ${shown(root)} (sets: ${sets.map((s) => s.name).join(', ') || 'none'})`, path);
  const doomed = sets.filter((s) => !keep.includes(s.name));
  if (doomed.length === 0) {
    io.out(`nothing to remove in ${shown(root)}`);
    return;
  }
  for (const s of doomed) {
    // The set is a real folder found by readdir in root; the check guards the one rm against a bad join.
    if (!resolve(s.dir).startsWith(resolve(root) + sep)) throw new Error(`${s.dir}: outside the cache folder ${root}; nothing removed`);
    io.out(`removing ${s.name} (${bytes(s.bytes)}; ${s.about})`);
    rmSync(s.dir, { recursive: true, force: true });
  }
  io.out(`removed ${doomed.length} set${doomed.length === 1 ? '' : 's'}, ${bytes(doomed.reduce((s, x) => s + x.bytes, 0))}${keep.length > 0 ? `; kept ${keep.join(', ')}` : ''}`);
}

export const dataCache = defineCommand({
  name: 'cache',
  summary: 'list or remove the cached synthetic sets (about 405 MB each)',
  description: [
    'train, distill, calibrate and data synth keep each synthetic set they make under the cache folder, one folder per setting (keyword, seed, speakers, engines): about 405 MB for the default 100 training speakers, about 600 MB for 200. --list shows them; --clear removes them, each named first. Only folders that hold a synth.json count; nothing outside the cache folder is touched.',
  ],
  flags,
  examples: ['npx kws-cli data cache --list', 'npx kws-cli data cache --clear --keep synth-0-flite'],
  run(args, io, path) {
    const f = args.flags;
    if (f.list === true && f.clear === true) throw new UsageError('give one of --list or --clear', path);
    if (f.keep !== undefined && f.clear !== true) throw new UsageError('--keep works with --clear', path);
    const root = resolve(f.cache ?? defaultCache());
    if (!existsSync(root)) {
      io.out(`${shown(root)}: no cache folder (nothing cached yet)`);
      return Promise.resolve(0);
    }
    const { sets, others } = cachedSets(root);
    if (f.clear === true) clear(io, root, sets, (f.keep ?? '').split(',').map((k) => k.trim()).filter((k) => k !== ''), path);
    else list(io, root, sets, others);
    return Promise.resolve(0);
  },
});
