/**
 * gpu.js on a real GPU API: the tensor conformance suite (the same case list as
 * packages/tensor/src/conformance.test.ts), autograd's gpu.js parity case (the same tiny CRNN
 * training steps as packages/autograd/src/gpujs-parity.test.ts) and one forward pass of the
 * shipped teacher, in headless Chromium's WebGL2 (SwiftShader: WebGL2 with float render
 * targets, no GPU needed).
 * In Node gpu.js runs only its 'cpu' and 'webasm' modes; here its GL backend compiles every
 * kernel to GLSL ES 3.0 and reads float32 textures back.
 *
 * One page bundle (test-utils/gpujs-page.ts) for the whole file. Every case is judged against
 * the float64 naive references with the rule of conformance.ts, |got - want| <= tol ·
 * max(|want|, scale), and WEBGL2 below states tol and why.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadClip, loadModel, scoreClips } from '@kws/kws-model';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '@kws/tensor';
import { parityErrors, train } from '../../autograd/src/test-utils/gpujs-parity.js';
import { CONFORMANCE_CASES, type Tolerances } from '../../tensor/src/test-utils/conformance.js';
import { listen } from './commands/serve.js';
import { shippedPath } from './shipped.js';
import { launchChromium } from './test-utils/browser.js';
import type { ConformanceReport, ParityReport, TeacherReport } from './test-utils/gpujs-page.js';
import { SUBSET } from './test-utils/run.js';
import { bundleScript, gpujsBrowserBuild } from './web-bundle.js';

/**
 * float32 tolerances on WebGL2 (GLSL ES 3.0 highp, SwiftShader here), with the worst errors
 * measured by this test (it prints them):
 * - TOL 1e-6 relative: exact ops (neg, relu, square, mul, add/sub against |a| + |b|, compares,
 *   where, im2col, gathers) round once to float32 (2^-24 ≈ 6e-8; seen up to 6e-8), as on the
 *   cpu backend. GLSL does not promise correctly rounded exp, log, pow, sqrt or division (ES 3.0
 *   allows 3 ULP for exp2/log2, pow as exp2(y·log2 x), 2.5 ULP for division), but what
 *   SwiftShader gives stays inside 1e-6: exp 3.2e-7, pow 3.0e-7, log 1.4e-7, sqrt and div 6e-8.
 * - OP_TOL tanh 2e-5 relative: GLSL's tanh behaves as (e^2x - 1)/(e^2x + 1), whose absolute
 *   error of a few float32 ULPs of 1 is a large relative error where tanh(x) ≈ x is small
 *   (inputs in [-3, 3]: seen 6.4e-6 relative).
 * - ACC_TOL 1e-5 of Σ|terms|: sums, matmul and col2im accumulate in float32, error up to
 *   n·2^-24·Σ|terms| for n terms (up to 120 here), as the other float32 backends (seen 1.8e-7).
 * float64 runs through gpu.js's delegated cpu kernels (gpu.js computes in float32 only): 1e-12.
 */
const WEBGL2: Tolerances = {
  TOL: { float32: 1e-6, float64: 1e-12 },
  ACC_TOL: { float32: 1e-5, float64: 1e-12 },
  OP_TOL: { tanh: 2e-5 },
};

/**
 * autograd's parity rule (test-utils/gpujs-parity.ts): |Δloss| <= tol · max(1, |loss|) and
 * max|Δgrad| <= tol · max|grad| per parameter; 1e-5 as for gpu.js's webasm mode in Node (float32
 * accumulation against the cpu backend's doubles).
 */
const PARITY_TOL = 1e-5;

/**
 * |p_webgl2 - p_cpu| for the teacher's keyword probability: float32 throughout on both sides,
 * the GPU summing in another order (conv via im2col and matmul, the GRU's matmuls, softmax);
 * seen 9e-8 on the shipped teacher, bound 1e-5 so a replaced model is judged by the same rule.
 */
const TEACHER_TOL = 1e-5;

const CLIPS = ['sheila/a8cb6dda_nohash_0.wav', 'sheila/af130f12_nohash_3.wav', 'yes/439c84f4_nohash_1.wav', 'marvin/6a27a9bf_nohash_0.wav', 'no/37e8db82_nohash_1.wav', 'down/563aa4e6_nohash_2.wav'];

const src = (pkg: string): string => fileURLToPath(new URL(`../../${pkg}/src/index.ts`, import.meta.url));
const HTML = '<!doctype html><meta charset="utf-8"><title>gpu.js WebGL2</title><script src="/gpu.js"></script><script type="module" src="/app.js"></script>';

let browser: BrowserContext;
let page: Page;
let close: () => Promise<void>;

