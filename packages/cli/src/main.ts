/**
 * `kws-cli`: the command line of kws-ts. `main` runs one command in-process and resolves to the
 * exit code: 0 done, 1 a failure (one line `kws-cli: <message>` on stderr; the stack too with
 * KWS_DEBUG=1), 2 a wrong command line (with a hint to the help), 130 interrupted by Ctrl-C.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
import { readFileSync } from 'node:fs';
import { defineGroup } from './command.js';
import { data } from './commands/data.js';
import { distill } from './commands/distill.js';
import { evaluate } from './commands/eval.js';
import { info } from './commands/info.js';
import { report as reportCommand } from './commands/report.js';
import { reproduce } from './commands/reproduce.js';
import { serve } from './commands/serve.js';
import { stream } from './commands/stream.js';
import { train } from './commands/train.js';
import { bench } from './commands/bench.js';
import { calibrate } from './commands/calibrate.js';
import { oneLine, UsageError } from './errors.js';
import { PROGRAM, RUN } from './help.js';
import { processIo, type Io } from './io.js';

export type { Io } from './io.js';
export { memoryIo, processIo } from './io.js';

const program = defineGroup({
  name: '',
  summary: 'keyword spotting with a from-scratch TypeScript deep-learning engine',
  description: [
    "Trains and evaluates the course's CRNN keyword spotter (keyword 'sheila', Speech Commands v0.01) on the CPU, with no ML framework.",
  ],
  commands: [train, distill, reportCommand, reproduce, evaluate, info, data, calibrate, stream, serve, bench],
  footer: [
    '',
    'Start here (in a clone, run it through npx):',
    '  npx kws-cli train                   train the teacher on the built-in synthetic data',
    '  npx kws-cli data download           fetch the real Speech Commands v0.01 (1.4 GB)',
    '  npx kws-cli train --data data/speech_commands_v0.01',
    '',
    'Exit codes: 0 done, 1 failed, 2 wrong command line, 130 stopped by Ctrl-C. KWS_DEBUG=1 prints stacks.',
  ],
});

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** `help [command...]` → that command's --help. */
function rewriteHelp(argv: string[]): string[] {
  return argv[0] === 'help' ? [...argv.slice(1), '--help'] : argv;
}

function reportError(err: unknown, io: Io): number {
  if (err instanceof UsageError) {
    io.err(`${PROGRAM}: ${oneLine(err)}`);
    io.err(`Run '${[RUN, err.command, '--help'].filter((s) => s !== '').join(' ')}' for usage.`);
    return 2;
  }
  io.err(`${PROGRAM}: ${oneLine(err)}`);
  if (io.debug && err instanceof Error && err.stack) io.err(err.stack);
  return 1;
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  try {
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
      io.out(version());
      return 0;
    }
    return await program.run(rewriteHelp(argv), io);
  } catch (err) {
    return reportError(err, io);
  }
}
