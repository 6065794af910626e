/**
 * `kws-cli data download`: the official Speech Commands v0.01 archive (about 1.4 GB), fetched,
 * checked against its Content-Length and extracted atomically; or a local archive (`--archive`,
 * or a `file:` URL), which is also how it is tested offline.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { int, shown } from '../format.js';
import type { Io } from '../io.js';
import { countFiles, download, extractArchive } from '../download.js';

export const OFFICIAL_URL = 'http://download.tensorflow.org/data/speech_commands_v0.01.tar.gz';

const flags = {
  out: { type: 'string', metavar: 'DIR', default: 'data/speech_commands_v0.01', help: 'where the data set goes (must be absent or empty)' },
  url: { type: 'string', metavar: 'URL', default: OFFICIAL_URL, help: 'the archive to fetch (http, https or file:)' },
  archive: { type: 'string', metavar: 'FILE', help: 'extract this local .tar.gz instead of downloading' },
  keepArchive: { type: 'boolean', help: 'keep the downloaded .tar.gz beside the data set' },
} as const;

/** True when `out` can receive the data: absent or empty. Refuses a non-empty folder. */
function checkTarget(io: Io, out: string): boolean {
  if (!existsSync(out) || readdirSync(out).length === 0) return true;
  if (existsSync(resolve(out, 'validation_list.txt'))) {
    io.out(`${shown(out)} already holds a data set (validation_list.txt); nothing to do. Remove it to download again.`);
    return false;
  }
  throw new Error(`${shown(out)} exists and is not empty; choose another --out or remove it`);
}

/** The local archive to extract: --archive, a file: URL, or a fresh download next to `out`. */
async function obtain(io: Io, url: string, archive: string | undefined, out: string, signal: AbortSignal): Promise<{ file: string; temporary: boolean }> {
  if (archive !== undefined) return { file: resolve(archive), temporary: false };
  if (url.startsWith('file:')) return { file: fileURLToPath(url), temporary: false };
  if (!/^https?:\/\//.test(url)) return { file: resolve(url), temporary: false };
  const file = `${out}.download-${process.pid}.tar.gz`;
  io.err(`downloading ${url}`);
  await download(io, url, file, signal);
  return { file, temporary: true };
}

export const dataDownload = defineCommand({
  name: 'download',
  summary: 'download and extract the Speech Commands v0.01 data set',
  description: [
    'The archive is streamed to a file next to --out, checked against the size the server announced, then extracted with zlib and tar into a temporary folder that is renamed to --out only when complete: an interrupted run never leaves a half data set.',
  ],
  flags,
  examples: ['npx kws-cli data download', 'npx kws-cli data download --archive ~/speech_commands_v0.01.tar.gz --out data/speech_commands_v0.01'],
  async run(args, io, path) {
    const f = args.flags;
    if (f.archive !== undefined && args.given.has('url')) throw new UsageError('give --archive or --url, not both', path);
    const out = resolve(f.out);
    if (!checkTarget(io, out)) return 0;
    mkdirSync(dirname(out), { recursive: true });
    const abort = new AbortController();
    const off = io.onInterrupt?.(() => abort.abort());
    let temp: string | undefined;
    try {
      const { file, temporary } = await obtain(io, f.url, f.archive, out, abort.signal);
      if (temporary && !f.keepArchive) temp = file;
      await extractArchive(io, file, out, abort.signal);
    } catch (err) {
      if (!abort.signal.aborted) throw err;
      io.err('interrupted; partial files removed');
      return 130;
    } finally {
      off?.();
      if (temp !== undefined) rmSync(temp, { force: true });
    }
    io.out(`extracted ${int(countFiles(out))} files into ${shown(out)}`);
    io.out(`train on it: npx kws-cli train --data ${shown(out)}`);
    return 0;
  },
});
