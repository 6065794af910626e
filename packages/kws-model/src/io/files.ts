/**
 * File I/O at the edge, shared by WAV, safetensors and the trainer's epoch saves: reads whose
 * error names the path, durable writes (every byte, fsynced, its size checked), and atomic writes
 * (the bytes go to a temporary file in the same folder, which is then renamed over the target,
 * so a reader never sees half a checkpoint or half a WAV, and a failure leaves the old file, if
 * any, in place).
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Write `bytes` to a new file at `path` and fsync it; `name` (default `path`) is the file named
 * in the error. writeSync may write fewer bytes than asked (a file size limit: Node ignores
 * SIGXFSZ, so the kernel returns a short count; a full disk; a signal), so it is called until
 * every byte is written, and the size on disk is checked after the fsync: a save that reports
 * success is whole.
 * @example writeFileSynced('runs/a/last.safetensors.tmp', bytes);
 */
export function writeFileSynced(path: string, bytes: Uint8Array, name = path): void {
  let done = 0;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'w');
    while (done < bytes.length) {
      const n = writeSync(fd, bytes, done, bytes.length - done);
      if (n <= 0) throw new Error('the write made no progress');
      done += n;
    }
    fsyncSync(fd);
    const size = fstatSync(fd).size;
    if (size !== bytes.length) throw new Error(`${size} bytes on disk`);
  } catch (err) {
    const left = done < bytes.length ? `; ${done} of ${bytes.length} bytes written` : '';
    throw new Error(`${name}: cannot write (${(err as Error).message}${left})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** @example writeFileAtomic('runs/a/best.safetensors', bytes); */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    // Synced before the rename: otherwise a crash can publish the name before the bytes.
    writeFileSynced(tmp, typeof bytes === 'string' ? Buffer.from(bytes) : bytes, path);
    try {
      renameSync(tmp, path);
    } catch (err) {
      throw new Error(`${path}: cannot write (${(err as Error).message})`);
    }
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** @example const bytes = readFileBytes('teacher.safetensors'); // Error "teacher.safetensors: cannot read (no such file)" */
export function readFileBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${path}: cannot read (${code === 'ENOENT' ? 'no such file' : String(code)})`);
  }
}
