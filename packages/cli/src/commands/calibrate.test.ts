import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recoverRun } from '@kws/distill';
import { CRNN, loadModel, operatingPointOf, saveModel, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { cli, tempDir, tinySpeechCommands } from '../test-utils/run.js';

describe('kws-cli calibrate', () => {
  const data = tinySpeechCommands();

  it('stores the operating point chosen on a folder in the checkpoint, weights unchanged; stream then detects with it', async () => {
    const dir = tempDir();
    const ckpt = join(dir, 'm.safetensors');
    const model = new CRNN(STUDENT_EXP1, new Rng(1));
    saveModel(ckpt, model);
    const r = await cli(['calibrate', '--checkpoint', ckpt, '--data', data, '--split', 'all', '--fa-per-hour', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^operating point of .*m\.safetensors: θ \S+, moving average [123], chosen for 2 FA\/h on the all split of .* \(0\.00 h of negatives: [\d.]+ FA\/h, FR [\d.]+% of 4 keyword clips\), chosen in /m);
    const { model: back, info } = loadModel(ckpt);
    expect(back.parameters().map((p) => p.toArray())).toEqual(model.parameters().map((p) => p.toArray()));
    const op = operatingPointOf(info.metadata, ckpt);
    expect(op).toMatchObject({ targetFaPerHour: 2, keywordClips: 4, smoothSteps: expect.any(Number) as number });
    const s = await cli(['stream', '--checkpoint', ckpt, join(data, 'sheila', readdir(data, 'sheila'))]);
    expect(s.stderr).toMatch(/detection: the checkpoint's operating point, θ/);
  });

  it("rewrites a run folder's best checkpoint as one more commit, and leaves the shipped models alone without --out", async () => {
    const out = join(tempDir(), 'run');
    expect((await cli(['train', '--data', data, '--arch', 'exp1', '--epochs', '1', '--batch-size', '8', '--out', out])).code).toBe(0);
    const r = await cli(['calibrate', '--checkpoint', join(out, 'best.safetensors'), '--data', data, '--split', 'all']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\(committed to its run folder\)/);
    expect(() => recoverRun(out)).not.toThrow();
    expect((JSON.parse(readFileSync(join(out, 'commit.json'), 'utf8')) as { files: Record<string, string> }).files['best.safetensors']).toBeDefined();
    const shipped = await cli(['calibrate', '--model', 'exp1', '--data', data, '--split', 'all']);
    expect([shipped.code, shipped.stderr]).toEqual([2, expect.stringMatching(/--model needs --out/)]);
  });
});

function readdir(root: string, word: string): string {
  return readdirSync(join(root, word)).filter((f) => f.endsWith('.wav'))[0];
}
