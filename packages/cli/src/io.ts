/**
 * The CLI's only window on the terminal and the process: output lines, progress redraws, the
 * debug switch and Ctrl-C. Commands receive an `Io`, so tests run them in-process and capture
 * everything; `processIo` is the real one.
 */

export interface Io {
  /** A result line, on stdout. */
  out(line: string): void;
  /** A diagnostic or progress line, on stderr. */
  err(line: string): void;
  /** True when progress may redraw one line in place (stderr is a terminal). */
  isTTY: boolean;
  /** Redraw the in-place status line with `text` ('' clears it); used only when isTTY. */
  status?(text: string): void;
  /** The terminal's width in columns, when known: a status line must fit in it to redraw in place. */
  columns?: number;
  /** Print stacks with errors (KWS_DEBUG=1). */
  debug?: boolean;
  /** Call `handler` on the first Ctrl-C; returns a function that removes it. */
  onInterrupt?(handler: () => void): () => void;
}

let pipeGuard = false;

/**
 * `kws-cli ... | head`: the reader leaving early is a normal end, not a crash (EPIPE). A failed
 * write marks the stream `errored` at once, but its 'error' event waits for a tick that a busy
 * loop of resolved promises (stream's steps) never gives, so `stream | head -1` went on through
 * the whole input. Hence the check before each write.
 */
function write(stream: NodeJS.WriteStream, text: string): void {
  const failed: NodeJS.ErrnoException | null = stream.errored;
  if (failed?.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  if (!pipeGuard) {
    pipeGuard = true;
    for (const s of [process.stdout, process.stderr]) {
      s.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
        process.exit(process.exitCode ?? 0);
      });
    }
  }
  stream.write(text);
}

/** The real process: stdout, stderr, KWS_DEBUG and SIGINT. */
export const processIo: Io = {
  out: (line) => write(process.stdout, `${line}\n`),
  err: (line) => write(process.stderr, `${line}\n`),
  get isTTY(): boolean {
    return process.stderr.isTTY === true;
  },
  // Cut to the terminal's width: a wrapped line could not be redrawn in place. (Progress fits
  // its line to `columns` first, dropping the least useful parts; this cut is the last guard.)
  status: (text) => write(process.stderr, `\r\x1b[2K${text.slice(0, Math.max(20, (process.stderr.columns || 80) - 1))}`),
  get columns(): number {
    return process.stderr.columns || 80;
  },
  get debug(): boolean {
    return process.env.KWS_DEBUG === '1';
  },
  onInterrupt(handler) {
    // `once`: a second Ctrl-C finds no listener and ends the process at once, as usual.
    process.once('SIGINT', handler);
    return () => void process.removeListener('SIGINT', handler);
  },
};

/** A capturing Io for tests and for embedding: every line lands in `stdout` / `stderr`. */
export function memoryIo(opts: { isTTY?: boolean; columns?: number } = {}): Io & { stdout: string[]; stderr: string[]; statuses: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const statuses: string[] = [];
  return {
    stdout,
    stderr,
    statuses,
    out: (line) => void stdout.push(line),
    err: (line) => void stderr.push(line),
    isTTY: opts.isTTY ?? false,
    columns: opts.columns,
    status: (text) => void statuses.push(text),
  };
}
