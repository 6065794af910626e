/**
 * `kws-cli serve`: a page that spots the keyword from the microphone, with the same engine.
 *
 * The server is node:http on 127.0.0.1 by default. Routes: `/` the page, `/app.js` the bundled
 * script (web-bundle.ts), `/model.safetensors` the --checkpoint's bytes (404 without one: the
 * page then asks for a dropped file), `/gpu.js` gpu.js's browser build (404 when not installed).
 * It runs until Ctrl-C (exit code 130), or until `signal` aborts (tests).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadModel } from '@kws/kws-model';
import { defineCommand } from '../command.js';
import type { Io } from '../io.js';
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

/** Listen; resolves to the server once it accepts connections. */
export function listen(table: Routes, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const r = req.method === 'GET' || req.method === 'HEAD' ? table[path] : undefined;
    if (!r) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': r.type, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : r.body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
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
      let bytes: Uint8Array | undefined;
      if (f.checkpoint !== undefined || f.model !== undefined) {
        const file = checkpointOf(f.checkpoint, f.model, path, ' (or neither: drop a file on the page)');
        const { info } = loadModel(file); // a broken checkpoint fails here, not in the page
        bytes = readFileSync(file);
        io.err(`model: ${file} (${info.dtype})`);
      }
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
