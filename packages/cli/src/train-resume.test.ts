/**
 * `train --resume` on a toy folder made in the test: a conflicting flag is refused before anything
 * is written; a save that a kill interrupted is finished before the folder is judged.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readHistoryFile } from '@kws/distill';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './test-utils/run.js';
import { toyFolder } from './test-utils/toy-folder.js';

describe('kws-cli train --resume', () => {
  const data = toyFolder();
  const base = ['--data', data, '--batch-size', '8', '--arch', 'exp1', '--no-augment', '--no-spec-augment'];

  it('refuses a flag that conflicts with the run, naming it, and leaves the run resumable', async () => {
    const out = join(tempDir(), 'run');
    const r = await cli(['train', ...base, '--epochs', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const config = readFileSync(join(out, 'config.json'), 'utf8');

    const bad = await cli(['train', '--resume', '--out', out, '--arch', 'teacher']);
    expect(bad.code).toBe(1);
    expect(bad.errLines).toHaveLength(1);
    expect(bad.errLines[0]).toMatch(/--arch teacher conflicts with the run in .*, which has --arch exp1; drop --arch/);
    expect(readFileSync(join(out, 'config.json'), 'utf8')).toBe(config);

    // With saved options that lost their arch (a hand-edited config.json), the checkpoint's model is checked.
    const json = JSON.parse(config) as { options: Record<string, unknown> };
    delete json.options.arch;
    writeFileSync(join(out, 'config.json'), JSON.stringify(json));
    const bad2 = await cli(['train', '--resume', '--out', out, '--arch', 'teacher', '--data', data]);
    expect(bad2.code).toBe(1);
    expect(bad2.errLines[0]).toMatch(/--arch teacher conflicts with the run in .*: its model has [\d,]+ parameters, --arch teacher asks for 70,443/);
    writeFileSync(join(out, 'config.json'), config);

    const ok = await cli(['train', '--resume', '--out', out, '--epochs', '2']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readHistoryFile(join(out, 'history.jsonl')).map((x) => x.epoch)).toEqual([1, 2]);
  });

  it("refuses a config.json that is missing, has no options, or holds a value its flag refuses", async () => {
    const out = join(tempDir(), 'edited');
    expect((await cli(['train', ...base, '--epochs', '1', '--out', out])).code).toBe(0);
    const path = join(out, 'config.json');
    const config = readFileSync(path, 'utf8');
    const edit = (options: Record<string, unknown>): void => {
      const json = JSON.parse(config) as { options: Record<string, unknown> };
      writeFileSync(path, JSON.stringify({ ...json, options: { ...json.options, ...options } }));
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ lr: -1 }, "options.lr -1 is not valid (--lr must be a positive number, got '-1'); correct it, or give --lr again"],
      [{ batchSize: -5 }, "options.batchSize -5 is not valid (--batch-size must be a positive integer, got '-5')"],
      [{ batchSize: 'abc' }, 'options.batchSize "abc" is not valid (--batch-size takes an integer, got "abc")'],
      [{ seed: 2.5 }, "(--seed must be a non-negative integer, got '2.5')"],
      [{ split: 'sideways' }, "(--split must be one of official, random, got 'sideways')"],
      [{ noAugment: 'yes' }, '(--no-augment takes a boolean, got "yes")'],
    ];
    for (const [options, message] of cases) {
      edit(options);
      const r = await cli(['train', '--resume', '--out', out, '--epochs', '2']);
      expect(r.code, JSON.stringify(options)).toBe(1);
      expect(r.errLines).toHaveLength(1);
      expect(r.errLines[0]).toMatch(new RegExp(`^kws-cli: ${path}: options\\.`));
      expect(r.errLines[0]).toContain(message);
    }
    // A value the user gives again is not read from the file.
    edit({ lr: -1 });
    expect((await cli(['train', '--resume', '--out', out, '--epochs', '1', '--lr', '0.001'])).code).toBe(0);
    writeFileSync(path, '{"model": {}}');
    const none = await cli(['train', '--resume', '--out', out, '--epochs', '2']);
    expect(none.errLines).toEqual([`kws-cli: ${path}: no "options" object; --resume needs the run's config.json (its data, recipe and flags); start a new run with another --out`]);
    rmSync(path);
    const missing = await cli(['train', '--resume', '--out', out, '--epochs', '2']);
    expect(missing.code).toBe(1);
    expect(missing.errLines).toEqual([`kws-cli: ${path}: no such file; --resume needs the run's config.json (its data, recipe and flags); start a new run with another --out`]);
    expect(readHistoryFile(join(out, 'history.jsonl')).map((x) => x.epoch)).toEqual([1]);
  });

  it('Ctrl-C says what the folder keeps; --resume then finishes', async () => {
    const out = join(tempDir(), 'stopped');
    const onInterrupt = (handler: () => void): (() => void) => {
      handler(); // as if Ctrl-C came during the first step
      return () => undefined;
    };
    const r = await cli(['train', ...base, '--epochs', '1', '--out', out], { io: { onInterrupt } });
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/stopped during epoch 1; .* keeps the initial weights \(no epoch finished\), and --resume replays epoch 1 from its start\. Resume with: npx kws-cli train --resume --out /);
    const resumed = await cli(['train', '--resume', '--out', out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readHistoryFile(join(out, 'history.jsonl')).map((x) => x.epoch)).toEqual([1]);
  });

  it('a kill during the first commit\'s renames leaves a run that --resume continues', async () => {
    const out = join(tempDir(), 'torn');
    const onInterrupt = (handler: () => void): (() => void) => {
      handler();
      return () => undefined;
    };
    expect((await cli(['train', ...base, '--epochs', '1', '--out', out], { io: { onInterrupt } })).code).toBe(130);
    // Undo the renames that follow commit.json's (run-commit.ts, step 3): the kill came right after it.
    const manifest = JSON.parse(readFileSync(join(out, 'commit.json'), 'utf8')) as { epoch: number; files: Record<string, string> };
    expect(manifest.epoch).toBe(0);
    for (const name of Object.keys(manifest.files)) renameSync(join(out, name), join(out, `${name}.tmp`));

    const fresh = await cli(['train', ...base, '--epochs', '1', '--out', out]);
    expect(fresh.code).toBe(1);
    expect(fresh.errLines).toEqual([expect.stringMatching(/already holds a training run; continue it with --resume --out /)]);
    const resumed = await cli(['train', '--resume', '--out', out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readHistoryFile(join(out, 'history.jsonl')).map((x) => x.epoch)).toEqual([1]);
  });
});
