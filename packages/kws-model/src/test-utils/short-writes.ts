/**
 * A `writeSync` that writes as the kernel does under a file size limit (`ulimit -f`): at most
 * `chunk` bytes a call, and no byte past `limit` of a file; a write that can place none fails
 * with EFBIG. A test swaps it in for node:fs's with vi.mock (files.test.ts shows how) and turns it
 * on with `shortWrites.set`; off, it is the real writeSync.
 */
import type * as fs from 'node:fs';

interface Limits {
  /** Most bytes one call writes. */
  chunk?: number;
  /** Most bytes a file may hold (the file size limit). */
  limit?: number;
}

let limits: Limits = {};

export const shortWrites = {
  set(l: Limits): void {
    limits = l;
  },
  reset(): void {
    limits = {};
  },
};

/** `real.writeSync` under the current limits (buffer writes; strings pass through). */
export function shortWriteSync(real: typeof fs): typeof fs.writeSync {
  return ((fd: number, data: NodeJS.ArrayBufferView | string, offset?: number, length?: number) => {
    if (typeof data === 'string' || (limits.chunk === undefined && limits.limit === undefined)) {
      return (real.writeSync as (...a: unknown[]) => number)(fd, data, offset, length);
    }
    const from = offset ?? 0;
    const asked = length ?? data.byteLength - from;
    const room = (limits.limit ?? Infinity) - real.fstatSync(fd).size;
    const n = Math.min(asked, limits.chunk ?? Infinity, room);
    if (n <= 0 && asked > 0) throw Object.assign(new Error('EFBIG: file too large, write'), { code: 'EFBIG', syscall: 'write' });
    return real.writeSync(fd, data, from, n);
  }) as typeof fs.writeSync;
}
