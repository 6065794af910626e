/**
 * The page of `kws-cli serve`, bundled from the project's own packages with esbuild at serve time
 * (about a second; nothing is written to disk, so nothing built is committed).
 *
 * Browser-safe graph: the page imports @kws/kws-model, whose index also re-exports Node-only
 * helpers (dataset readers, atomic file writes, the worker_threads pool of @kws/tensor). The page
 * never calls them, so every `node:*` import is resolved to an empty module here: the bundle has
 * no Node import left, and `nodeStubs` lists which were cut so a test can see the set stays small.
 * Each package is bundled once (from its dist/, or from src/ where a test aliases it there).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

/** packages/cli/web: the page's TypeScript source and its HTML (next to dist/, not inside it). */
export const WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url));

export interface WebBundle {
  /** The page's script: ES module, every import inlined. */
  js: string;
  /** The page's HTML. */
  html: string;
  /** The Node built-ins the page's imports reach (each replaced by an empty module). */
  nodeStubs: string[];
  /** gpu.js's browser build (sets `window.GPU`), when gpu.js is installed. */
  gpujs?: string;
}

function stubNode(seen: Set<string>): Plugin {
  return {
    name: 'stub-node-builtins',
    setup(b) {
      b.onResolve({ filter: /^node:/ }, (a) => {
        seen.add(a.path);
        return { path: a.path, namespace: 'node-stub' };
      });
      // CommonJS with no properties: named imports from it are undefined, only ever touched by
      // code the page does not run.
      b.onLoad({ filter: /.*/, namespace: 'node-stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
}

/** gpu.js is an optional dependency of @kws/tensor: found from there, or absent. */
export function gpujsBrowserBuild(): string | undefined {
  try {
    const req = createRequire(createRequire(import.meta.url).resolve('@kws/tensor'));
    const file = req.resolve('gpu.js/dist/gpu-browser.min.js');
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Bundle one browser entry (ES module, every import inlined, `node:*` cut). `alias` maps package
 * names to files (the browser tests bundle the packages' sources, as vitest resolves them).
 * @example const { js } = await bundleScript(`${WEB_DIR}page.ts`);
 */
export async function bundleScript(entry: string, alias?: Record<string, string>): Promise<{ js: string; nodeStubs: string[] }> {
  const seen = new Set<string>();
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: false,
    logLevel: 'silent',
    alias,
    // One tsconfig for every file (the page's, which has no `paths`): left to discover its own,
    // esbuild applies the root tsconfig's `paths` (@kws/* -> packages/*/src) to the packages'
    // dist files, so the page got two copies of @kws/autograd and its `withBackend` never
    // reached the model's ops (the wasm and WebGL2 switches ran the cpu kernels).
    tsconfig: `${WEB_DIR}tsconfig.json`,
    plugins: [stubNode(seen)],
  });
  return { js: out.outputFiles[0].text, nodeStubs: [...seen].sort() };
}

/** Bundle the page. @example const { js, html } = await bundleWeb(); */
export async function bundleWeb(): Promise<WebBundle> {
  const { js, nodeStubs } = await bundleScript(`${WEB_DIR}page.ts`);
  return { js, html: readFileSync(`${WEB_DIR}index.html`, 'utf8'), nodeStubs, gpujs: gpujsBrowserBuild() };
}
