/**
 * Inputs that gave silent wrong results, hung or crashed (the hardening issue, items 5-7): a NaN
 * sample in a streamed WAV, a FIFO or a folder as input, a checkpoint that is not a 2-class model,
 * flags out of range. Each now fails fast with one line naming the file or flag, or warns.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { CRNN, encodeWav, saveModel, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { signal } from './test-utils/audio.js';
import { cli, tempDir } from './test-utils/run.js';

const dir = tempDir('kws-hostile2-');
const ckpt = join(dir, 'exp1.safetensors');
saveModel(ckpt, new CRNN(STUDENT_EXP1, new Rng(0)), { train: { keyword: 'sheila' } });

describe('hostile inputs to the CLI, second round', () => {
  it('stream: a float WAV with a NaN sample fails naming the file and the time, in every mode', async () => {
    const x = signal(16000 * 3);
    x[16000 * 2] = NaN;
    const wav = join(dir, 'nan.wav');
    writeFileSync(wav, encodeWav(x, 16000, 32));
    for (const mode of ['staggered', 'carried']) {
      const r = await cli(['stream', '--checkpoint', ckpt, wav, '--mode', mode, '--json']);
      expect(r.code).toBe(1);
      expect(r.errLines.at(-1)).toBe(`kws-cli: ${wav}: sample 32000 (at 2.000 s) is NaN`);
      expect(r.stdout).not.toContain('"p":null');
    }
  });
});
