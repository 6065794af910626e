/**
 * The gpu.js backend for tests, where gpu.js is installed. Only a missing install is skipped
 * (with a note on the console); any other failure to build the backend fails the test file.
 */
import { createGpuJsBackend, GpuJsMissingError, type GpuJsBackend, type GpuJsMode } from '../gpujs/index.js';

/** The modes tested here: 'cpu' (plain JS, bit-exact elementwise) and 'webasm' (float32 wasm). */
export const TESTED_GPUJS_MODES: readonly GpuJsMode[] = ['cpu', 'webasm'];

export async function optionalGpuJs(mode: GpuJsMode): Promise<GpuJsBackend | null> {
  try {
    return await createGpuJsBackend({ mode });
  } catch (e) {
    if (!(e instanceof GpuJsMissingError)) throw e;
    console.warn(`skipping the gpu.js backend (mode '${mode}'): ${e.message}`);
    return null;
  }
}

/** Every tested mode that loads. */
export async function gpuJsBackends(): Promise<GpuJsBackend[]> {
  const found = await Promise.all(TESTED_GPUJS_MODES.map(optionalGpuJs));
  return found.filter((b): b is GpuJsBackend => b !== null);
}
