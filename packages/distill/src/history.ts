/**
 * A run's history.jsonl: one JSON line per finished epoch. The trainer rewrites it whole as part
 * of each epoch's commit, so a torn line can only come from an older writer or a hand edit; a
 * torn LAST line (no newline after it, not valid JSON: a write cut short) is dropped rather than
 * blocking resume and `report`. Any other bad line is an error naming the file and line.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { EpochRecord } from './trainer.js';

/**
 * The rows of a run's history.jsonl ([] if there is none yet).
 * @example readHistoryFile('runs/exp1/history.jsonl').map((r) => r.auFaFr)
 */
export function readHistoryFile(path: string): EpochRecord[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const rows: EpochRecord[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const torn = i === lines.length - 1; // the last piece has no newline after it
    try {
      const row = JSON.parse(line) as unknown;
      if (typeof row !== 'object' || row === null || !Number.isInteger((row as EpochRecord).epoch)) throw new Error('not a row');
      rows.push(row as EpochRecord);
    } catch {
      if (torn) break;
      throw new Error(`${path}: line ${i + 1} is not a valid history row (JSON with an integer 'epoch')`);
    }
  }
  return rows;
}

/** history.jsonl's bytes for `rows`. */
export function historyText(rows: readonly EpochRecord[]): string {
  return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
}
