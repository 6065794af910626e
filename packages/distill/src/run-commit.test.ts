/**
 * An epoch save against short writes (writeSync as the kernel does it under `ulimit -f`; see
 * kws-model's test-utils/short-writes.ts): every byte is written however the writes are split,
 * and a file the limit cuts short fails the save, naming the file, before the commit, so that the
 * previous commit stays whole.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { shortWrites } from '../../kws-model/src/test-utils/short-writes.js';
import { commitEpoch, recoverRun } from './run-commit.js';

vi.mock('node:fs', async (actual) => {
  const real = await actual<typeof fs>();
  const { shortWriteSync } = await import('../../kws-model/src/test-utils/short-writes.js');
  return { ...real, writeSync: shortWriteSync(real) };
});

const tmp = (): string => mkdtempSync(join(tmpdir(), 'kws-commit-'));
const save = (fill: number): Map<string, Uint8Array> =>
  new Map([
    ['last.safetensors', new Uint8Array(3000).fill(fill)],
    ['last.optim.safetensors', new Uint8Array(9000).fill(fill)],
  ]);

afterEach(() => shortWrites.reset());

describe('commitEpoch and short writes', () => {
  it('writes every byte when each write takes only part of them', () => {
    const dir = tmp();
    shortWrites.set({ chunk: 1000 });
    commitEpoch(dir, save(1), { epoch: 1, best: 0.5 });
    shortWrites.reset();
    expect(recoverRun(dir).epoch).toBe(1);
    expect(new Uint8Array(readFileSync(join(dir, 'last.optim.safetensors')))).toEqual(save(1).get('last.optim.safetensors'));
  });

  it('a file cut short by a size limit fails the save, naming it; the previous commit is kept', () => {
    const dir = tmp();
    commitEpoch(dir, save(1), { epoch: 1, best: 0.5 });
    shortWrites.set({ limit: 4096 });
    const optim = join(dir, 'last.optim.safetensors');
    expect(() => commitEpoch(dir, save(2), { epoch: 2, best: 0.25 })).toThrow(new RegExp(`^${optim}.tmp: cannot write \\(EFBIG: file too large, write; 4096 of 9000 bytes written\\)$`));
    shortWrites.reset();
    expect(recoverRun(dir)).toMatchObject({ epoch: 1, best: 0.5 });
    expect(new Uint8Array(readFileSync(optim))).toEqual(save(1).get('last.optim.safetensors'));
  });
});

describe('readManifest', () => {
  it("refuses a commit.json naming a file outside the folder, or not naming last.safetensors (\"files\": {} checked nothing)", () => {
    const dir = tmp();
    commitEpoch(dir, save(1), { epoch: 1, best: 0.5 });
    const path = join(dir, 'commit.json');
    const good = JSON.parse(readFileSync(path, 'utf8')) as { files: Record<string, string> };
    const hash = good.files['last.safetensors'];
    const edit = (files: Record<string, string>): void => writeFileSync(path, JSON.stringify({ ...good, files }));
    for (const name of ['../../x', 'sub/last.safetensors', '..', 'a\\b']) {
      edit({ ...good.files, [name]: hash });
      expect(() => recoverRun(dir), name).toThrow(`${path}: names the file '${name}', which is not in the run folder; the run folder is damaged and cannot be resumed`);
    }
    edit({});
    expect(() => recoverRun(dir)).toThrow(`${path}: does not name last.safetensors, which every save writes; the run folder is damaged and cannot be resumed`);
    edit(good.files);
    expect(recoverRun(dir).epoch).toBe(1);
  });
});
