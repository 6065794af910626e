/**
 * Speaker-disjoint validation/testing split, written as Speech Commands does: two text files of
 * relative paths ('word/id_nohash_k.wav'), one per line, sorted; every other clip is training.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Which list a speaker's clips go to. */
export type Split = 'training' | 'validation' | 'testing';

/**
 * The first `heldOut` speakers go to validation, the next `heldOut` to testing, the rest to
 * training (the speakers come shuffled from {@link makeSpeakers}). Keeping a speaker in one split
 * is what stops a model from scoring well by recognising voices instead of words.
 *
 * @example
 * const split = assignSplits(['a1', 'b2', 'c3'], 1); // a1 validation, b2 testing, c3 training
 */
export function assignSplits(ids: readonly string[], heldOut: number): Map<string, Split> {
  const split = new Map<string, Split>();
  ids.forEach((id, i) => split.set(id, i < heldOut ? 'validation' : i < 2 * heldOut ? 'testing' : 'training'));
  return split;
}

/**
 * Writes `validation_list.txt` and `testing_list.txt` into `dir` from (relative path, split)
 * pairs; returns the number of clips in each.
 *
 * @example
 * writeSplitLists(dir, [['sheila/0a7c2a8d_nohash_0.wav', 'validation']]);
 */
export function writeSplitLists(
  dir: string,
  clips: readonly (readonly [string, Split])[],
): { validation: number; testing: number } {
  const lists = { validation: [] as string[], testing: [] as string[] };
  for (const [path, split] of clips) if (split !== 'training') lists[split].push(path);
  for (const name of ['validation', 'testing'] as const) {
    const lines = lists[name].sort();
    writeFileSync(join(dir, `${name}_list.txt`), lines.map((l) => `${l}\n`).join(''));
  }
  return { validation: lists.validation.length, testing: lists.testing.length };
}
