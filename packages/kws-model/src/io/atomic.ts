/**
 * Atomic file writes: the bytes go to a temporary file in the same folder, which is then renamed
 * over the target, so a reader never sees half a checkpoint or half a WAV, and a failure leaves
 * the old file (if any) in place. The error names the target path.
 */
import { randomUUID } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** @example writeFileAtomic('runs/a/best.safetensors', bytes); */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`${path}: cannot write (${(err as Error).message})`);
  }
}
