import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auFaFr, CRNN, saveModel, TEACHER } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, SUBSET, tempDir, tinySpeechCommands } from './test-utils/run.js';

interface ScoreLine {
  file: string;
  label: number;
  p: number;
}

describe('kws-cli eval on the real-clip fixture (14 clips, 4 sheila)', () => {
  const dir = tempDir();
  const ckpt = join(dir, 'teacher.safetensors');
  beforeAll(() => saveModel(ckpt, new CRNN(TEACHER, new Rng(5)), { epoch: 0 }));

  it('scores every clip, prints the figures and counts, writes the scores file', async () => {
    const scores = join(dir, 'out', 'scores.jsonl');
    const r = await cli(['eval', '--checkpoint', ckpt, '--data', SUBSET, '--split', 'all', '--scores', scores, '--batch-size', '8']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^clips +14 clips \(4 keyword, 10 other\)$/m);
    expect(r.stdout).toMatch(/^checkpoint +.*teacher\.safetensors \(epoch 0\)$/m);
    expect(r.stdout).toMatch(/^accuracy at 0\.5 +\d+\.\d\d%$/m);
    expect(r.stdout).toMatch(/^FA at 0\.5 +\S+ \(\d+ of 14 clips falsely accepted\)$/m);
    expect(r.stdout).toMatch(/^FR at 0\.5 +\S+ \(\d+ of 14 clips falsely rejected\)$/m);
    expect(r.stderr).toMatch(/loading clips: 14 clips in/);
    const rows = readFileSync(scores, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ScoreLine);
    expect(rows).toHaveLength(14);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(['file', 'label', 'p']);
      expect(row.file).toMatch(/^[a-z_]+\/[0-9a-f]{8}_nohash_\d+\.wav$/);
      expect(row.label).toBe(row.file.startsWith('sheila/') ? 1 : 0);
      expect(row.p).toBeGreaterThanOrEqual(0);
      expect(row.p).toBeLessThanOrEqual(1);
    }
    expect(rows.filter((x) => x.label === 1)).toHaveLength(4);
    // The printed au_fa_fr is the one of the written scores.
    const printed = /^au_fa_fr +(\S+)$/m.exec(r.stdout)?.[1];
    const au = auFaFr(rows.map((x) => x.p), rows.map((x) => x.label));
    expect(printed).toBe(au === 0 ? '0' : au.toExponential(3).replace('e+', 'e'));
  });

  it('prints the 95% bootstrap interval and FR at FA 0.5% / 1%; --json gives the same figures as one object', async () => {
    const base = ['eval', '--checkpoint', ckpt, '--data', SUBSET, '--split', 'all', '--resamples', '200'];
    const r = await cli(base);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}95% interval +\[\S+, \S+\] \(percentile bootstrap, 200 resamples of the 14 clips\)$/m);
    expect(r.stdout).toMatch(/^FR at FA 0\.5% +\d+\.\d\d% of 4 keyword clips \(FA \d+\.\d\d% of 10 others; accept p > \S+\)$/m);
    expect(r.stdout).toMatch(/^FR at FA 1\.0% +/m);
    const j = await cli([...base, '--json']);
    expect(j.code, j.stderr).toBe(0);
    const o = JSON.parse(j.stdout) as { auFaFr: number; auFaFrCi: { lo: number; hi: number }; frAtFa: { faTarget: number; fr: number; fa: number }[]; clips: number; keywordClips: number };
    expect([o.clips, o.keywordClips]).toEqual([14, 4]);
    expect(/^au_fa_fr +(\S+)$/m.exec(r.stdout)?.[1]).toBe(o.auFaFr === 0 ? '0' : o.auFaFr.toExponential(3).replace('e+', 'e'));
    expect(o.auFaFrCi.lo).toBeLessThanOrEqual(o.auFaFrCi.hi);
    expect(o.frAtFa.map((x) => x.faTarget)).toEqual([0.005, 0.01]);
    for (const x of o.frAtFa) expect(x.fa).toBeLessThanOrEqual(x.faTarget);
  });

  it('--backend cpu (any --threads) and gpujs give the scores of the default wasm backend, and say which backend ran', async () => {
    const run = async (extra: string[], ran: RegExp): Promise<ScoreLine[]> => {
      const scores = join(dir, `scores-${extra.join('')}.jsonl`);
      const r = await cli(['eval', '--checkpoint', ckpt, '--data', SUBSET, '--split', 'all', '--scores', scores, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(ran);
      return readFileSync(scores, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ScoreLine);
    };
    const base = await run([], /^backend +wasm \(WebAssembly SIMD\), 1 thread$/m);
    const cpu = await run(['--backend', 'cpu', '--threads', '2'], /^backend +cpu, 2 threads$/m);
    const one = await run(['--backend', 'cpu', '--threads', '1'], /^backend +cpu, 1 thread$/m);
    const gpu = await run(['--backend', 'gpujs'], /^backend +gpujs \(gpu\.js mode '\w+'/m);
    one.forEach((x, i) => expect(x.p).toBe(cpu[i].p));
    cpu.forEach((x, i) => expect(Math.abs(x.p - base[i].p)).toBeLessThan(1e-5));
    gpu.forEach((x, i) => expect(Math.abs(x.p - cpu[i].p)).toBeLessThan(1e-5));
  });

  it('another keyword relabels the clips', async () => {
    const r = await cli(['eval', '--checkpoint', ckpt, '--data', SUBSET, '--split', 'all', '--keyword', 'marvin']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/keyword 'marvin'/);
    expect(r.stdout).toMatch(/^clips +14 clips \(2 keyword, 12 other\)$/m);
  });

  it('warns on stderr when the figures stand on fewer than 10 keyword clips, and says how many', async () => {
    const r = await cli(['eval', '--checkpoint', ckpt, '--data', SUBSET]); // val by its lists: 1 sheila clip
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\(val: official split, keyword 'sheila'\)/);
    expect(r.stdout).toMatch(/^clips +3 clips \(1 keyword, 2 other\)$/m);
    expect(r.errLines).toContain('warning: the val split holds 1 keyword clip: figures on fewer than 10 say little (one clip moves FR by 100%)');
    const json = await cli(['eval', '--checkpoint', ckpt, '--data', SUBSET, '--split', 'all', '--json']);
    expect(json.errLines).toContain('warning: the all split holds 4 keyword clips: figures on fewer than 10 say little (one clip moves FR by 25%)');
    expect(() => JSON.parse(json.stdout) as unknown).not.toThrow(); // stdout stays one JSON object
  });

  it('a folder without validation_list.txt is scored whole (--split all) with a note, unless --split is given', async () => {
    const own = tinySpeechCommands();
    rmSync(join(own, 'validation_list.txt'));
    rmSync(join(own, 'testing_list.txt'));
    const r = await cli(['eval', '--checkpoint', ckpt, '--data', own]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.errLines).toContain(`note: ${own} has no validation_list.txt, so every clip is scored (--split all); give --split to choose`);
    expect(r.stdout).toMatch(/^clips +14 clips \(4 keyword, 10 other\)$/m);
    const asked = await cli(['eval', '--checkpoint', ckpt, '--data', own, '--split', 'all']);
    expect(asked.errLines.some((l) => l.startsWith('note:'))).toBe(false);
    // --split-by random keeps the val default: here its 3 clips hold no keyword, which eval refuses, naming that split.
    const random = await cli(['eval', '--checkpoint', ckpt, '--data', own, '--split-by', 'random', '--json']);
    expect([random.code, random.errLines.at(-1)]).toEqual([1, expect.stringMatching(/the val split has no 'sheila' clips/)]);
  });

  it('an absent keyword folder or data folder: exit 1 with one line', async () => {
    const r = await cli(['eval', '--checkpoint', ckpt, '--data', SUBSET, '--split', 'all', '--keyword', 'zebra']);
    expect(r.code).toBe(1);
    expect(r.errLines).toEqual([`kws-cli: no folder 'zebra' in ${SUBSET}`]);
    const r2 = await cli(['eval', '--checkpoint', ckpt, '--data', join(dir, 'nowhere')]);
    expect(r2.code).toBe(1);
    expect(r2.errLines).toEqual([`kws-cli: ${join(dir, 'nowhere')}: no such folder`]);
  });
});

