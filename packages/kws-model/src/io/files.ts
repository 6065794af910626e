/**
 * File I/O at the edge, shared by WAV, safetensors and the trainer's epoch saves: reads whose
 * error names the path, durable writes (every byte, fsynced, its size checked), and atomic writes
 * (the bytes go to a temporary file in the same folder, which is then renamed over the target,
 * so a reader never sees half a checkpoint or half a WAV, and a failure leaves the old file, if
 * any, in place).
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
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

/** The reason of a failed read, in words: 'no such file', else the error code (EACCES, EIO...). */
export function readProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : String(code ?? (err as Error).message);
}

/** What a path that is not a regular file is, in words; undefined for a regular file. */
function kindOf(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
}

/**
 * The size of the regular file at `path` (symlinks followed); anything else is refused before it
 * is opened: opening a FIFO blocks until a writer comes, and /dev/zero never ends (reading it
 * grew the process to 4.3 GB).
 * @example regularFileSize('/dev/zero'); // Error "/dev/zero: cannot read (a device, not a file)"
 */
export function regularFileSize(path: string): number {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    throw new Error(`${path}: cannot read (${readProblem(err)})`);
  }
  const kind = kindOf(st);
  if (kind !== undefined) throw new Error(`${path}: cannot read (${kind}, not a file)`);
  return st.size;
}

/** The first `length` bytes of the regular file at `path` (fewer if it is shorter). */
export function readFilePrefix(path: string, length: number): Uint8Array {
  const n = Math.min(length, regularFileSize(path));
  const buf = new Uint8Array(n);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    let got = 0;
    for (let r = -1; got < n && r !== 0; got += r) r = readSync(fd, buf, got, n - got, got);
    return buf.subarray(0, got);
  } catch (err) {
    throw new Error(`${path}: cannot read (${readProblem(err)})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** @example const bytes = readFileBytes('teacher.safetensors'); // Error "teacher.safetensors: cannot read (no such file)" */
export function readFileBytes(path: string): Uint8Array {
  regularFileSize(path);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`${path}: cannot read (${readProblem(err)})`);
  }
}
