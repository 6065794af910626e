/**
 * `kws-cli serve`: a page that spots the keyword from the microphone, with the same engine.
 *
 * The server is node:http on 127.0.0.1 by default. Routes: `/` the page, `/app.js` the bundled
 * script (web-bundle.ts), `/model.safetensors` the --checkpoint's bytes (404 without one: the
 * page then asks for a dropped file), `/gpu.js` gpu.js's browser build (404 when not installed).
 * It runs until Ctrl-C (exit code 130), or until `signal` aborts (tests).
 *
 * What it refuses, and why: a request target that is not a URL gets 400 (it threw, and the server
 * died); a Host header that does not name this server (the address it listens on, localhost,
 * 127.0.0.1 or [::1], with its port) gets 421, so that a page whose domain was re-pointed at
 * 127.0.0.1 (DNS rebinding) cannot read the page's model. Every answer carries nosniff,
 * X-Frame-Options DENY and a Content-Security-Policy that allows what the page does: its own
 * script and gpu.js, the microphone's AudioWorklet (from a blob: URL), WebAssembly.instantiate of
 * the wasm backend ('wasm-unsafe-eval'), and its inline <style> and style attribute.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIPv4, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { checkpointKeyword } from '../keyword.js';
import type { Io } from '../io.js';
import { loadKeywordModel } from '../keyword-model.js';
import { checkpointOf, modelFlag } from '../shipped.js';
import { bundleWeb, type WebBundle } from '../web-bundle.js';

const flags = {
  checkpoint: { type: 'string', metavar: 'FILE', help: 'the model the page loads (.safetensors, F32 or F16); without it or --model, drop one on the page' },
  model: modelFlag,
  port: { type: 'int', range: 'non-negative', default: 8080, metavar: 'N', help: 'TCP port (0: any free one; the URL printed says which)' },
  host: { type: 'string', default: '127.0.0.1', help: 'address to listen on (127.0.0.1: this machine only; the microphone needs localhost or https)' },
} as const;

type Routes = Record<string, { type: string; body: string | Uint8Array } | undefined>;

function routes(web: WebBundle, model: Uint8Array | undefined): Routes {
  return {
    '/': { type: 'text/html; charset=utf-8', body: web.html },
    '/index.html': { type: 'text/html; charset=utf-8', body: web.html },
    '/app.js': { type: 'text/javascript; charset=utf-8', body: web.js },
    '/model.safetensors': model && { type: 'application/octet-stream', body: model },
    '/gpu.js': web.gpujs === undefined ? undefined : { type: 'text/javascript; charset=utf-8', body: web.gpujs },
  };
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'self'; script-src 'self' blob: 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/** Whether `host` (a --host value) is reachable from this machine only: 127.0.0.0/8, ::1, localhost. */
export function loopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return h === 'localhost' || h === '::1' || (isIPv4(h) && h.startsWith('127.'));
}

/** The Host values that name a server listening on `host`:`port` (a wildcard host: every local address). */
function hostNames(host: string, port: number): Set<string> {
  const wildcard = host === '0.0.0.0' || host === '::';
  const local = [host, ...(wildcard ? Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address)) : [])];
  const names = ['localhost', '127.0.0.1', '::1', ...local].map((h) => (h.includes(':') ? `[${h.replace(/^\[|\]$/g, '')}]` : h).toLowerCase());
  const ports = port === 80 ? ['', ':80'] : [`:${port}`];
  return new Set(names.flatMap((n) => ports.map((p) => n + p)));
}

/** The request's path, and the status that refuses it (400: its target is no URL; 421: not addressed to this server), 0 if none. */
function refusal(req: IncomingMessage, names: ReadonlySet<string>): { status: number; path: string } {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://base.invalid');
  } catch {
    return { status: 400, path: '' };
  }
  const absolute = url.host !== 'base.invalid'; // absolute-form: GET http://host/path
  const named = (h: string | undefined): boolean => h !== undefined && names.has(h.toLowerCase());
  return { status: named(req.headers.host) && (!absolute || named(url.host)) ? 0 : 421, path: url.pathname };
}

function answer(res: ServerResponse, status: number, type: string, body?: string | Uint8Array): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

/** Listen; resolves to the server once it accepts connections. */
export function listen(table: Routes, port: number, host: string): Promise<Server> {
  let names = new Set<string>();
  const server = createServer((req, res) => {
    const { status, path } = refusal(req, names);
    if (status !== 0) {
      answer(res, status, 'text/plain', status === 400 ? 'bad request\n' : 'not this server: wrong Host header\n');
      return;
    }
    const r = req.method === 'GET' || req.method === 'HEAD' ? table[path] : undefined;
    if (!r) answer(res, 404, 'text/plain', 'not found\n');
    else answer(res, 200, r.type, req.method === 'HEAD' ? undefined : r.body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      names = hostNames(host, (server.address() as AddressInfo).port);
      resolve(server);
    });
  });
}

function waitForStop(io: Io, signal: AbortSignal | undefined): Promise<number> {
  return new Promise((resolve) => {
    const off = io.onInterrupt?.(() => resolve(130));
    signal?.addEventListener('abort', () => {
      off?.();
      resolve(0);
    });
  });
}

/** The serve command; `signal` (tests) stops it as Ctrl-C does. */
export function serveCommand(signal?: AbortSignal) {
  return defineCommand({
    name: 'serve',
    summary: 'a web page that spots the keyword from the microphone, live',
    description: [
      'Serves a page (bundled from this project with esbuild) that loads the model, listens to the microphone at 16 kHz with echo cancellation, noise suppression and automatic gain off, and draws p over time with each detection listed. Open the printed URL in a browser; Ctrl-C stops the server.',
    ],
    flags,
    examples: ['npx kws-cli serve --model exp4', 'npx kws-cli serve --checkpoint runs/teacher-synth/best.safetensors', 'npx kws-cli serve --port 0'],
    async run(args, io, path) {
      const f = args.flags;
      if (f.port > 65535) throw new UsageError(`--port must be 0-65535, got '${f.port}'`, path);
      let bytes: Uint8Array | undefined;
      if (f.checkpoint !== undefined || f.model !== undefined) {
        const file = checkpointOf(f.checkpoint, f.model, path, ' (or neither: drop a file on the page)');
        const { info } = loadKeywordModel(file, io); // a broken checkpoint fails here, not in the page
        bytes = readFileSync(file);
        io.err(`model: ${file} (${info.dtype}), keyword '${checkpointKeyword(info)}'`);
      }
      if (!loopbackHost(f.host)) io.err(`warning: --host ${f.host} serves the page and the model to other machines; 127.0.0.1 keeps them on this one`);
      const web = await bundleWeb();
      const server = await listen(routes(web, bytes), f.port, f.host);
      const { port } = server.address() as AddressInfo;
      const host = f.host.includes(':') ? `[${f.host}]` : f.host;
      io.out(`serving http://${host}:${port}/`);
      io.err('Ctrl-C stops the server.');
      try {
        return await waitForStop(io, signal);
      } finally {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    },
  });
}

export const serve = serveCommand();
