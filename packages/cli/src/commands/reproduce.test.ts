import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir, tinySpeechCommands } from '../test-utils/run.js';

interface Study {
  models: { model: string; seeds: number; test: { mean: number; sd: number }; testCi: { lo: number; hi: number }; passes: boolean | null; thresholdEpochs: (number | null)[] }[];
  runs: { model: string; seed: number; epochs: number; test: { auFaFr: number; frAtFa05: number } }[];
}

describe('kws-cli reproduce on a tiny data set', () => {
  it('trains teacher and a student over 2 seeds, measures, ships, and skips finished runs / resumes partial ones when rerun', async () => {
    const data = tinySpeechCommands();
    const out = tempDir('kws-repro-');
    const ship = join(out, 'models');
    const argv = ['reproduce', '--data', data, '--seeds', '2', '--epochs', '1', '--models', 'exp1', '--out', out, '--backend', 'cpu', '--threads', '1', '--real', data, '--ship', ship, '--timing-runs', '1'];
    const r = await cli(argv);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\[1\/4\] teacher seed 0, 1 epochs .*: starting: kws-cli train --seed 0 /m);
    expect(r.stdout).toMatch(/^\[4\/4\] exp1 seed 1, 1 epochs .*: starting: kws-cli distill --teacher .*teacher-s1\/best\.safetensors --preset exp1 --seed 1 /m);
    expect(r.stdout).toContain(' --backend cpu --threads 1');
    const study = JSON.parse(readFileSync(join(out, 'reproduce.json'), 'utf8')) as Study;
    expect(study.runs.map((x) => `${x.model}-${x.seed}`)).toEqual(['teacher-0', 'teacher-1', 'exp1-0', 'exp1-1']);
    const [teacher, exp1] = study.models;
    expect(teacher.seeds).toBe(2);
    const t = study.runs.filter((x) => x.model === 'teacher').map((x) => x.test.auFaFr);
    expect(teacher.test.mean).toBeCloseTo((t[0] + t[1]) / 2, 12);
    expect(teacher.testCi.lo).toBeLessThanOrEqual(teacher.testCi.hi);
    expect(exp1.passes).toBe(exp1.test.mean <= 1.1 * teacher.test.mean);
    expect(exp1.thresholdEpochs).toHaveLength(2);
    expect(readFileSync(join(out, 'reproduce.md'), 'utf8')).toContain("| exp1 | 2 | 4,737 |");
    expect(existsSync(join(out, 'report', 'report.md'))).toBe(true);
    expect(existsSync(join(ship, 'exp1.safetensors')) && existsSync(join(ship, 'models.json'))).toBe(true);

    // Rerun asking the students for a second epoch: the teachers are skipped, the students resume.
    const more = await cli([...argv, '--student-epochs', '2']);
    expect(more.code, more.stderr).toBe(0);
    expect(more.stdout).toMatch(/^\[1\/4\] teacher seed 0, 1 epochs .*: finished already, skipped$/m);
    expect(more.stdout).toMatch(/^\[4\/4\] exp1 seed 1, 2 epochs .*: resuming: kws-cli distill --resume --out /m);
    const after = JSON.parse(readFileSync(join(out, 'reproduce.json'), 'utf8')) as Study;
    expect(after.runs.map((x) => x.epochs)).toEqual([1, 1, 2, 2]);
  }, 300_000);
});
