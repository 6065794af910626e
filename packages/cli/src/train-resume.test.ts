/**
 * `train --resume` on a toy folder made in the test: a conflicting flag is refused before anything
 * is written; a save that a kill interrupted is finished before the folder is judged.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
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

    // Without saved options (a hand-edited config.json), the checkpoint's model is checked.
    writeFileSync(join(out, 'config.json'), '{}\n');
    const bad2 = await cli(['train', '--resume', '--out', out, '--arch', 'teacher', '--data', data]);
    expect(bad2.code).toBe(1);
    expect(bad2.errLines[0]).toMatch(/--arch teacher conflicts with the run in .*: its model has [\d,]+ parameters, --arch teacher asks for 70,443/);
    expect(readFileSync(join(out, 'config.json'), 'utf8')).toBe('{}\n');
    writeFileSync(join(out, 'config.json'), config);

    const ok = await cli(['train', '--resume', '--out', out, '--epochs', '2']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readHistoryFile(join(out, 'history.jsonl')).map((x) => x.epoch)).toEqual([1, 2]);
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
