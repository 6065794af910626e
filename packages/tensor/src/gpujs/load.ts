/**
 * Loading gpu.js on demand: a dynamic import with a computed specifier, so neither TypeScript
 * nor a bundler pulls gpu.js into the module graph, and a missing install is a clear error at the
 * moment someone asks for this backend rather than a crash at import time.
 */
import { GPUJS_MODES, type GpuInstance, type GpuJsMode, type GpuJsModule } from './types.js';

const SPECIFIER = 'gpu.js';

export const INSTALL_HINT =
  'gpu.js is an optional dependency of @kws/tensor and could not be loaded. Install it with ' +
  '`npm install gpu.js@^2.24.1 --workspace @kws/tensor` (its native `gl` dependency may fail to build; ' +
  "modes 'cpu' and 'webasm' need no native code).";

/** Thrown when gpu.js is not installed; callers may catch it to skip the backend. */
export class GpuJsMissingError extends Error {
  constructor(cause: unknown) {
    super(`${INSTALL_HINT} (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
    this.name = 'GpuJsMissingError';
  }
}

export type Importer = (specifier: string) => Promise<unknown>;

const nodeImport: Importer = (specifier) => import(/* @vite-ignore */ specifier);

function isNotFound(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * Import gpu.js and check that it has the API this backend needs.
 * @example const { GPU } = await loadGpuJs();
 */
export async function loadGpuJs(importer: Importer = nodeImport): Promise<GpuJsModule> {
  let mod: unknown;
  try {
    mod = await importer(SPECIFIER);
  } catch (e) {
    throw isNotFound(e) ? new GpuJsMissingError(e) : e;
  }
  // gpu.js is CommonJS: Node exposes its exports both as named exports and as `default`.
  const m = mod as { GPU?: unknown; default?: { GPU?: unknown } } | null;
  const GPU = m?.GPU ?? m?.default?.GPU;
  if (typeof GPU !== 'function') throw new Error('gpu.js was imported but exports no GPU class: an unsupported version?');
  return { GPU: GPU as GpuJsModule['GPU'] };
}

/**
 * Validate a mode that may come from outside (argv, config): a clear error, not gpu.js's.
 * @example parseGpuJsMode('webasm') // 'webasm'; parseGpuJsMode('webgpu') throws
 */
export function parseGpuJsMode(mode: string): GpuJsMode {
  const found = GPUJS_MODES.find((m) => m === mode);
  if (!found) throw new RangeError(`gpu.js mode '${mode}' is not one of ${GPUJS_MODES.join(', ')}`);
  return found;
}

/**
 * A GPU instance in `mode`, and the mode gpu.js actually runs ('gpu' resolves to a concrete one).
 * @example const { gpu, resolved } = openGpu(await loadGpuJs(), 'gpu'); // resolved: 'webasm' here
 */
export function openGpu(lib: GpuJsModule, mode: GpuJsMode): { gpu: GpuInstance; resolved: string } {
  let gpu: GpuInstance;
  try {
    gpu = new lib.GPU({ mode });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`gpu.js cannot run mode '${mode}' here (${why}); on a machine without a GPU, try 'cpu' or 'webasm'`, { cause: e });
  }
  const resolved = gpu.Kernel?.mode;
  return { gpu, resolved: typeof resolved === 'string' ? resolved : mode };
}
