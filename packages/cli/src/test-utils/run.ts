/** Test helpers: run the CLI in-process with a capturing Io; the committed real-clip fixture. */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { memoryIo, type Io } from '../io.js';
import { main } from '../main.js';

/** The committed real-clip fixture (CC BY 4.0; see its README): a Speech Commands folder in miniature. */
export const SUBSET = resolve(import.meta.dirname, '../../../../fixtures/speech-commands-mini');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  lines: string[];
  errLines: string[];
}

/** Run `kws-cli ...argv` in-process. */
export async function cli(argv: string[], opts: { isTTY?: boolean; io?: Partial<Io> } = {}): Promise<RunResult> {
  const io = memoryIo({ isTTY: opts.isTTY });
  const code = await main(argv, { ...io, ...opts.io });
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n'), lines: io.stdout, errLines: io.stderr };
}

export function tempDir(prefix = 'kws-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A private copy of the committed real-clip fixture (14 Speech Commands clips of 7 words, 4
 * "sheila"; 7 train, 3 val, 4 test by its official lists; one 3 s noise file), for commands that
 * may write next to their data.
 */
export function tinySpeechCommands(): string {
  const dir = tempDir('kws-tiny-');
  cpSync(SUBSET, dir, { recursive: true });
  return dir;
}
