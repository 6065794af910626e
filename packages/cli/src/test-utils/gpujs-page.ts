/**
 * Browser entry of gpujs-webgl2.browser.test.ts (bundled with esbuild, run in headless Chromium):
 * the tensor conformance cases (one list, @kws/tensor's test-utils/conformance.ts) on gpu.js in
 * mode 'webgl2', autograd's gpu.js parity case (a tiny CRNN's SGD steps), and the teacher's
 * forward pass on the same backend. The page loads gpu.js's
 * browser build first (a classic script that sets `window.GPU`); this module exposes
 * `window.kwsGpuJs` for the test to call. Nothing here asserts: it measures and reports, and the
 * test in Node judges (each case throws on a value out of its tolerance; the error is reported).
 */
import { withBackend } from '@kws/autograd';
import { modelFromBytes, scoreClips } from '@kws/kws-model';
import { createGpuJsBackend, type DType, type GpuJsBackend } from '@kws/tensor';
import { train } from '../../../autograd/src/test-utils/gpujs-parity.js';
import { CONFORMANCE_CASES, DTYPES, type Tolerances } from '../../../tensor/src/test-utils/conformance.js';

export interface CaseResult { title: string; dtype: DType; worst: number; ms: number; error?: string }
export interface GpuJsReport { mode: string; webgl2Supported: boolean; renderer: string; kernelModes: Record<string, number> }
export interface ConformanceReport extends GpuJsReport { cases: CaseResult[] }
export interface TeacherReport extends GpuJsReport { p: number[]; ms: number }
export interface ParityReport extends GpuJsReport { losses: number[]; grads: number[][] }

interface GpuGlobal { isWebGL2Supported?: boolean }
const win = globalThis as unknown as { GPU?: GpuGlobal; kwsGpuJs?: unknown; document: { createElement(t: 'canvas'): { getContext(k: 'webgl2'): WebGl2 | null } } };
interface WebGl2 { getParameter(p: number): unknown; getExtension(name: string): unknown }

/** What WebGL2 renders with (SwiftShader here): WEBGL_debug_renderer_info's UNMASKED_RENDERER_WEBGL. */
function renderer(): string {
  const gl = win.document.createElement('canvas').getContext('webgl2');
  if (!gl) return 'no WebGL2 context';
  return gl.getExtension('WEBGL_debug_renderer_info') ? String(gl.getParameter(0x9246)) : String(gl.getParameter(0x1f01));
}

let backend: Promise<GpuJsBackend> | undefined;
function webgl2(): Promise<GpuJsBackend> {
  backend ??= createGpuJsBackend({ mode: 'webgl2', importer: () => Promise.resolve({ GPU: win.GPU }) });
  return backend;
}

function report(be: GpuJsBackend): GpuJsReport {
  return { mode: be.mode, webgl2Supported: win.GPU?.isWebGL2Supported === true, renderer: renderer(), kernelModes: be.kernelModes() };
}

/** Every conformance case in both dtypes on gpu.js's WebGL2, with `tol` (stated by the test). */
async function conformance(tol: Tolerances): Promise<ConformanceReport> {
  const be = await webgl2();
  const cases: CaseResult[] = [];
  for (const dtype of DTYPES) {
    for (const c of CONFORMANCE_CASES) {
      const t0 = performance.now();
      try {
        const worst = c.run(be, dtype, tol);
        cases.push({ title: c.title, dtype, worst, ms: performance.now() - t0 });
      } catch (e) {
        cases.push({ title: c.title, dtype, worst: NaN, ms: performance.now() - t0, error: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  return { ...report(be), cases };
}

/** p(keyword) of 1 s clips by the model at `url`, on gpu.js's WebGL2 (the scoring loop of `kws-cli eval`). */
async function teacher(url: string, clips: number[][]): Promise<TeacherReport> {
  const be = await webgl2();
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const { model } = modelFromBytes(new Uint8Array(await res.arrayBuffer()), url);
  const t0 = performance.now();
  const p = withBackend(be, () => scoreClips(model, clips.map((c) => Float32Array.from(c))));
  return { ...report(be), p: Array.from(p), ms: performance.now() - t0 };
}

/** autograd's parity case: `steps` SGD steps of the tiny CRNN on gpu.js's WebGL2 (losses, last gradients). */
async function parity(steps: number, lr: number): Promise<ParityReport> {
  const be = await webgl2();
  const run = train(be, steps, lr);
  return { ...report(be), losses: run.losses, grads: run.grads.map((g) => Array.from(g.data)) };
}

win.kwsGpuJs = { conformance, parity, teacher };
