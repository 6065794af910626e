/**
 * One run at a time in a run folder. Two processes training into one folder would interleave
 * their commits and each would resume from the other's epoch, so `train` and `distill` (and
 * through them `train --ensemble` and `reproduce`) hold `<folder>/.lock` while they run: created
 * with 'wx' (it fails when the file exists), holding the owner's pid and host, and removed when
 * the run ends, whether it finishes, fails or stops at Ctrl-C; a `process.exit` removes it too.
 * A lock left by a process that is gone (killed, or a second Ctrl-C) is taken over with a note;
 * one whose process is alive, or is on another host where it cannot be checked, is refused.
 */
import { existsSync, linkSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { shown } from './format.js';
import { makeFolder } from './paths.js';
import type { Io } from './io.js';

export const LOCK = '.lock';

interface Owner {
  pid: number;
  host: string;
}

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

/** Whether process `pid` of this host runs (EPERM: it does, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return code(err) !== 'ESRCH';
  }
}

function readOwner(path: string): Owner | undefined {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<Owner>;
    return Number.isInteger(o.pid) && (o.pid as number) > 0 && typeof o.host === 'string' ? (o as Owner) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Take a stale lock away: renamed aside first, so that of two runs taking it over at once only
 * one gets it; a lock that another run made meanwhile is put back. False: it was not the same lock.
 */
function takeOver(path: string, seen: string): boolean {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if (code(err) === 'ENOENT') return false;
    throw err;
  }
  const same = readFileSync(aside, 'utf8') === seen;
  if (!same) {
    try {
      linkSync(aside, path);
    } catch {
      // A third run holds the folder now; it is refused below either way.
    }
  }
  rmSync(aside, { force: true });
  return same;
}

/** Create the lock, taking over a stale one; throws one line naming the folder and the owner's pid. */
function acquire(io: Io, dir: string, mine: string): void {
  const path = join(dir, LOCK);
  for (let tries = 0; tries < 3; tries++) {
    try {
      writeFileSync(path, mine, { flag: 'wx' });
      return;
    } catch (err) {
      if (code(err) !== 'EEXIST') throw new Error(`${shown(path)}: cannot create the run folder's lock (${(err as Error).message})`);
    }
    let seen = '';
    try {
      seen = readFileSync(path, 'utf8');
    } catch {
      continue; // removed meanwhile: try again
    }
    const owner = readOwner(path);
    if (owner === undefined) throw new Error(`${shown(path)} is not a lock this program wrote; if no run is using ${shown(dir)}, delete it and try again`);
    const here = owner.host === hostname();
    if (!here || alive(owner.pid)) {
      const where = here ? '' : ` on host ${owner.host}, which this one cannot check`;
      throw new Error(`${shown(dir)} is in use by another run (pid ${owner.pid}${where}); wait for it to end, or use another --out (${shown(path)} is its lock)`);
    }
    if (takeOver(path, seen)) io.err(`note: took over the lock of ${shown(dir)}: its run (pid ${owner.pid}) is no longer running`);
  }
  throw new Error(`${shown(dir)}: cannot take its lock: other runs keep changing it`);
}

/**
 * Run `fn` holding the lock of run folder `dir` (created if missing, and removed again if `fn`
 * left it empty).
 * @example return withRunLock(io, dir, () => train(dir));
 */
export async function withRunLock<T>(io: Io, dir: string, fn: () => Promise<T>): Promise<T> {
  const made = !existsSync(dir);
  makeFolder(dir);
  const mine = `${JSON.stringify({ pid: process.pid, host: hostname() })}\n`;
  acquire(io, dir, mine);
  const release = (): void => {
    process.removeListener('exit', release);
    const path = join(dir, LOCK);
    if (existsSync(path) && readFileSync(path, 'utf8') === mine) rmSync(path, { force: true });
    if (made && readdirSync(dir).length === 0) rmdirSync(dir);
  };
  process.on('exit', release);
  try {
    return await fn();
  } finally {
    release();
  }
}
