import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scanSpeechCommands } from '@kws/kws-model';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from './test-utils/run.js';

/** A tiny data set in the Speech Commands layout, packed as the official archive is (entries at the top). */
async function tinyArchive(dir: string, topFolder?: string): Promise<string> {
  const src = join(dir, 'src');
  const root = topFolder ? join(src, topFolder) : src;
  for (const word of ['sheila', 'yes']) {
    mkdirSync(join(root, word), { recursive: true });
    for (let i = 0; i < 3; i++) writeFileSync(join(root, word, `0000000${i}_nohash_0.wav`), `fake wav ${word} ${i}`);
  }
  writeFileSync(join(root, 'validation_list.txt'), 'sheila/00000000_nohash_0.wav\n');
  writeFileSync(join(root, 'testing_list.txt'), 'yes/00000001_nohash_0.wav\n');
  const file = join(dir, topFolder ? 'wrapped.tar.gz' : 'tiny.tar.gz');
  await tar.c({ gzip: true, file, cwd: src }, readdirSync(src));
  return file;
}

function expectTinyDataSet(out: string): void {
  const sc = scanSpeechCommands(out);
  expect(sc.words).toEqual(['sheila', 'yes']);
  expect([sc.train.length, sc.val.length, sc.test.length]).toEqual([4, 1, 1]);
  expect(readFileSync(join(out, 'yes', '00000002_nohash_0.wav'), 'utf8')).toBe('fake wav yes 2');
  expect(readdirSync(join(out, '..')).filter((n) => n.includes('.partial-') || n.includes('.download-'))).toEqual([]);
}

describe('kws-cli data download, offline', () => {
  const dir = tempDir();
  let archive = '';
  let server: Server;
  let base = '';
  beforeAll(async () => {
    archive = await tinyArchive(dir);
    const bytes = readFileSync(archive);
    server = createServer((req, res) => {
      if (req.url === '/tiny.tar.gz') res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
      else if (req.url === '/short.tar.gz') {
        res.writeHead(200, { 'content-length': bytes.length + 100 });
        res.write(bytes);
        setTimeout(() => res.destroy(), 20);
      } else if (req.url === '/slow.tar.gz') {
        res.writeHead(200, { 'content-length': bytes.length });
        res.write(bytes.subarray(0, 10)); // then stalls until the client goes away
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('--archive extracts a local .tar.gz atomically into --out', async () => {
    const out = join(dir, 'a', 'speech_commands');
    const r = await cli(['data', 'download', '--archive', archive, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^extracted 8 files into /m);
    expect(r.stdout).toMatch(/train on it: npx kws-cli train --data /);
    expect(r.stderr).toMatch(/^extracting: /m);
    expectTinyDataSet(out);
    // Again: the data set is there, nothing to do.
    const again = await cli(['data', 'download', '--archive', archive, '--out', out]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already holds a data set/);
  });

  it('a file: URL works too, and a single top-level folder is unwrapped', async () => {
    const wrapped = await tinyArchive(join(dir, 'w'), 'speech_commands_v0.01');
    const out = join(dir, 'b');
    const r = await cli(['data', 'download', '--url', pathToFileURL(wrapped).href, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expectTinyDataSet(out);
  });

  it('downloads over HTTP with progress and the size check, then removes the archive', async () => {
    const out = join(dir, 'c', 'data');
    const r = await cli(['data', 'download', '--url', `${base}/tiny.tar.gz`, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^downloading: \d+ B in /m);
    expectTinyDataSet(out);
    expect(readdirSync(join(dir, 'c'))).toEqual(['data']);
  });

  it('Ctrl-C during a download: exit 130, partial files removed', async () => {
    const parent = join(dir, 'h');
    const onInterrupt = (handler: () => void): (() => void) => {
      const t = setTimeout(handler, 200);
      return () => clearTimeout(t);
    };
    const r = await cli(['data', 'download', '--url', `${base}/slow.tar.gz`, '--out', join(parent, 'x')], { io: { onInterrupt } });
    expect(r.code).toBe(130);
    expect(r.errLines.at(-1)).toBe('interrupted; partial files removed');
    expect(readdirSync(parent)).toEqual([]);
  });

  it('a short download, an HTTP error, a corrupt archive, a non-empty target: exit 1, nothing left behind', async () => {
    const short = await cli(['data', 'download', '--url', `${base}/short.tar.gz`, '--out', join(dir, 'd', 'x')]);
    expect(short.code).toBe(1);
    expect(short.errLines.at(-1)).toMatch(/^kws-cli: download of http:.*short\.tar\.gz (failed after|is incomplete)/);
    expect(existsSync(join(dir, 'd', 'x'))).toBe(false);
    expect(readdirSync(join(dir, 'd'))).toEqual([]);

    const missing = await cli(['data', 'download', '--url', `${base}/nope.tar.gz`, '--out', join(dir, 'e')]);
    expect(missing.errLines.at(-1)).toMatch(/^kws-cli: cannot download .*nope\.tar\.gz: HTTP 404/);
    expect(missing.code).toBe(1);

    const bad = join(dir, 'bad.tar.gz');
    writeFileSync(bad, readFileSync(archive).subarray(0, 40));
    const corrupt = await cli(['data', 'download', '--archive', bad, '--out', join(dir, 'f', 'x')]);
    expect(corrupt.code).toBe(1);
    expect(corrupt.errLines.at(-1)).toMatch(new RegExp(`^kws-cli: cannot extract ${bad} \\(`));
    expect(readdirSync(join(dir, 'f'))).toEqual([]);

    mkdirSync(join(dir, 'g'));
    writeFileSync(join(dir, 'g', 'mine.txt'), 'x');
    const full = await cli(['data', 'download', '--archive', archive, '--out', join(dir, 'g')]);
    expect(full.code).toBe(1);
    expect(full.errLines).toEqual([expect.stringMatching(/exists and is not empty; choose another --out or remove it$/)]);

    const both = await cli(['data', 'download', '--archive', archive, '--url', `${base}/tiny.tar.gz`]);
    expect(both.code).toBe(2);
  });
});
