/**
 * Output paths checked before the work that produces them: a missing folder found after a whole
 * stream or evaluation would waste it, and the raw `ENOENT` names neither the flag nor the folder.
 */
import { appendFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** @example checkOutputFolder('plots/track.png', '--plot'); // Error "--plot plots/track.png: no folder .../plots" */
export function checkOutputFolder(path: string, flag: string): void {
  const folder = dirname(resolve(path));
  if (!existsSync(folder)) throw new Error(`${flag} ${path}: no folder ${folder} (create it first)`);
  if (!statSync(folder).isDirectory()) throw new Error(`${flag} ${path}: ${folder} is not a folder`);
}

/**
 * Creates `dir` and its missing parents, one level at a time. Why not mkdirSync's `recursive`: on
 * a folder such as /proc, where mkdir fails with ENOENT under a parent that exists, Node's
 * recursive mkdir retries for ever (`train --out /proc/x` spun); each level here fails once,
 * naming the folder.
 * @example makeFolder('runs/teacher-synth');
 */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (existsSync(at) && !statSync(at).isDirectory()) throw new Error(`${dir}: cannot create the folder (${at} is not a folder)`);
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(level).isDirectory()) continue; // made meanwhile
      throw new Error(`${dir}: cannot create the folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
}

/**
 * Write (or, with `append`, add to) an output file, naming it when the write fails: Node's
 * ENOSPC and EIO say "no space left on device, write" and name no file.
 * @example writeOutput('scores.jsonl', text); // Error "scores.jsonl: cannot write (ENOSPC: no space left on device, write)"
 */
export function writeOutput(path: string, data: string | Uint8Array, append = false): void {
  try {
    if (append) appendFileSync(path, data);
    else writeFileSync(path, data);
  } catch (err) {
    throw new Error(`${path}: cannot write (${(err as Error).message})`);
  }
}
