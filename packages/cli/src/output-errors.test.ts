/**
 * A full disk while writing an output: Node's ENOSPC names no file, so the cli's writes say which
 * one failed. /dev/full answers every write with ENOSPC.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CRNN, saveModel, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { writeOutput } from './paths.js';
import { cli, SUBSET, tempDir } from './test-utils/run.js';

describe('outputs on a full disk', () => {
  it('writeOutput names the file, writing and appending', () => {
    expect(() => writeOutput('/dev/full', 'x')).toThrow(/^\/dev\/full: cannot write \(ENOSPC/);
    expect(() => writeOutput('/dev/full', 'x', true)).toThrow(/^\/dev\/full: cannot write \(ENOSPC/);
  });

  it('eval --scores and eval --stream --curve fail in one line naming the file, exit 1', async () => {
    const ckpt = join(tempDir(), 'm.safetensors');
    saveModel(ckpt, new CRNN(STUDENT_EXP1, new Rng(0)));
    const scores = await cli(['eval', '--checkpoint', ckpt, '--data', SUBSET, '--split', 'all', '--scores', '/dev/full']);
    expect([scores.code, scores.errLines.at(-1)]).toEqual([1, expect.stringMatching(/\/dev\/full: cannot write \(ENOSPC/)]);
    // --curve must end in .csv: a link of that name to /dev/full.
    const link = join(tempDir(), 'curve.csv');
    symlinkSync('/dev/full', link);
    const curve = await cli(['eval', '--stream', '--checkpoint', ckpt, '--data', SUBSET, '--split', 'all', '--negative-minutes', '0.2', '--modes', 'carried', '--curve', link]);
    expect([curve.code, curve.errLines.at(-1)]).toEqual([1, `kws-cli: ${link}: cannot write (ENOSPC: no space left on device, write)`]);
  });
});
