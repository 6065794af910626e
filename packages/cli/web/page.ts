/**
 * The page of `kws-cli serve`: load a model (the served one or a dropped .safetensors), open the
 * microphone (audio.ts), push each 80 ms block through StreamingKws on the chosen backend, and
 * show p over time (plot.ts), the step time and every detection.
 *
 * Backends: 'fast' is the typed-array engine (no tensor ops); 'cpu', 'wasm' and 'webgl2' run the
 * model's own modules (TensorEngine) under `withBackend`: the cpu kernels, the WebAssembly backend
 * of @kws/tensor, or gpu.js compiled to WebGL2.
 * Switching backend restarts the stream state (GRU state, feature buffer) at the current time.
 *
 * `window.kwsPage` exposes the steps, the detections and the captured samples, for the browser
 * test (and a curious user's console).
 */
import { withBackend } from '@kws/autograd';
import { describeOperatingPoint, EventDetector, modelFromBytes, operatingPointOf, StreamingKws, type CRNN, type DetectionEvent, type StreamOutput } from '@kws/kws-model';
import { cpuBackend, createGpuJsBackend, createWasmBackend, wasmSimdSupported, type Backend } from '@kws/tensor';
import { openMic, RATE, type Mic } from './audio.js';
import { drawPlot } from './plot.js';

type BackendName = 'fast' | 'cpu' | 'wasm' | 'webgl2';
/** Samples kept for the test hook: at most 60 s, so a long session does not grow without end. */
const KEEP_SAMPLES = 60 * RATE;

