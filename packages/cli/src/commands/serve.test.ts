import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { CRNN, saveModel, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { shippedPath } from '../shipped.js';
import { tempDir } from '../test-utils/run.js';
import { loopbackHost, serveCommand } from './serve.js';

/** Run `serve --port 0 ...argv`, call `body` with its URL, then stop it as Ctrl-C would. */
async function serving(argv: string[], body: (url: string) => Promise<void>): Promise<number> {
  const stop = new AbortController();
  const io = memoryIo();
  const done = serveCommand(stop.signal).run(['--port', '0', ...argv], io);
  for (let i = 0; i < 400 && io.stdout.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  const url = /http:\S+/.exec(io.stdout[0] ?? '')?.[0];
  try {
    expect(url, io.stderr.join('\n')).toBeDefined();
    await body(url ?? '');
  } finally {
    stop.abort();
  }
  return done;
}

/** Send `head` (a request line and headers) over a raw socket to 127.0.0.1:port; the response's status line and headers. */
function raw(port: number, head: string): Promise<{ status: number; headers: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer to ${JSON.stringify(head)}`)));
    socket.on('connect', () => socket.write(`${head}\r\nConnection: close\r\n\r\n`));
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), headers: text.split('\r\n\r\n')[0].toLowerCase() }));
  });
}

describe('kws-cli serve', () => {
  it('answers a malformed request target with 400 and keeps serving; refuses a Host it is not', async () => {
    await serving([], async (url) => {
      const port = Number(new URL(url).port);
      const host = `Host: 127.0.0.1:${port}`;
      for (const target of ['http://[', 'http://x:99999/', 'http://%zz/']) {
        expect((await raw(port, `GET ${target} HTTP/1.1\r\n${host}`)).status, target).toBe(400);
      }
      const ok = await raw(port, `GET / HTTP/1.1\r\n${host}`);
      expect(ok.status).toBe(200);
      expect(ok.headers).toContain('x-content-type-options: nosniff');
      expect(ok.headers).toContain('x-frame-options: deny');
      expect(ok.headers).toMatch(/content-security-policy: .*script-src 'self' blob: 'wasm-unsafe-eval'/);
      for (const good of [`localhost:${port}`, `[::1]:${port}`]) expect((await raw(port, `GET / HTTP/1.1\r\nHost: ${good}`)).status, good).toBe(200);
      // DNS rebinding: a page of attacker.example, its name now resolving to 127.0.0.1, reads the model.
      for (const bad of [`attacker.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `localhost.:${port}`]) {
        expect((await raw(port, `GET /model.safetensors HTTP/1.1\r\nHost: ${bad}`)).status, bad).toBe(421);
      }
      expect((await raw(port, `GET http://attacker.example:${port}/ HTTP/1.1\r\n${host}`)).status).toBe(421);
      expect((await fetch(url)).status).toBe(200);
    });
  });

  it('knows which --host values reach this machine only (others get a warning)', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(loopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) expect(loopbackHost(h), h).toBe(false);
  });

  it('serves the page, a bundle with no Node import left, and the checkpoint bytes', async () => {
    const ckpt = join(tempDir('kws-serve-'), 'm.safetensors');
    saveModel(ckpt, new CRNN(STUDENT_EXP1, new Rng(0)));
    const code = await serving(['--checkpoint', ckpt], async (url) => {
      const html = await fetch(url);
      expect(html.headers.get('content-type')).toMatch(/text\/html/);
      expect(await html.text()).toContain('src="/app.js"');
      const js = await (await fetch(`${url}app.js`)).text();
      expect(js).toContain('StreamingKws');
      // Each package bundled once, from its dist: a second copy of @kws/autograd (its src, through
      // the root tsconfig's paths) kept the page's withBackend from reaching the model's ops.
      const from: Record<string, string[]> = {};
      for (const [, pkg, where] of js.matchAll(/^\/\/ packages\/([\w-]+)\/(dist|src)\//gm)) from[pkg] = [...new Set([...(from[pkg] ?? []), where])];
      expect(from).toEqual({ tensor: ['dist'], autograd: ['dist'], 'kws-model': ['dist'] });
      expect(js).not.toMatch(/(from|import|require\()\s*["']node:/);
      // The page's CSP has no 'unsafe-eval': nothing in the bundle may compile JavaScript from a string.
      // (`eval() {`, Module's method, is no call.)
      expect(js).not.toMatch(/(?<![.\w])Function\(|(?<![.\w])eval\((?!\)\s*\{)/);
      const model = new Uint8Array(await (await fetch(`${url}model.safetensors`)).arrayBuffer());
      expect(model).toEqual(new Uint8Array(readFileSync(ckpt)));
      expect((await fetch(`${url}nothing`)).status).toBe(404);
    });
    expect(code).toBe(0);
  });

  it('--model NAME serves the shipped checkpoint', async () => {
    await serving(['--model', 'exp4'], async (url) => {
      const model = new Uint8Array(await (await fetch(`${url}model.safetensors`)).arrayBuffer());
      expect(model).toEqual(new Uint8Array(readFileSync(shippedPath('exp4'))));
    });
  });

  it('without --checkpoint there is no model to fetch (the page asks for a dropped file)', async () => {
    await serving([], async (url) => {
      expect((await fetch(`${url}model.safetensors`)).status).toBe(404);
    });
  });
});
