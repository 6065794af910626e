/**
 * Fetching and unpacking an archive: an HTTP(S) download streamed to a file with progress and a
 * size check against Content-Length, and a .tar.gz extraction (node's zlib, then the `tar`
 * package) into a temporary folder that is renamed into place only when complete.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import { int } from './format.js';
import type { Io } from './io.js';
import { Progress } from './progress.js';

/** A pass-through stream that reports the bytes seen so far. */
function counter(onBytes: (n: number) => void): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      n += chunk.length;
      onBytes(n);
      cb(null, chunk);
    },
  });
}

function causeOf(err: unknown): string {
  const e = err as Error & { cause?: unknown };
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${e.message}${cause}`;
}

/**
 * Download `url` to `file` with a progress bar; the byte count must equal Content-Length.
 * A failure (or `signal` aborting) removes the partial file.
 */
export async function download(io: Io, url: string, file: string, signal?: AbortSignal): Promise<number> {
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (err) {
    throw new Error(`cannot download ${url} (${causeOf(err)})`);
  }
  if (!res.ok || res.body === null) throw new Error(`cannot download ${url}: HTTP ${res.status} ${res.statusText}`);
  const header = res.headers.get('content-length');
  const expected = header === null ? undefined : Number(header);
  const bar = new Progress(io, { label: 'downloading', total: expected, unit: 'bytes' });
  let got = 0;
  try {
    // Open the file before any byte can fail: if the body errored while the open was still in
    // flight, the file would appear after the cleanup below had already removed it.
    const out = createWriteStream(file);
    await once(out, 'open');
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    await pipeline(body, counter((n) => bar.update((got = n))), out, { signal });
  } catch (err) {
    rmSync(file, { force: true });
    throw new Error(`download of ${url} failed after ${int(got)} bytes (${causeOf(err)})`);
  }
  bar.done();
  if (expected !== undefined && got !== expected) {
    rmSync(file, { force: true });
    throw new Error(`download of ${url} is incomplete: ${int(got)} of ${int(expected)} bytes`);
  }
  return got;
}

/** SHA-256 (hex) of a file, streamed, with a progress bar. */
export async function sha256File(io: Io, file: string): Promise<string> {
  const hash = createHash('sha256');
  const bar = new Progress(io, { label: 'checking SHA-256', total: statSync(file).size, unit: 'bytes' });
  await pipeline(createReadStream(file), counter((n) => bar.update(n)), async (chunks: AsyncIterable<Buffer>) => {
    for await (const c of chunks) hash.update(c);
  });
  bar.done();
  return hash.digest('hex');
}

/** The folder that holds the data: `dir` itself, or its only entry when that is a folder. */
function dataRoot(dir: string): string {
  const entries = readdirSync(dir).filter((n) => !n.startsWith('.'));
  if (entries.length === 1 && statSync(join(dir, entries[0])).isDirectory()) return join(dir, entries[0]);
  return dir;
}

/** Gunzip and untar `archive` into `tmp`, with progress over the compressed bytes. */
async function unpack(io: Io, archive: string, tmp: string, signal?: AbortSignal): Promise<void> {
  const bar = new Progress(io, { label: 'extracting', total: statSync(archive).size, unit: 'bytes' });
  try {
    const tar = await import('tar'); // loaded on first use: only `data download` needs it
    // Permission bits only: tar would keep an entry's setuid, setgid and sticky bits (04000,
    // 02000, 01000), and a root extraction then leaves setuid files in a data folder.
    const permissions = (_path: string, entry: { mode?: number }): boolean => {
      if (typeof entry.mode === 'number') entry.mode &= 0o777;
      return true;
    };
    await pipeline(createReadStream(archive), counter((n) => bar.update(n)), createGunzip(), tar.x({ cwd: tmp, strict: true, filter: permissions }), { signal });
  } catch (err) {
    throw new Error(`cannot extract ${archive} (${causeOf(err)})`);
  }
  bar.done();
}

/**
 * Extract a .tar.gz into `out` atomically: into `<out>.partial-<pid>` first, renamed to `out`
 * when complete; a single top-level folder in the archive is unwrapped. Aborting via `signal`
 * (Ctrl-C) removes the partial folder.
 */
export async function extractArchive(io: Io, archive: string, out: string, signal?: AbortSignal): Promise<void> {
  if (!existsSync(archive)) throw new Error(`${archive}: no such file`);
  const tmp = `${out}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await unpack(io, archive, tmp, signal);
    if (existsSync(out)) rmdirSync(out); // only an empty folder: the caller refused anything else
    renameSync(dataRoot(tmp), out);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Files under `dir`, recursively. */
export function countFiles(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? countFiles(join(dir, e.name)) : 1), 0);
}
