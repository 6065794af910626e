/**
 * `node:wasi` without its one ExperimentalWarning. Node 20 prints "WASI is an experimental
 * feature and might change at any time" when the module loads, once per thread, so a synthetic
 * set's generation printed it three times (the main thread and each worker). The filter is scoped
 * to the import and passes every other warning through: only that exact warning is dropped.
 */

/** Whether `warning` (process.emitWarning's arguments) is node:wasi's experimental notice. */
function isWasiNotice(warning: string | Error, typeOrOptions: unknown): boolean {
  const message = typeof warning === 'string' ? warning : warning.message;
  const type = typeof warning !== 'string' ? warning.name : typeof typeOrOptions === 'string' ? typeOrOptions : (typeOrOptions as { type?: unknown } | undefined)?.type;
  return type === 'ExperimentalWarning' && message.startsWith('WASI is an experimental feature');
}

/** Run `load` with node:wasi's experimental notice dropped; process.emitWarning is restored after. */
export async function withoutWasiNotice<T>(load: () => Promise<T>): Promise<T> {
  const saved: unknown = Reflect.get(process, 'emitWarning');
  const emit = process.emitWarning.bind(process) as (...a: unknown[]) => void;
  const filtered = (warning: string | Error, ...rest: unknown[]): void => {
    if (!isWasiNotice(warning, rest[0])) emit(warning, ...rest);
  };
  Reflect.set(process, 'emitWarning', filtered);
  try {
    return await load();
  } finally {
    Reflect.set(process, 'emitWarning', saved);
  }
}

/** `node:wasi`'s WASI class, imported without the experimental notice. */
export async function importWasi(): Promise<typeof import('node:wasi').WASI> {
  return (await withoutWasiNotice(() => import('node:wasi'))).WASI;
}
