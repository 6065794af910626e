/** Reading a JSON file written by a run, with one clear error line when it is missing or broken. */
import { existsSync, readFileSync } from 'node:fs';

/** @example readJsonFile<{ data: { root: string } }>('runs/reproduce/teacher-s0/config.json') */
export function readJsonFile<T>(path: string): T {
  if (!existsSync(path)) throw new Error(`${path}: missing`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    throw new Error(`${path}: not valid JSON`);
  }
}
