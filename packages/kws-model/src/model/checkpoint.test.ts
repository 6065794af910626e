import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { saveSafetensors } from '../checkpoint/index.js';
import { loadModel, modelBytes, modelFromBytes, saveModel } from './checkpoint.js';
import { STUDENT_EXP2, TEACHER } from './config.js';
import { CRNN } from './crnn.js';

describe('model checkpoints', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kws-ckpt-'));

  it('round-trips weights, config and metadata (F32), atomically', () => {
    const m = new CRNN(STUDENT_EXP2, new Rng(3));
    const path = join(dir, 'a.safetensors');
    saveModel(path, m, { epoch: 4, metrics: { auFaFr: 0.01 }, train: { lr: 1e-3 } });
    const { model, info } = loadModel(path);
    expect(info.config).toEqual(STUDENT_EXP2);
    expect(info.epoch).toBe(4);
    expect(info.metrics).toEqual({ auFaFr: 0.01 });
    expect(info.dtype).toBe('F32');
    expect(model.parameters().map((p) => p.toArray())).toEqual(m.parameters().map((p) => p.toArray()));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('modelFromBytes (a page has bytes, not a path) gives what loadModel gives, and names the source in errors', () => {
    const path = join(dir, 'bytes.safetensors');
    saveModel(path, new CRNN(STUDENT_EXP2, new Rng(5)), { epoch: 2 });
    const a = loadModel(path);
    const b = modelFromBytes(readFileSync(path), 'dropped.safetensors');
    expect(b.info.config).toEqual(a.info.config);
    expect(b.info.epoch).toBe(2);
    expect(b.model.parameters().map((p) => p.toArray())).toEqual(a.model.parameters().map((p) => p.toArray()));
    expect(() => modelFromBytes(new Uint8Array(4), 'dropped.safetensors')).toThrow(/dropped\.safetensors/);
  });

  it('F16 halves the bytes and rounds the weights to half precision', () => {
    const m = new CRNN(TEACHER, new Rng(1));
    const f32 = modelBytes(m, 'F32');
    const f16 = modelBytes(m, 'F16');
    expect(f32).toBeGreaterThan(70443 * 4);
    expect(f16 / f32).toBeGreaterThan(0.49);
    expect(f16 / f32).toBeLessThan(0.52);
    const path = join(dir, 'h.safetensors');
    saveModel(path, m, { dtype: 'F16' });
    const { model, info } = loadModel(path);
    expect(info.dtype).toBe('F16');
    const a = model.parameters()[0].toArray();
    const b = m.parameters()[0].toArray();
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(Math.abs(b[i]) * 2 ** -11 + 1e-7));
  });

  it('loads a bare PyTorch-style state_dict by reading the architecture from shapes', () => {
    const m = new CRNN(TEACHER, new Rng(2));
    const path = join(dir, 'bare.safetensors');
    saveSafetensors(path, new Map([...m.stateDict()].map(([k, v]) => [k, { shape: [...v.shape], data: Float32Array.from(v.data) }])));
    const { info } = loadModel(path);
    expect(info.config).toEqual(TEACHER);
    expect(info.metadata).toEqual({});
  });

  it('errors name the file: missing, corrupt, wrong keys', () => {
    expect(() => loadModel(join(dir, 'nope.safetensors'))).toThrow(/nope.safetensors/);
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, 'not a checkpoint');
    expect(() => loadModel(bad)).toThrow(/bad.safetensors/);
    const wrong = join(dir, 'wrong.safetensors');
    saveSafetensors(wrong, { 'conv.0.weight': { shape: [8, 1, 5, 20], data: new Float32Array(800) } });
    expect(() => loadModel(wrong)).toThrow(/wrong.safetensors/);
  });
});
