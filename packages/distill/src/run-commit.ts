/**
 * An epoch's save as one commit, so that a kill at any point leaves a run folder that resumes
 * exactly or refuses. The protocol (a small write-ahead journal):
 *   1. every file of the save goes to `<name>.tmp`, fsynced;
 *   2. `commit.json` (the epoch, the best au_fa_fr, and the SHA-256 of every file) goes to
 *      `commit.json.tmp`, fsynced, then renamed over `commit.json`: this rename is the commit;
 *   3. each `<name>.tmp` is renamed over `<name>`.
 * A kill before step 2's rename leaves the previous commit and its files untouched (the `.tmp`
 * files are orphans, removed on resume); a kill during step 3 is finished on resume, which
 * renames every `.tmp` whose hash the manifest names. A file that matches neither is refused.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileSynced } from '@kws/kws-model';

/** The file operations of a save: injectable, so that a test can kill the save at each one. */
export interface RunFs {
  /**
   * Write every byte to a new file and fsync it (it must be on disk before a rename publishes
   * it); a short write must throw, or the commit would name a truncated file.
   */
  write(path: string, bytes: Uint8Array): void;
  rename(from: string, to: string): void;
  remove(path: string): void;
  /** fsync a folder, making the renames in it durable. */
  syncDir(dir: string): void;
}

export const NODE_FS: RunFs = {
  write: (path, bytes) => writeFileSynced(path, bytes),
  rename: (from, to) => renameSync(from, to),
  remove: (path) => rmSync(path, { force: true }),
  syncDir(dir) {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
};

export const MANIFEST = 'commit.json';

export interface Manifest {
  format: 'kws-ts-run-commit';
  /** The last finished epoch (0: the initial weights, before any step). */
  epoch: number;
  /** The best validation au_fa_fr so far (null: none yet). */
  best: number | null;
  /** SHA-256 (hex) of every file this commit wrote. */
  files: Record<string, string>;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * Save `files` (name -> bytes) into `dir` as the commit of `epoch`.
 * @example commitEpoch(dir, new Map([['last.safetensors', bytes]]), { epoch: 3, best: 1e-3 });
 */
export function commitEpoch(dir: string, files: ReadonlyMap<string, Uint8Array>, head: { epoch: number; best: number }, fs: RunFs = NODE_FS): void {
  const hashes: Record<string, string> = {};
  for (const [name, bytes] of files) {
    fs.write(join(dir, `${name}.tmp`), bytes);
    hashes[name] = sha256(bytes);
  }
  const manifest: Manifest = { format: 'kws-ts-run-commit', epoch: head.epoch, best: Number.isFinite(head.best) ? head.best : null, files: hashes };
  fs.write(join(dir, `${MANIFEST}.tmp`), utf8(`${JSON.stringify(manifest, null, 2)}\n`));
  fs.rename(join(dir, `${MANIFEST}.tmp`), join(dir, MANIFEST));
  fs.syncDir(dir);
  for (const name of files.keys()) fs.rename(join(dir, `${name}.tmp`), join(dir, name));
  fs.syncDir(dir);
}

/** The manifest of `dir`, checked field by field (undefined when there is none). */
export function readManifest(dir: string): Manifest | undefined {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return undefined;
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new Error(`${path}: not valid JSON; the run folder is damaged and cannot be resumed`);
  }
  const o = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>;
  const bad = (field: string): Error => new Error(`${path}: field '${field}' is missing or invalid; the run folder is damaged and cannot be resumed`);
  if (o.format !== 'kws-ts-run-commit') throw bad('format');
  if (!Number.isInteger(o.epoch) || (o.epoch as number) < 0) throw bad('epoch');
  if (o.best !== null && typeof o.best !== 'number') throw bad('best');
  const files = o.files as Record<string, unknown> | undefined;
  if (typeof files !== 'object' || files === null || Object.values(files).some((h) => typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h))) throw bad('files');
  // A name is a file of this folder: '../../x' would have recovery rename and check files
  // elsewhere. Every commit (epoch 0's too) saves last.safetensors: '"files": {}' would pass
  // every integrity check while checking nothing.
  const outside = Object.keys(files).find((name) => name === '' || /[/\\]/.test(name) || name.includes('..'));
  if (outside !== undefined) throw new Error(`${path}: names the file '${outside}', which is not in the run folder; the run folder is damaged and cannot be resumed`);
  if (!('last.safetensors' in files)) throw new Error(`${path}: does not name last.safetensors, which every save writes; the run folder is damaged and cannot be resumed`);
  return o as unknown as Manifest;
}

const hashOf = (path: string): string | undefined => (existsSync(path) ? sha256(readFileSync(path)) : undefined);

/**
 * Bring `dir` to the state of its last commit: finish its renames, check every file it names
 * against its hash, and remove orphaned `.tmp` files. Throws one clear line when the folder
 * cannot be resumed.
 * @example const m = recoverRun('runs/teacher-synth'); // m.epoch: the last finished epoch
 */
export function recoverRun(dir: string, fs: RunFs = NODE_FS): Manifest {
  const m = readManifest(dir);
  if (m === undefined) {
    throw new Error(`nothing to resume in ${dir} (no ${MANIFEST}: no save of this run finished, or an older kws-ts wrote it); start the run again without --resume`);
  }
  for (const [name, hash] of Object.entries(m.files)) {
    const path = join(dir, name);
    if (hashOf(path) === hash) continue;
    if (hashOf(`${path}.tmp`) !== hash) {
      throw new Error(`${path} does not match ${MANIFEST} (epoch ${m.epoch}): the file was changed or damaged after the save; cannot resume this run`);
    }
    fs.rename(`${path}.tmp`, path);
  }
  for (const name of readdirSync(dir)) if (name.endsWith('.tmp')) fs.remove(join(dir, name));
  fs.syncDir(dir);
  return m;
}
