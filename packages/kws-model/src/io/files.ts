/**
 * File I/O at the edge, shared by WAV and safetensors: reads whose error names the path, and
 * atomic writes (the bytes go to a temporary file in the same folder, which is then renamed over
 * the target, so a reader never sees half a checkpoint or half a WAV, and a failure leaves the old
 * file, if any, in place).
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** @example writeFileAtomic('runs/a/best.safetensors', bytes); */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    // fsync before the rename: otherwise a crash can publish the name before the bytes.
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`${path}: cannot write (${(err as Error).message})`);
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
