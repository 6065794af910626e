/** Test helpers: run the CLI in-process with a capturing Io; a tiny Speech Commands folder. */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { memoryIo, type Io } from '../io.js';
import { main } from '../main.js';

export const SUBSET = resolve(import.meta.dirname, '../../../../../shared/data/speech_commands_v0.01_subset');
export const HAVE_SUBSET = existsSync(SUBSET);
if (!HAVE_SUBSET) console.warn(`skipping the tests on real clips: ${SUBSET} is absent`);

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
 * A tiny Speech Commands folder copied from the real subset: per word, `perWord` clips split
 * train/val/test by position (the last two go to val and test), one noise file, and our own
 * split lists.
 */
export function tinySpeechCommands(perWord = 4): string {
  const dir = tempDir('kws-tiny-');
  const val: string[] = [];
  const test: string[] = [];
  const words = readdirSync(SUBSET, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('_'));
  for (const { name: word } of words) {
    mkdirSync(join(dir, word));
    const clips = readdirSync(join(SUBSET, word)).filter((n) => n.endsWith('.wav')).sort().slice(0, perWord);
    clips.forEach((c, i) => {
      copyFileSync(join(SUBSET, word, c), join(dir, word, c));
      if (i === clips.length - 2) val.push(`${word}/${c}`);
      if (i === clips.length - 1) test.push(`${word}/${c}`);
    });
  }
  mkdirSync(join(dir, '_background_noise_'));
  copyFileSync(join(SUBSET, '_background_noise_', 'white_noise.wav'), join(dir, '_background_noise_', 'white_noise.wav'));
  writeFileSync(join(dir, 'validation_list.txt'), val.join('\n') + '\n');
  writeFileSync(join(dir, 'testing_list.txt'), test.join('\n') + '\n');
  return dir;
}
