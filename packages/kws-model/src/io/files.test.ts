/**
 * Short writes. `writeSync` may write fewer bytes than asked: a file size limit (`ulimit -f`;
 * Node ignores SIGXFSZ, so the kernel returns a short count and the next write fails with EFBIG),
 * a full disk, or a signal. node:fs's writeSync is replaced here by one that behaves like the
 * kernel under such a limit, so the real write paths run against it.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from './files.js';
import { shortWrites } from '../test-utils/short-writes.js';

vi.mock('node:fs', async (actual) => {
  const real = await actual<typeof fs>();
  const { shortWriteSync } = await import('../test-utils/short-writes.js');
  return { ...real, writeSync: shortWriteSync(real) };
});

const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) & 255);
const tmp = (): string => mkdtempSync(join(tmpdir(), 'kws-files-'));

afterEach(() => shortWrites.reset());

describe('writeFileAtomic and short writes', () => {
  it('writes every byte when each write takes only part of them', () => {
    const path = join(tmp(), 'a.bin');
    shortWrites.set({ chunk: 999 });
    writeFileAtomic(path, bytes);
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
  });

  it('fails naming the file at a size limit, and leaves the previous file and no temporary', () => {
    const dir = tmp();
    const path = join(dir, 'a.bin');
    writeFileAtomic(path, 'old\n');
    shortWrites.set({ limit: 4096 });
    expect(() => writeFileAtomic(path, bytes)).toThrow(new RegExp(`^${path}: cannot write \\(EFBIG: file too large, write; 4096 of 10000 bytes written\\)$`));
    expect(readFileSync(path, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['a.bin']);
  });
});
