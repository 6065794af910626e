/** Checkpoints that lie: metadata against the tensors, NaN weights, reversed offsets. Every error names the field. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../checkpoint/index.js';
import { encodeModel, loadModel } from './checkpoint.js';
import { STUDENT_EXP1 } from './config.js';
import { CRNN } from './crnn.js';

const dir = mkdtempSync(join(tmpdir(), 'kws-ckpt-'));
const good = decodeSafetensors(encodeModel(new CRNN(STUDENT_EXP1, new Rng(0))));

let files = 0;
/** A file with exp1's tensors and `config` metadata replaced (undefined: none). */
function withConfig(config: string | undefined, edit?: (t: Map<string, NamedTensor>) => void): string {
  const tensors = new Map<string, NamedTensor>([...good.tensors].map(([k, t]) => [k, { shape: t.shape, data: Float32Array.from(t.data) }]));
  edit?.(tensors);
  const path = join(dir, `${files++}.safetensors`);
  writeFileSync(path, encodeSafetensors(tensors, { metadata: config === undefined ? {} : { config } }));
  return path;
}

describe('loadModel on hostile checkpoints', () => {
  it('checks the config metadata against the tensor shapes before building the model', () => {
    const huge = JSON.stringify({ ...STUDENT_EXP1, hidden: 2048, gruLayers: 8 });
    expect(() => loadModel(withConfig(huge))).toThrow(/: metadata config\.hidden \(2048\) does not match the tensor shapes \(22\)$/);
    expect(() => loadModel(withConfig(JSON.stringify({ ...STUDENT_EXP1, hidden: 1e5 })))).toThrow(/config\.hidden \(100000\) does not match the tensor shapes \(22\)/);
    expect(() => loadModel(withConfig(JSON.stringify({ ...STUDENT_EXP1, nMels: 80 })))).toThrow(/config\.nMels \(80\) does not match the tensor shapes \(18 rows after the conv\)/);
    expect(() => loadModel(withConfig('[]'))).toThrow(/: metadata 'config' is not an object$/);
    expect(() => loadModel(withConfig('{}'))).toThrow(/: metadata config\.nMels is missing or invalid \(got nothing\)$/);
    expect(() => loadModel(withConfig(JSON.stringify({ ...STUDENT_EXP1, kernel: [5] })))).toThrow(/config\.kernel is missing or invalid \(got \[5\]\)/);
    expect(loadModel(withConfig(JSON.stringify(STUDENT_EXP1))).info.config).toEqual(STUDENT_EXP1);
    expect(loadModel(withConfig(undefined)).info.config.hidden).toBe(22);
  });

  it('names a tensor holding NaN or Inf', () => {
    const path = withConfig(JSON.stringify(STUDENT_EXP1), (t) => {
      const w = t.get('classifier.weight');
      if (w) w.data[3] = NaN;
    });
    expect(() => loadModel(path)).toThrow(/: tensor 'classifier\.weight' holds NaN at element 3/);
  });

  it('says "reversed" for data_offsets [end, begin]', () => {
    const bytes = encodeSafetensors({ a: { shape: [2], data: Float32Array.of(1, 2) }, b: { shape: [2], data: Float32Array.of(3, 4) } });
    const text = Buffer.from(bytes).toString('latin1');
    expect(text).toContain('"data_offsets":[8,16]');
    const swapped = Buffer.from(text.replace('"data_offsets":[8,16]', '"data_offsets":[16,8]'), 'latin1');
    expect(() => decodeSafetensors(swapped, 'x.safetensors')).toThrow("x.safetensors: tensor 'b': data_offsets [16, 8] are reversed (begin after end)");
  });
});
