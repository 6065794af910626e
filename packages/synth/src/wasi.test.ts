import { afterEach, describe, expect, it } from 'vitest';
import { importWasi, withoutWasiNotice } from './wasi.js';

const NOTICE = 'WASI is an experimental feature and might change at any time';
const loadList = (): string[] => (process as unknown as { moduleLoadList: string[] }).moduleLoadList;

/** The warnings process emits while `fn` runs (they arrive on the next tick). */
async function warningsDuring(fn: () => Promise<unknown>): Promise<Error[]> {
  const seen: Error[] = [];
  const listener = (w: Error): void => void seen.push(w);
  process.on('warning', listener);
  try {
    await fn();
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

describe("node:wasi's ExperimentalWarning", () => {
  const original: unknown = Reflect.get(process, 'emitWarning');
  afterEach(() => expect(Reflect.get(process, 'emitWarning')).toBe(original)); // always restored

  it('is not emitted when Flite imports node:wasi (the first load in this process)', async () => {
    expect(loadList()).not.toContain('NativeModule wasi'); // else Node would not warn anyway
    let WASI: unknown;
    const seen = await warningsDuring(async () => {
      WASI = await importWasi();
    });
    expect(loadList()).toContain('NativeModule wasi');
    expect(typeof WASI).toBe('function');
    expect(seen.map((w) => w.message)).not.toContain(NOTICE);
  });

  it('only that warning is dropped: other experimental warnings and other WASI warnings pass', async () => {
    const seen = await warningsDuring(() =>
      withoutWasiNotice(() => {
        process.emitWarning(NOTICE, 'ExperimentalWarning');
        process.emitWarning(NOTICE, { type: 'ExperimentalWarning' });
        process.emitWarning('Fetch is an experimental feature', 'ExperimentalWarning');
        process.emitWarning(NOTICE, 'DeprecationWarning');
        return Promise.resolve();
      }),
    );
    expect(seen.map((w) => `${w.name}: ${w.message}`)).toEqual(['ExperimentalWarning: Fetch is an experimental feature', `DeprecationWarning: ${NOTICE}`]);
    const after = await warningsDuring(() => Promise.resolve(process.emitWarning(NOTICE, 'ExperimentalWarning')));
    expect(after).toHaveLength(1); // outside the import nothing is filtered
  });

  it('restores process.emitWarning when the import fails', async () => {
    await expect(withoutWasiNotice(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});
