import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CRNN, loadModel, saveModel, TEACHER } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir, tinySpeechCommands } from '../test-utils/run.js';

const json = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const jsonl = <T>(path: string): T[] => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as T);

interface Config {
  commands: string[];
  model: { hidden: number; attention: string };
  train: { epochs: number; lr: number };
  distill: { preset: string; teacherAuFaFr: number; threshold: number; hardWeight: number; t2: boolean; temperature: number; reading: string };
}

describe('kws-cli distill and report on the tiny real-clip fixture', () => {
  const data = tinySpeechCommands();
  const root = tempDir('kws-distill-cli-');
  const teacherRun = join(root, 'teacher');
  const teacher = join(teacherRun, 'best.safetensors');
  beforeAll(async () => {
    const r = await cli(['train', '--data', data, '--epochs', '1', '--batch-size', '30', '--out', teacherRun, '--no-spec-augment']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('exp3: distils in fp16, saves F16, writes config, summary and --inspect rows; --resume continues', async () => {
    const out = join(root, 'exp3');
    const r = await cli(['distill', '--teacher', teacher, '--preset', 'exp3', '--data', data, '--epochs', '1', '--batch-size', '4', '--inspect', '2', '--out', out]); // 7 train clips: 2 steps
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^teacher: .* \(70,443 parameters\), val au_fa_fr \S+; pass mark \S+$/m);
    expect(r.stdout).toMatch(/^distilling into exp3 \(4,737 parameters, 10\.3x fewer MACs\), T 10, w 0\.6, lr 0\.003, fp16 mixed precision, 1 epochs/m);
    expect(r.stdout).toMatch(/^pass mark au_fa_fr <= 1\.1 x teacher's \S+ = \S+: (reached at epoch 1|not reached in 1 epochs); best /m);
    expect(r.stdout).toContain(`report it: npx kws-cli report ${teacherRun} ${out} --out reports/latest`);
    const config = json<Config>(join(out, 'config.json'));
    expect(config.distill).toMatchObject({ preset: 'exp3', hardWeight: 0.6, t2: true, temperature: 10 });
    expect(config.distill.threshold).toBeCloseTo(1.1 * config.distill.teacherAuFaFr, 12);
    expect(config.commands[0]).toMatch(/^kws-cli distill --teacher /);
    const summary = json<{ thresholdReachedEpoch: number | null; teacherAuFaFr: number }>(join(out, 'summary.json'));
    expect(summary.teacherAuFaFr).toBe(config.distill.teacherAuFaFr);
    expect(loadModel(join(out, 'best.safetensors')).info.dtype).toBe('F16');
    const rows = jsonl<{ step: number; labels: number[]; teacherSoft: number[][]; terms: Record<string, number>; lr: number }>(join(out, 'inspect.jsonl'));
    expect(rows.map((x) => x.step)).toEqual([1, 2]);
    expect(rows[0].labels).toHaveLength(4);
    expect(rows[0].teacherSoft).toHaveLength(4);
    expect(Object.keys(rows[0].terms).sort()).toEqual(['ce', 'kd', 'total']);
    expect(rows[0].lr).toBe(0.003);

    const again = await cli(['distill', '--resume', '--out', out, '--epochs', '2']);
    expect(again.code, again.stderr).toBe(0);
    expect(jsonl<{ epoch: number }>(join(out, 'history.jsonl')).map((x) => x.epoch)).toEqual([1, 2]);
    expect(json<{ epochs: number }>(join(out, 'summary.json')).epochs).toBe(2);
  });

  it("--mine-rounds: a round of the student's mined negatives after the distillation, in fp16 too; summary.json counts every epoch", async () => {
    const out = join(root, 'exp3-mined');
    const r = await cli(['distill', '--teacher', teacher, '--preset', 'exp3', '--data', data, '--epochs', '1', '--batch-size', '4', '--mine-rounds', '1', '--mine-epochs', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^mining round 1\/1: \d+ windows .*; training epochs 2-2 with them as negatives$/m);
    expect(jsonl<{ epoch: number }>(join(out, 'history.jsonl')).map((h) => h.epoch)).toEqual([1, 2]);
    expect(json<{ epochs: number }>(join(out, 'summary.json')).epochs).toBe(2);
    expect(existsSync(join(out, 'mined-1.json'))).toBe(true);
    expect(loadModel(join(out, 'best.safetensors')).info.dtype).toBe('F16');
  });

  it('flags override the preset: the other reading of the weights, no T², another temperature', async () => {
    const out = join(root, 'exp2b');
    const r = await cli(['distill', '--teacher', teacher, '--preset', 'exp2', '--hard-weight', '0.7', '--no-t2', '--temperature', '4', '--lr', '0.001',
      '--data', data, '--epochs', '1', '--batch-size', '30', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const config = json<Config>(join(out, 'config.json'));
    expect(config.model).toMatchObject({ hidden: 24, attention: 'single' });
    expect(config.train.lr).toBe(0.001);
    expect(config.distill).toMatchObject({ preset: 'exp2', hardWeight: 0.7, t2: false, temperature: 4 });
    expect(config.distill.reading).toMatch(/^custom: --hard-weight 0\.7/);
    expect(existsSync(join(out, 'inspect.jsonl'))).toBe(false);

    const report = join(root, 'report');
    const rep = await cli(['report', teacherRun, join(root, 'exp3'), out, '--out', report, '--timing-runs', '1']);
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.lines[0]).toMatch(/^\| model \| architecture \| parameters /);
    expect(rep.lines.filter((l) => /^\| (teacher|exp3|exp2b) \|/.test(l))).toHaveLength(3);
    expect(rep.stdout).toMatch(/^baseline: teacher; passing: /m);
    for (const f of ['report.html', 'report.md', 'curves.png', 'macs.svg', 'memory.png']) expect(existsSync(join(report, f)), f).toBe(true);
  });

  it('usage errors: no teacher, no preset, a weight above 1, no run folders for report', async () => {
    const out = join(root, 'bad');
    const cases: [string[], RegExp][] = [
      [['distill', '--preset', 'exp1', '--data', data, '--out', out], /--teacher is required/],
      [['distill', '--teacher', teacher, '--data', data, '--out', out], /--preset is required/],
      [['distill', '--teacher', teacher, '--preset', 'exp1', '--hard-weight', '1.5', '--data', data, '--out', out], /--hard-weight must be between 0 and 1/],
      [['distill', '--teacher', teacher, '--preset', 'exp9'], /--preset must be one of exp1, exp2, exp3, exp4/],
      [['report', '--out', out], /name at least one run folder/],
    ];
    for (const [argv, re] of cases) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.errLines[0]).toMatch(re);
    }
    // The hint names the command that was run (it used to name train).
    const ema = await cli(['distill', '--teacher', teacher, '--preset', 'exp1', '--ema', '1', '--data', data, '--out', out]);
    expect(ema.code).toBe(2);
    expect(ema.stderr).toMatch(/--ema must be below 1/);
    expect(ema.stderr).toMatch(/kws-cli distill --help/);
    const missing = await cli(['distill', '--teacher', join(root, 'none.safetensors'), '--preset', 'exp1', '--data', data, '--out', out]);
    expect(missing.code).toBe(1);
    expect(missing.errLines[0]).toMatch(/none\.safetensors: no such teacher checkpoint/);
  });
});

describe('kws-cli distill on the built-in synthetic set', () => {
  it('uses batch 32 there unless told (as train), and runs exp3 end to end', async () => {
    const cache = tempDir();
    const teacher = join(cache, 'teacher.safetensors');
    saveModel(teacher, new CRNN(TEACHER, new Rng(0)));
    const out = join(cache, 'exp3');
    const r = await cli(['distill', '--teacher', teacher, '--preset', 'exp3', '--cache', cache, '--speakers', '2', '--split', 'random', '--epochs', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^built-in data recipe: batch 32, weight average 0.999 /m);
    expect(r.stdout).toMatch(/^data: the built-in synthetic set /m);
    const config = json<Config & { train: { batchSize: number }; data: { source: string } }>(join(out, 'config.json'));
    expect(config.train.batchSize).toBe(32);
    expect((config.train as { ema?: number }).ema).toBe(0.999);
    expect(config.data.source).toBe('synthetic');
    expect(json<{ epochs: number }>(join(out, 'summary.json')).epochs).toBe(1);
  }, 240_000); // generates a ~290-clip set first: seconds on a quiet machine, a minute or more on a loaded one
});
