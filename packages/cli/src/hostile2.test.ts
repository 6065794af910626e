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
import { toyFolder } from './test-utils/toy-folder.js';

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

  it('eval and train refuse a split with one class only, whose au_fa_fr is 0 whatever the model', async () => {
    // Keyword clips in training only: the validation list names other words alone.
    const data = toyFolder(3, ['sheila', 'yes', 'no']);
    writeFileSync(join(data, 'validation_list.txt'), 'yes/clip2.wav\nno/clip2.wav\n');
    const e = await cli(['eval', '--checkpoint', ckpt, '--data', data]);
    expect(e.code).toBe(1);
    expect(e.errLines.at(-1)).toBe(`kws-cli: ${data}: the val split has no 'sheila' clips (2 clips (0 keyword, 2 other)); au_fa_fr needs keyword and other clips, else it is 0 whatever the model does`);
    const onlyKeyword = toyFolder(3, ['sheila', 'yes']);
    writeFileSync(join(onlyKeyword, 'validation_list.txt'), 'sheila/clip2.wav\n');
    const o = await cli(['eval', '--checkpoint', ckpt, '--data', onlyKeyword, '--stream']);
    expect(o.code).toBe(1);
    expect(o.errLines.at(-1)).toMatch(/the val split has only 'sheila' clips/);
    const t = await cli(['train', '--data', data, '--arch', 'exp1', '--epochs', '1', '--out', join(dir, 'one-class')]);
    expect(t.code).toBe(1);
    expect(t.errLines.at(-1)).toBe(`kws-cli: ${data}: the validation split has no 'sheila' clips (2 clips (0 keyword, 2 other)); au_fa_fr needs keyword and other clips, else it is 0 whatever the model does`);
  });
});