describe('kws-cli eval: bad checkpoints', () => {
  const dir = tempDir();
  const data = SUBSET;

  it('a missing checkpoint: exit 1, one line naming the file', async () => {
    const missing = join(dir, 'missing.safetensors');
    const r = await cli(['eval', '--checkpoint', missing, '--data', data]);
    expect(r.code).toBe(1);
    expect(r.errLines).toHaveLength(1);
    expect(r.errLines[0]).toBe(`kws-cli: ${missing}: cannot read (no such file)`);
  });

  it('a corrupt or truncated checkpoint: exit 1, one line naming the file', async () => {
    const good = join(dir, 'good.safetensors');
    saveModel(good, new CRNN(TEACHER, new Rng(0)));
    const bytes = readFileSync(good);
    const truncated = join(dir, 'truncated.safetensors');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 1000));
    const garbage = join(dir, 'garbage.safetensors');
    writeFileSync(garbage, Buffer.from('\x10\x00\x00\x00\x00\x00\x00\x00{not json at all'));
    for (const bad of [truncated, garbage]) {
      const r = await cli(['eval', '--checkpoint', bad, '--data', data]);
      expect(r.code).toBe(1);
      expect(r.errLines).toHaveLength(1);
      expect(r.errLines[0].startsWith(`kws-cli: ${bad}: `)).toBe(true);
    }
  });
});
