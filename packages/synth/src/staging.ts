/**
 * Writing a data set atomically: into `<outDir>.partial-<pid>-<n>`, renamed into place only when
 * complete; partial folders of dead processes are swept; a folder that is not one of ours (it
 * holds no manifest) is never replaced.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Refuses to replace a non-empty folder that is not one of our data sets (it may be the user's). */
function assertReplaceable(outDir: string, manifest: string): void {
  if (!existsSync(outDir)) return;
  const entries = readdirSync(outDir);
  if (entries.length > 0 && !entries.includes(manifest)) {
    throw new Error(`${outDir} exists and holds no ${manifest}: not a synthetic data set, refusing to replace it`);
  }
}

/** True if process `pid` still runs (signal 0 only checks; EPERM means it exists). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `<outDir>.partial-<pid>-<n>` folders whose process has died (an interrupted run). */
function sweepPartials(outDir: string): void {
  const parent = dirname(outDir);
  const prefix = `${basename(outDir)}.partial-`;
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    const pid = Number(name.startsWith(prefix) ? name.slice(prefix.length).split('-')[0] : NaN);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

/** Moves the finished `tmp` to `outDir`, replacing an old data set only once the new one exists. */
function commit(tmp: string, outDir: string): void {
  if (!existsSync(outDir)) return renameSync(tmp, outDir);
  const old = `${tmp}.old`;
  renameSync(outDir, old);
  renameSync(tmp, outDir);
  rmSync(old, { recursive: true, force: true });
}

/** Counts generations started by this process, to name concurrent partial folders apart. */
let started = 0;

/**
 * Runs `build` on a fresh temporary folder and moves the result to `outDir`; on failure the
 * temporary folder is removed and `outDir` is left as it was.
 *
 * @example
 * const manifest = await replaceAtomically('data/synth', 'synth.json', (tmp) => build(tmp));
 */
export async function replaceAtomically<T>(outDir: string, manifest: string, build: (tmp: string) => Promise<T>): Promise<T> {
  assertReplaceable(outDir, manifest);
  sweepPartials(outDir);
  const tmp = `${outDir}.partial-${process.pid}-${++started}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const out = await build(tmp);
    commit(tmp, outDir);
    return out;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
