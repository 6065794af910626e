/**
 * Two kinds of failure: a `UsageError` (the command line itself is wrong: exit 2, with a hint
 * to the command's help) and everything else (a file, the data, the model: exit 1).
 */

export class UsageError extends Error {
  /** `command` is the command path ('eval', 'data download') whose help the hint names. */
  constructor(message: string, readonly command = '') {
    super(message);
    this.name = 'UsageError';
  }
}

/** The message of anything thrown, on one line. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '').join(' ');
  return line === '' ? (err instanceof Error ? err.name : 'unknown error') : line;
}
