/**
 * The word a checkpoint spots. train and distill store it in the checkpoint's `train` metadata
 * (`train.keyword`), so that stream, serve, eval, calibrate, info and report name and score the
 * word the model was trained on, not the default. Checkpoints without it (older kws-ts ones,
 * PyTorch state_dicts) are taken to spot 'sheila', the course's keyword.
 */
import { UsageError } from './errors.js';

/** The keyword of checkpoints that do not record one. */
export const DEFAULT_KEYWORD = 'sheila';

/** Whether the checkpoint's metadata names its keyword (false: older and PyTorch checkpoints). */
export function recordsKeyword(info: { train?: Record<string, unknown> }): boolean {
  return typeof info.train?.keyword === 'string' && info.train.keyword !== '';
}

/** @example checkpointKeyword(loadModel(file).info) // 'computer', or 'sheila' when not recorded */
export function checkpointKeyword(info: { train?: Record<string, unknown> }): string {
  return recordsKeyword(info) ? (info.train?.keyword as string) : DEFAULT_KEYWORD;
}

/** The `--force-keyword` flag of the commands that score a checkpoint against a word folder. */
export const forceKeywordFlag = {
  type: 'boolean',
  help: "score against --keyword even where the checkpoint records another keyword (e.g. to see how a 'sheila' model does on 'marvin')",
} as const;

/** The `--keyword` flag of those commands: no default, the checkpoint decides. */
export const scoredKeywordFlag = {
  type: 'string',
  metavar: 'WORD',
  defaultText: `the checkpoint's keyword (its train.keyword metadata; '${DEFAULT_KEYWORD}' when it has none)`,
  help: 'the word folder whose clips are label 1; one other than the keyword the checkpoint records needs --force-keyword',
} as const;

/**
 * The word to score `checkpoint` against: the checkpoint's, or `--keyword` where it agrees, where
 * the checkpoint records none (as before keywords were recorded), or with `--force-keyword`. A
 * --keyword that disagrees with a recorded one is a usage error: it would score the model against
 * clips of a word it was never taught.
 */
export function scoredKeyword(info: { train?: Record<string, unknown> }, f: { keyword?: string; forceKeyword?: boolean }, checkpoint: string, path: string): string {
  const own = checkpointKeyword(info);
  if (f.keyword === undefined) return own;
  if (f.keyword === own || f.forceKeyword === true || !recordsKeyword(info)) return f.keyword;
  throw new UsageError(`--keyword ${f.keyword}: ${checkpoint} was trained on '${own}'; drop --keyword, or add --force-keyword to score it against '${f.keyword}' anyway`, path);
}
