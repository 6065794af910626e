/**
 * Inputs that used to hang or mislead (issue 13): absurd rates, --threads 999, NaN weights, a
 * FIFO in a data folder, an output folder that does not exist, an odd trailing PCM byte, a flag
 * given twice, an archive with the wrong SHA-256. Each fails fast with one line, or warns.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tar from 'tar';
import { CRNN, encodeWav, saveModel, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { s16le, signal } from './test-utils/audio.js';
import { cli, tempDir } from './test-utils/run.js';
import { toyFolder } from './test-utils/toy-folder.js';

const dir = tempDir('kws-hostile-');
const ckpt = join(dir, 'exp1.safetensors');
saveModel(ckpt, new CRNN(STUDENT_EXP1, new Rng(0)), { train: { keyword: 'sheila' } });

async function* chunks(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield await Promise.resolve(p);
}

describe('hostile inputs to the CLI', () => {
  it('stream: a WAV declaring 1 Hz and --rate 1 fail at once', async () => {
    const wav = encodeWav(signal(16000), 16000);
    new DataView(wav.buffer).setUint32(24, 1, true);
    writeFileSync(join(dir, 'one-hz.wav'), wav);
    const r = await cli(['stream', '--checkpoint', ckpt, join(dir, 'one-hz.wav')]);
    expect(r.code).toBe(1);
    // The detection rule's line comes first (since the operating point), then the one error.
    expect(r.errLines.at(-1)).toBe(`kws-cli: ${join(dir, 'one-hz.wav')}: sample rate 1 Hz is outside 1000-384000 Hz`);
    expect(r.errLines.filter((l) => l.startsWith('kws-cli:'))).toHaveLength(1);
    const rate = await cli(['stream', '--checkpoint', ckpt, '-', '--rate', '1'], { io: { stdin: chunks() } as object });
    expect(rate.code).toBe(2);
    expect(rate.errLines[0]).toBe("kws-cli: --rate must be 1000-384000 Hz, got '1'");
  });

  it('stream: --plot into a missing folder fails before streaming; an odd trailing byte is warned about', async () => {
    const plot = await cli(['stream', '--checkpoint', ckpt, '-', '--plot', join(dir, 'nope', 'p.svg')], { io: { stdin: chunks() } as object });
    expect(plot.code).toBe(1);
    expect(plot.errLines).toEqual([`kws-cli: --plot ${join(dir, 'nope', 'p.svg')}: no folder ${join(dir, 'nope')} (create it first)`]);
    const pcm = s16le(signal(8000));
    const odd = await cli(['stream', '--checkpoint', ckpt, '-'], { io: { stdin: chunks(pcm, Uint8Array.of(7)) } as object });
    expect(odd.code, odd.stderr).toBe(0);
    expect(odd.stderr).toContain('warning: the input ended mid-sample: its odd last byte was dropped');
  });

  it('a flag given twice is refused', async () => {
    const r = await cli(['eval', '--checkpoint', ckpt, '--threshold', '0.5', '--threshold', '0.9']);
    expect(r.code).toBe(2);
    expect(r.errLines[0]).toBe('kws-cli: --threshold is given twice; give it once');
  });

  it('eval: --threads above the cores is capped and said; a FIFO named *.wav is skipped', async () => {
    const data = toyFolder(2);
    execFileSync('mkfifo', [join(data, 'yes', 'fifo.wav')]);
    const r = await cli(['eval', '--checkpoint', ckpt, '--data', data, '--split', 'all', '--backend', 'cpu', '--threads', '999']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`--threads 999 capped at ${availableParallelism()}, the number of cores of this machine`);
    expect(r.stdout).toMatch(/^clips +8 clips \(2 keyword, 6 other\)$/m);
  });

  it('eval: NaN weights are named, and --scores is not written', async () => {
    const model = new CRNN(STUDENT_EXP1, new Rng(0));
    const sd = model.stateDict();
    const bias = sd.get('classifier.bias');
    if (bias === undefined) throw new Error('no classifier.bias');
    sd.set('classifier.bias', { ...bias, data: Float32Array.of(bias.data[0], NaN) });
    model.loadStateDict(sd);
    const bad = join(dir, 'nan.safetensors');
    saveModel(bad, model);
    const scores = join(dir, 'scores.jsonl');
    const r = await cli(['eval', '--checkpoint', bad, '--data', toyFolder(2), '--split', 'all', '--scores', scores]);
    expect(r.code).toBe(1);
    expect(r.errLines.at(-1)).toBe(`kws-cli: ${bad}: tensor 'classifier.bias' holds NaN at element 1; the weights are unusable (a diverged training?)`);
    expect(existsSync(scores)).toBe(false);
  });

  it('data download checks the SHA-256 before extracting', async () => {
    const src = join(dir, 'tiny-src');
    mkdirSync(join(src, 'sheila'), { recursive: true });
    writeFileSync(join(src, 'sheila', 'a.wav'), encodeWav(signal(1600), 16000));
    writeFileSync(join(src, 'validation_list.txt'), '');
    const archive = join(dir, 'tiny.tar.gz');
    await tar.c({ gzip: true, file: archive, cwd: src }, readdirSync(src));
    const wrong = await cli(['data', 'download', '--archive', archive, '--out', join(dir, 'd1'), '--sha256', '0'.repeat(64)]);
    expect(wrong.code).toBe(1);
    expect(wrong.errLines.at(-1)).toMatch(new RegExp(`^kws-cli: ${archive}: SHA-256 [0-9a-f]{64} is not the expected 0{64} \\(a corrupt or different archive\\)$`));
    expect(existsSync(join(dir, 'd1', 'sheila'))).toBe(false);
    const bad = await cli(['data', 'download', '--archive', archive, '--out', join(dir, 'd2'), '--sha256', 'xyz']);
    expect(bad.code).toBe(2);
  });
});
