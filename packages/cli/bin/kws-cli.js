#!/usr/bin/env node
// Committed shim: npm links this bin at install time, before dist/ exists; it loads the built CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('kws-cli: the packages are not built yet; run `npm install` (or `npm run build`) first.\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
