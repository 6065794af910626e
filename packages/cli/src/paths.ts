/**
 * Output paths checked before the work that produces them: a missing folder found after a whole
 * stream or evaluation would waste it, and the raw `ENOENT` names neither the flag nor the folder.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** @example checkOutputFolder('plots/track.png', '--plot'); // Error "--plot plots/track.png: no folder .../plots" */
export function checkOutputFolder(path: string, flag: string): void {
  const folder = dirname(resolve(path));
  if (!existsSync(folder)) throw new Error(`${flag} ${path}: no folder ${folder} (create it first)`);
  if (!statSync(folder).isDirectory()) throw new Error(`${flag} ${path}: ${folder} is not a folder`);
}