interface PageState {
  model?: CRNN;
  modelName: string;
  backendName: BackendName;
  backend?: Backend;
  kws?: StreamingKws;
  /** Seconds of audio before the current StreamingKws started (a backend switch restarts it). */
  offset: number;
  heard: number;
  det: EventDetector;
  mic?: Mic;
  steps: StreamOutput[];
  events: DetectionEvent[];
  captured: Float32Array[];
  capturedSamples: number;
  stepMs: number[];
  /** The moving average and refractory time of the detection rule (the checkpoint's operating point, else 1 and 1 s). */
  smoothSteps: number;
  refractorySec: number;
  error?: string;
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const state: PageState = { modelName: '', backendName: 'fast', offset: 0, heard: 0, det: new EventDetector(), steps: [], events: [], captured: [], capturedSamples: 0, stepMs: [], smoothSteps: 1, refractorySec: 1 };
(window as unknown as { kwsPage: PageState }).kwsPage = state;

function status(text: string): void {
  $('status').textContent = text;
}

function fail(err: unknown): void {
  state.error = err instanceof Error ? err.message : String(err);
  status(`error: ${state.error}`);
}

function useModel(bytes: Uint8Array, name: string): void {
  const { model, info } = modelFromBytes(bytes, name);
  state.model = model.eval();
  state.modelName = name;
  state.kws = undefined;
  const keyword = typeof info.train?.keyword === 'string' ? info.train.keyword : 'sheila';
  const op = operatingPointOf(info.metadata, name);
  state.smoothSteps = op?.smoothSteps ?? 1;
  state.refractorySec = op?.refractorySec ?? 1;
  const box = $<HTMLInputElement>('threshold');
  box.step = op ? '0.001' : '0.05';
  box.value = op ? op.threshold.toFixed(4) : '0.5';
  const rule = op
    ? `threshold ${box.value}: the checkpoint's operating point, ${describeOperatingPoint(op)}`
    : 'threshold 0.5: a fixed default (this checkpoint carries no operating point; p above it fires)';
  status(`model: ${name} (${info.dtype}, ${model.config.hidden} hidden), listens for '${keyword}'; ${rule}; ready`);
  $<HTMLButtonElement>('start').disabled = false;
}

/**
 * gpu.js's browser build is a classic script that sets window.GPU; the server has it at /gpu.js.
 * (Chrome already has a `GPU` global, WebGPU's interface, so its presence says nothing: load once.)
 */
let gpuJsScript: Promise<void> | undefined;
async function gpuJsGlobal(): Promise<unknown> {
  gpuJsScript ??= new Promise<void>((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/gpu.js';
    s.onload = () => resolve();
    s.onerror = () => reject(new Error('gpu.js is not installed on the server (npm install gpu.js --workspace @kws/tensor)'));
    document.head.append(s);
  });
  await gpuJsScript;
  return { GPU: (window as unknown as { GPU?: unknown }).GPU };
}

async function selectBackend(name: BackendName): Promise<void> {
  state.backendName = name;
  if (name === 'fast' || name === 'cpu') state.backend = cpuBackend;
  else if (name === 'wasm') {
    state.backend = await createWasmBackend();
    status(`WebAssembly backend ready (SIMD ${wasmSimdSupported() ? 'on' : 'off'})`);
  } else {
    const be = await createGpuJsBackend({ mode: 'webgl2', importer: gpuJsGlobal });
    state.backend = be;
    // gpu.js names every GL kernel class's mode 'gpu'; a fallback would say 'cpu' or 'webasm'.
    const gl2 = (window as unknown as { GPU: { isWebGL2Supported?: boolean } }).GPU.isWebGL2Supported === true;
    status(`gpu.js runs in mode '${be.mode}' (asked for webgl2; WebGL2 ${gl2 ? 'supported' : 'NOT supported'})`);
  }
  state.kws = undefined; // the next block starts a new stream on this backend
  state.stepMs = [];
}

function streamFor(model: CRNN): StreamingKws {
  state.offset = state.heard / RATE;
  return new StreamingKws(model, { engine: state.backendName === 'fast' ? 'fast' : 'tensor' });
}

function addEvent(e: DetectionEvent): void {
  state.events.push(e);
  const li = document.createElement('li');
  li.dataset.time = String(e.time);
  li.dataset.p = String(e.p);
  li.textContent = `${e.time.toFixed(2)} s  p=${e.p.toFixed(3)}`;
  $('detections').append(li);
}

function keep(x: Float32Array): void {
  if (state.capturedSamples >= KEEP_SAMPLES) return;
  state.captured.push(x);
  state.capturedSamples += x.length;
}

function onBlock(x: Float32Array): void {
  const model = state.model;
  if (!model) return;
  keep(x);
  state.kws ??= streamFor(model);
  const kws = state.kws;
  const t0 = performance.now();
  const outs = state.backendName === 'fast' ? kws.push(x) : withBackend(state.backend ?? cpuBackend, () => kws.push(x));
  if (outs.length > 0) state.stepMs.push((performance.now() - t0) / outs.length);
  state.heard += x.length;
  for (const o of outs) {
    const step = { time: o.time + state.offset, p: o.p };
    state.steps.push(step);
    const e = state.det.push(step);
    if (e) addEvent(e);
  }
  let sq = 0;
  for (const v of x) sq += v * v;
  $('level').textContent = `${(10 * Math.log10(sq / x.length + 1e-12)).toFixed(0)} dBFS`;
  const recent = state.stepMs.slice(-25);
  if (recent.length > 0) $('steptime').textContent = `${(recent.reduce((a, b) => a + b, 0) / recent.length).toFixed(2)} ms (${state.backendName})`;
  drawPlot($<HTMLCanvasElement>('plot'), state.steps, state.events, threshold());
}

function detector(): EventDetector {
  return new EventDetector({ threshold: threshold(), smoothSteps: state.smoothSteps, refractorySec: state.refractorySec });
}

function threshold(): number {
  const v = Number($<HTMLInputElement>('threshold').value);
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0.5;
}

async function start(): Promise<void> {
  const button = $<HTMLButtonElement>('start');
  if (state.mic) {
    await state.mic.stop();
    state.mic = undefined;
    button.textContent = 'Start microphone';
    status(`stopped; model: ${state.modelName}`);
    return;
  }
  state.det = detector();
  state.mic = await openMic(onBlock);
  button.textContent = 'Stop';
  status(`listening at ${state.mic.context.sampleRate} Hz; model: ${state.modelName}`);
}

async function loadServed(): Promise<void> {
  const res = await fetch('/model.safetensors');
  if (!res.ok) {
    status('no model served: drop a .safetensors file below');
    return;
  }
  useModel(new Uint8Array(await res.arrayBuffer()), 'served model');
}

async function loadFile(file: File): Promise<void> {
  useModel(new Uint8Array(await file.arrayBuffer()), file.name);
}

function wire(): void {
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) loadFile(f).catch(fail);
  });
  $<HTMLInputElement>('file').addEventListener('change', (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) loadFile(f).catch(fail);
  });
  $('start').addEventListener('click', () => void start().catch(fail));
  $<HTMLSelectElement>('backend').addEventListener('change', (e) => {
    const name = (e.target as HTMLSelectElement).value as BackendName;
    selectBackend(name).catch(fail);
  });
  $('threshold').addEventListener('change', () => {
    state.det = detector();
  });
}

wire();
loadServed().catch(fail);
