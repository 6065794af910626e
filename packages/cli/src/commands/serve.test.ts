import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CRNN, saveModel, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { shippedPath } from '../shipped.js';
import { tempDir } from '../test-utils/run.js';
import { serveCommand } from './serve.js';

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

describe('kws-cli serve', () => {
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