beforeAll(async () => {
  const gpujs = gpujsBrowserBuild();
  if (gpujs === undefined) throw new Error('gpu.js is not installed (npm install gpu.js --workspace @kws/tensor): this test needs its browser build');
  // The packages' sources, as vitest resolves them: a change is tested without a rebuild.
  const alias = Object.fromEntries(['tensor', 'autograd', 'kws-model'].map((p) => [`@kws/${p}`, src(p)]));
  const { js } = await bundleScript(fileURLToPath(new URL('./test-utils/gpujs-page.ts', import.meta.url)), alias);
  const teacher = readFileSync(shippedPath('teacher'));
  const server = await listen({
    '/': { type: 'text/html; charset=utf-8', body: HTML },
    '/app.js': { type: 'text/javascript; charset=utf-8', body: js },
    '/gpu.js': { type: 'text/javascript; charset=utf-8', body: gpujs },
    '/teacher.safetensors': { type: 'application/octet-stream', body: teacher },
  }, 0, '127.0.0.1');
  const { port } = server.address() as { port: number };
  close = () => new Promise((r) => server.close(() => r()));
  browser = await launchChromium();
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => 'kwsGpuJs' in globalThis, undefined, { timeout: 20_000 }).catch(() => {
    throw new Error(`the page did not start: ${errors.join('; ') || 'no error reported'}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await close?.();
});

/** gpu.js really ran on WebGL2: the mode it reports, and every compiled kernel on a WebGL2 context (no silent CPU fallback). */
function expectWebGl2(r: ConformanceReport | ParityReport | TeacherReport): void {
  expect(r.webgl2Supported).toBe(true);
  expect(r.mode).toBe('gpu'); // gpu.js's GL kernel classes report 'gpu'; its fallback reports 'cpu'
  expect(Object.keys(r.kernelModes)).toEqual(['webgl2']);
  expect(r.kernelModes.webgl2).toBeGreaterThan(0);
}

describe('gpu.js in headless Chromium, mode webgl2', () => {
  it('passes the tensor conformance suite (every case, float32 and float64) within the stated tolerances', async () => {
    const t0 = Date.now();
    const r = await page.evaluate((tol) => (globalThis as unknown as { kwsGpuJs: { conformance(t: Tolerances): Promise<ConformanceReport> } }).kwsGpuJs.conformance(tol), WEBGL2);
    console.log(`WebGL2 renderer: ${r.renderer}; ${r.cases.length} cases in ${Date.now() - t0} ms; kernels: ${JSON.stringify(r.kernelModes)}`);
    for (const c of r.cases.filter((x) => x.dtype === 'float32')) console.log(`  float32 ${c.title}: worst ${c.worst.toExponential(2)} (${c.ms.toFixed(0)} ms)${c.error ? ` FAILED: ${c.error}` : ''}`);
    expectWebGl2(r);
    expect(r.cases.filter((c) => c.error !== undefined).map((c) => `${c.dtype} ${c.title}: ${c.error}`)).toEqual([]);
    expect(r.cases).toHaveLength(2 * CONFORMANCE_CASES.length); // every case, in float32 and float64
  });

  it(`trains autograd's tiny CRNN like the cpu backend in Node (losses and gradients to ${PARITY_TOL}, relative)`, async () => {
    const want = train(cpuBackend, 3, 0.5);
    const r = await page.evaluate(() => (globalThis as unknown as { kwsGpuJs: { parity(s: number, lr: number): Promise<ParityReport> } }).kwsGpuJs.parity(3, 0.5));
    expectWebGl2(r);
    expect(r.grads).toHaveLength(want.grads.length);
    const err = parityErrors(r, want);
    console.log(`parity: losses ${r.losses.map((l) => l.toFixed(5)).join(' ')}; worst loss error ${Math.max(...err.losses).toExponential(2)}, worst gradient error ${Math.max(...err.grads).toExponential(2)}`);
    err.losses.forEach((e, s) => expect(e, `loss at step ${s}`).toBeLessThanOrEqual(PARITY_TOL));
    err.grads.forEach((e, i) => expect(e, `gradient ${i}`).toBeLessThanOrEqual(PARITY_TOL));
  });

  it(`the shipped teacher's p on fixture clips equals the cpu backend's in Node (|dp| < ${TEACHER_TOL})`, async () => {
    const clips = CLIPS.map((f) => loadClip(join(SUBSET, f)));
    const want = scoreClips(loadModel(shippedPath('teacher')).model, clips);
    const r = await page.evaluate(([c]) => (globalThis as unknown as { kwsGpuJs: { teacher(u: string, c: number[][]): Promise<TeacherReport> } }).kwsGpuJs.teacher('/teacher.safetensors', c), [clips.map((c) => Array.from(c))] as const);
    expectWebGl2(r);
    const dp = r.p.map((p, i) => Math.abs(p - want[i]));
    console.log(`teacher on ${CLIPS.length} clips in WebGL2 (${r.ms.toFixed(0)} ms): p ${r.p.map((p) => p.toFixed(4)).join(' ')}; cpu ${Array.from(want, (p) => p.toFixed(4)).join(' ')}; max |dp| ${Math.max(...dp).toExponential(2)}`);
    expect(r.p).toHaveLength(CLIPS.length);
    for (const d of dp) expect(d).toBeLessThan(TEACHER_TOL);
  });
});
