import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const json = <T>(file: string): T => JSON.parse(readFileSync(resolve(ROOT, file), 'utf8')) as T;

/**
 * npm 11 skips a dependency's install scripts unless package.json's allowScripts names it, and
 * ends every install with a warning listing the ones it skipped ("esbuild@0.28.2 (postinstall:
 * node install.js)"). Each locked package with an install script must be decided on here.
 */
describe('allowScripts', () => {
  it('covers every locked package that has an install script, so npm ci prints no warning about them', () => {
    const lock = json<{ packages: Record<string, { hasInstallScript?: boolean }> }>('package-lock.json');
    const allow = json<{ allowScripts?: Record<string, boolean> }>('package.json').allowScripts ?? {};
    const scripted = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript === true).map(([path]) => path.replace(/^.*node_modules\//, ''));
    expect(scripted.length).toBeGreaterThan(0); // esbuild's postinstall, which vite and kws-cli serve's bundle use
    const named = new Set(Object.keys(allow).map((k) => k.replace(/(.)@.*$/, '$1')));
    expect(scripted.filter((name) => !named.has(name))).toEqual([]);
  });
});
