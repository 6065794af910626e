import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CRNN, saveModel, STUDENT_EXP2 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './test-utils/run.js';

/** Help with each option's wrapped continuation lines joined onto it. */
const flat = (help: string): string => help.replace(/\n {8,}/g, ' ');

describe('help', () => {
  it('kws-cli --help, help and no arguments list every command', async () => {
    for (const argv of [['--help'], ['help'], [], ['-h']]) {
      const r = await cli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: kws-cli <command> \[options\]$/m);
      for (const cmd of ['train', 'eval', 'info', 'data']) expect(r.stdout).toMatch(new RegExp(`^  ${cmd} +\\S`, 'm'));
      expect(r.stderr).toBe('');
    }
  });

  it('each command explains each flag and its default', async () => {
    const train = await cli(['train', '--help']);
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/^Usage: kws-cli train \[options\]$/m);
    for (const re of [
      /--epochs N +.*\(default: 20 with --data \(the course\); 12 on the built-in data\)/,
      /--batch-size N +.*\(default: 128 with --data \(the course\); 32 on the built-in data\)/,
      /--lr X +.*\(default: 0\.0003 with --data \(the course\); 0\.001 on the built-in data\)/,
      /--weight-decay X +.*\(default: 0\.00001 with --data \(the course\); 0\.0001 on the built-in data\)/,
      /--seed N +.*\(default: 0\)/,
      /--arch teacher\|exp1\|exp2\|exp3\|exp4 +.*\(default: teacher\)/,
      /--out DIR +.*\(default: runs\/<name>\)/,
      /--split official\|random +.*\(default: official\)/,
      /--resume +continue/,
      /--no-augment +/,
      /--data DIR +.*synthetic/,
    ]) expect(flat(train.stdout)).toMatch(re);
    // distill keeps the course's weight decay on the built-in data too: its help must not borrow train's.
    const distillHelp = await cli(['help', 'distill']);
    expect(flat(distillHelp.stdout)).toMatch(/--weight-decay X +.*\(default: 0\.00001 \(the course's\), also on the built-in data:/);
    const evalHelp = await cli(['help', 'eval']);
    expect(evalHelp.stdout).toMatch(/^Usage: kws-cli eval --data DIR \[options\]$/m);
    expect(flat(evalHelp.stdout)).toMatch(/--split train\|val\|test\|all +.*\(default: val; all for a folder without validation_list\.txt \(unless --split-by random\)\)/);
    expect(flat(evalHelp.stdout)).toMatch(/--keyword WORD +.*\(default: the checkpoint's keyword \(its train\.keyword metadata; 'sheila' when it has none\)\)/);
    expect(flat(evalHelp.stdout)).toMatch(/--force-keyword +score against --keyword even where the checkpoint records another keyword/);
    expect(evalHelp.stdout).toMatch(/--scores FILE +/);
    const info = await cli(['info', '-h']);
    expect(info.stdout).toMatch(/--checkpoint FILE/);
    expect(info.stdout).toMatch(/--arch teacher\|exp1\|exp2\|exp3\|exp4/);
  });

  it('groups list their subcommands; subcommands have their own help', async () => {
    const data = await cli(['data', '--help']);
    expect(data.stdout).toMatch(/^Usage: kws-cli data <command> \[options\]$/m);
    expect(data.stdout).toMatch(/^ {2}download +\S/m);
    expect(data.stdout).toMatch(/^ {2}synth +\S/m);
    const dl = await cli(['data', 'download', '--help']);
    expect(dl.stdout).toMatch(/^Usage: kws-cli data download \[options\]$/m);
    expect(flat(dl.stdout)).toMatch(/--url URL +.*\(default: http:\/\/download\.tensorflow\.org\/data\/speech_commands_v0\.01\.tar\.gz\)/);
    expect(dl.stdout).toMatch(/--archive FILE/);
    expect((await cli(['help', 'data', 'synth'])).stdout).toMatch(/--speakers N +.*\(default: 100\)/);
  });

  it('--version prints the package version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('usage errors exit 2 with one line and a hint', () => {
  const cases: [string[], string | RegExp, string][] = [
    [['frobnicate'], /^kws-cli: unknown command 'frobnicate' \(choose from train, .*eval, .*info, data.*\)$/, "Run 'npx kws-cli --help' for usage."],
    [['--frob'], "kws-cli: unknown flag '--frob'; a command comes first", "Run 'npx kws-cli --help' for usage."],
    [['info', '--arch', 'teacher', '--frob'], "kws-cli: unknown flag '--frob'", "Run 'npx kws-cli info --help' for usage."],
    [['train', '--epochs', 'x'], "kws-cli: --epochs must be a positive integer, got 'x'", "Run 'npx kws-cli train --help' for usage."],
    [['train', '--epoch', '3'], "kws-cli: unknown flag '--epoch' (did you mean --epochs?)", "Run 'npx kws-cli train --help' for usage."],
    [['eval', '--data', 'x'], 'kws-cli: give exactly one of --checkpoint FILE or --model teacher|exp1|exp2|exp3|exp4', "Run 'npx kws-cli eval --help' for usage."],
    [['info'], 'kws-cli: give exactly one of --checkpoint FILE or --model teacher|exp1|exp2|exp3|exp4 or --arch PRESET', "Run 'npx kws-cli info --help' for usage."],
    [['info', '--arch', 'huge'], "kws-cli: --arch must be one of teacher, exp1, exp2, exp3, exp4, got 'huge'", "Run 'npx kws-cli info --help' for usage."],
    [['info', '--arch', 'teacher', 'extra'], "kws-cli: unexpected argument 'extra'", "Run 'npx kws-cli info --help' for usage."],
    [['data', 'fetch'], "kws-cli: unknown data command 'fetch' (choose from download, synth, glue, cache)", "Run 'npx kws-cli data --help' for usage."],
    [['data', 'download', '--bogus'], "kws-cli: unknown flag '--bogus'", "Run 'npx kws-cli data download --help' for usage."],
  ];
  it.each(cases)('%j', async (argv, first, hint) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.errLines).toHaveLength(2);
    if (typeof first === 'string') expect(r.errLines[0]).toBe(first);
    else expect(r.errLines[0]).toMatch(first);
    expect(r.errLines[1]).toBe(hint);
    expect(r.stdout).toBe('');
  });
});

describe('kws-cli info', () => {
  it('--arch teacher: 70,443 parameters and 932,224 MACs with the breakdown and the bytes', async () => {
    const r = await cli(['info', '--arch', 'teacher']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^parameters: 70,443$/m);
    expect(r.stdout).toMatch(/^ {2}conv +158,400$/m);
    expect(r.stdout).toMatch(/^ {2}gru +727,936$/m);
    expect(r.stdout).toMatch(/^ {2}attention +45,760$/m);
    expect(r.stdout).toMatch(/^ {2}classifier +128$/m);
    expect(r.stdout).toMatch(/^ {2}total +932,224$/m);
    // 70,443 float32 = 281,772 bytes of data plus the header; F16 halves the data.
    const f32 = Number(/F32 +([\d,]+) bytes/.exec(r.stdout)?.[1].replace(/,/g, ''));
    const f16 = Number(/F16 +([\d,]+) bytes/.exec(r.stdout)?.[1].replace(/,/g, ''));
    expect(Math.abs(f32 - f16 - 70443 * 2)).toBeLessThanOrEqual(8); // the header pads to 8 bytes
    expect(f32).toBeGreaterThan(281772);
    expect(r.stdout).toMatch(/conv +1 -> 8 channels, kernel 5 x 20, stride 2 x 8/);
  });

  it('--checkpoint: the saved config, epoch and metrics', async () => {
    const dir = tempDir();
    const path = join(dir, 'student.safetensors');
    saveModel(path, new CRNN(STUDENT_EXP2, new Rng(3)), { epoch: 4, metrics: { auFaFr: 1.5e-4, valAccuracy: 0.98 }, dtype: 'F16' });
    const r = await cli(['info', '--checkpoint', path]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/weights F16/);
    expect(r.stdout).toMatch(/^epoch: 4$/m);
    expect(r.stdout).toMatch(/au_fa_fr +1\.500e-4/);
    expect(r.stdout).toMatch(/GRU +1 layer, hidden 24/);
    expect(r.stdout).toMatch(/attention +single/);
  });

  it('a missing or corrupt checkpoint: exit 1, one line naming the file; KWS_DEBUG adds the stack', async () => {
    const dir = tempDir();
    const missing = join(dir, 'nope.safetensors');
    const r = await cli(['info', '--checkpoint', missing]);
    expect(r.code).toBe(1);
    expect(r.errLines).toEqual([`kws-cli: ${missing}: cannot read (no such file)`]);
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, 'not a safetensors file at all');
    const r2 = await cli(['info', '--checkpoint', bad], { io: { debug: true } });
    expect(r2.code).toBe(1);
    expect(r2.errLines[0]).toMatch(new RegExp(`^kws-cli: ${bad}: .+`));
    expect(r2.errLines.length).toBe(2);
    expect(r2.errLines[1]).toMatch(/\n\s+at /);
  });
});
