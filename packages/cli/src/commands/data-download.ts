/**
 * `kws-cli data download`: the official Speech Commands v0.01 archive (about 1.4 GB), fetched,
 * checked against its Content-Length and a pinned SHA-256, and extracted atomically; or a local archive (`--archive`,
 * or a `file:` URL), which is also how it is tested offline.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { int, shown } from '../format.js';
import type { Io } from '../io.js';
import { countFiles, download, extractArchive, sha256File } from '../download.js';

export const OFFICIAL_URL = 'http://download.tensorflow.org/data/speech_commands_v0.01.tar.gz';
/**
 * SHA-256 of the official archive, as pinned by torchaudio (torchaudio/datasets/speechcommands.py,
 * `_CHECKSUMS`, checked by torch.hub's download on every fetch); not re-measured here.
 */
export const OFFICIAL_SHA256 = '743935421bb51cccdb6bdd152e04c5c70274e935c82119ad7faeec31780d811d';

const flags = {
  out: { type: 'string', metavar: 'DIR', default: 'data/speech_commands_v0.01', help: 'where the data set goes (must be absent or empty)' },
  url: { type: 'string', metavar: 'URL', default: OFFICIAL_URL, help: 'the archive to fetch (http, https or file:)' },
  archive: { type: 'string', metavar: 'FILE', help: 'extract this local .tar.gz instead of downloading' },
  keepArchive: { type: 'boolean', help: 'keep the downloaded .tar.gz beside the data set' },
  sha256: { type: 'string', metavar: 'HEX', defaultText: 'the official archive\'s when downloading from the default --url; none for --archive or another --url', help: 'the SHA-256 the archive must have before it is extracted (a local --archive is checked only when this is given)' },
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

/** Refuse an archive whose SHA-256 is not `want` (removing it if we downloaded it). */
async function checkSha256(io: Io, file: string, want: string, temporary: boolean): Promise<void> {
  const got = await sha256File(io, file);
  if (got === want.toLowerCase()) return;
  if (temporary) rmSync(file, { force: true });
  throw new Error(`${file}: SHA-256 ${got} is not the expected ${want.toLowerCase()} (a corrupt or different archive)${temporary ? '; removed' : ''}`);
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
    'The archive is streamed to a file next to --out, checked against the size the server announced and against a SHA-256 (the official archive\'s is pinned and checked when it is downloaded from the default --url; a local --archive or another --url is checked only against a --sha256 given), then extracted with zlib and tar into a temporary folder that is renamed to --out only when complete: an interrupted run never leaves a half data set. Files keep their permission bits only (setuid, setgid and sticky bits are cleared).',
  ],
  flags,
  examples: ['npx kws-cli data download', 'npx kws-cli data download --archive ~/speech_commands_v0.01.tar.gz --out data/speech_commands_v0.01'],
  async run(args, io, path) {
    const f = args.flags;
    if (f.archive !== undefined && args.given.has('url')) throw new UsageError('give --archive or --url, not both', path);
    if (f.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(f.sha256)) throw new UsageError(`--sha256 must be 64 hex digits, got '${f.sha256}'`, path);
    const out = resolve(f.out);
    if (!checkTarget(io, out)) return 0;
    mkdirSync(dirname(out), { recursive: true });
    const abort = new AbortController();
    const off = io.onInterrupt?.(() => abort.abort());
    let temp: string | undefined;
    try {
      const { file, temporary } = await obtain(io, f.url, f.archive, out, abort.signal);
      if (temporary && !f.keepArchive) temp = file;
      const want = f.sha256 ?? (f.archive === undefined && f.url === OFFICIAL_URL ? OFFICIAL_SHA256 : undefined);
      if (want !== undefined) await checkSha256(io, file, want, temporary);
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
