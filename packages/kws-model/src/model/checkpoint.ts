/**
 * Model checkpoints: a safetensors file with PyTorch state_dict names, F32 or F16 weights, and
 * `__metadata__` holding JSON strings: `config` (the CRNNConfig), `train` (the training
 * config), `epoch`, `metrics` and, once chosen, `operatingPoint` (the detection rule). A file without metadata (e.g. saved from PyTorch with
 * `safetensors.torch.save_file(model.state_dict(), path)`) loads with the architecture read from
 * the tensor shapes and the course's stride (2, 8) unless told otherwise.
 */
import { Rng } from '@kws/tensor';
import { decodeSafetensors, encodeSafetensors, loadSafetensors } from '../checkpoint/index.js';
import { writeFileAtomic } from '../io/files.js';
import type { NamedTensor } from '../checkpoint/index.js';
import { configFromShapes, configMatchingShapes, type CRNNConfig } from './config.js';
import { CRNN } from './crnn.js';

export interface CheckpointInfo {
  config: CRNNConfig;
  /** The storage dtype of the weights. */
  dtype: string;
  epoch?: number;
  train?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
  metadata: Record<string, string>;
}

export interface SaveOptions {
  dtype?: 'F32' | 'F16';
  epoch?: number;
  train?: object;
  metrics?: object;
  /** The detection rule chosen for the model (metrics/operating-point.ts). */
  operatingPoint?: object;
}

function tensorsOf(model: CRNN): Map<string, NamedTensor> {
  const out = new Map<string, NamedTensor>();
  for (const [k, v] of model.stateDict()) out.set(k, { shape: [...v.shape], data: Float32Array.from(v.data) });
  return out;
}

function metadataOf(model: CRNN, opts: SaveOptions): Record<string, string> {
  const md: Record<string, string> = { format: 'kws-ts', config: JSON.stringify(model.config) };
  if (opts.epoch !== undefined) md.epoch = String(opts.epoch);
  if (opts.train) md.train = JSON.stringify(opts.train);
  if (opts.metrics) md.metrics = JSON.stringify(opts.metrics);
  if (opts.operatingPoint) md.operatingPoint = JSON.stringify(opts.operatingPoint);
  return md;
}

/**
 * Save a model atomically.
 * @example saveModel('runs/teacher/best.safetensors', model, { epoch: 3, metrics: { auFaFr } });
 */
export function saveModel(path: string, model: CRNN, opts: SaveOptions = {}): void {
  writeFileAtomic(path, encodeModel(model, opts));
}

/**
 * The bytes saveModel writes (for a caller that commits several files as one step).
 * @example const bytes = encodeModel(model, { epoch: 3 });
 */
export function encodeModel(model: CRNN, opts: SaveOptions = {}): Uint8Array {
  return encodeSafetensors(tensorsOf(model), { dtype: opts.dtype ?? 'F32', metadata: metadataOf(model, opts) });
}

/** The bytes of the saved state_dict: the homework's memory figure. */
export function modelBytes(model: CRNN, dtype: 'F32' | 'F16' = 'F32'): number {
  return encodeSafetensors(tensorsOf(model), { dtype, metadata: metadataOf(model, {}) }).length;
}

function parseJson<T>(text: string | undefined, what: string, path: string): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${path}: metadata '${what}' is not valid JSON`);
  }
}

/**
 * Load a model and what its metadata says.
 * @example const { model, info } = loadModel('teacher.safetensors');
 */
export function loadModel(path: string, opts: { stride?: [number, number] } = {}): { model: CRNN; info: CheckpointInfo } {
  const { tensors, metadata } = loadSafetensors(path);
  return modelFromTensors(tensors, metadata, path, opts.stride);
}

/**
 * A model from the bytes of a .safetensors file (a browser's fetch or a dropped file); `name`
 * labels errors as the path does for `loadModel`.
 * @example const { model } = modelFromBytes(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 */
export function modelFromBytes(bytes: Uint8Array, name = '<buffer>'): { model: CRNN; info: CheckpointInfo } {
  const { tensors, metadata } = decodeSafetensors(bytes, name);
  return modelFromTensors(tensors, metadata, name);
}

/** The metadata's epoch, a whole number (info printed 'epoch: NaN' for any other text). */
function epochOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`metadata 'epoch' is not a whole number (got ${JSON.stringify(text)})`);
  return Number(text);
}

function modelFromTensors(
  tensors: Map<string, NamedTensor & { dtype: string }>,
  metadata: Record<string, string>,
  path: string,
  stride?: [number, number],
): { model: CRNN; info: CheckpointInfo } {
  for (const [k, t] of tensors) {
    const bad = t.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`${path}: tensor '${k}' holds ${t.data[bad]} at element ${bad}; the weights are unusable (a diverged training?)`);
  }
  const shapes = new Map([...tensors].map(([k, t]) => [k, t.shape]));
  const said = parseJson<unknown>(metadata.config, 'config', path);
  try {
    const config = said === undefined ? configFromShapes(shapes, stride) : configMatchingShapes(said, shapes);
    const model = new CRNN(config, new Rng(0));
    model.loadStateDict(tensors);
    model.eval();
    const info: CheckpointInfo = {
      config,
      dtype: tensors.values().next().value?.dtype ?? 'F32',
      epoch: epochOf(metadata.epoch),
      train: parseJson(metadata.train, 'train', path),
      metrics: parseJson(metadata.metrics, 'metrics', path),
      metadata,
    };
    return { model, info };
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}
