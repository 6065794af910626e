/** The state `reproduce` gives a run folder decides whether it starts, resumes or skips the run. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-utils/run.js';
import { planStudy, runDir } from './plan.js';

describe('planStudy', () => {
  it('resumes a run whose first save a kill interrupted after its commit (commit.json, no last.safetensors yet)', () => {
    const out = tempDir('kws-plan-');
    const dir = runDir(out, 'teacher', 0);
    mkdirSync(dir);
    // run-commit.ts, step 3 not reached: the manifest is in place, the files still under .tmp.
    for (const name of ['commit.json', 'last.safetensors.tmp', 'last.optim.safetensors.tmp', 'config.json']) writeFileSync(join(dir, name), '{}\n');
    const [teacher] = planStudy({ out, seeds: 1, teacherEpochs: 2, studentEpochs: 2, models: ['teacher'], passThrough: [] });
    expect(teacher.state).toBe('partial');
    expect(teacher.argv.slice(0, 2)).toEqual(['train', '--resume']);
    const [fresh] = planStudy({ out, seeds: 1, teacherEpochs: 2, studentEpochs: 2, models: ['exp1'], passThrough: [] }).filter((r) => r.model === 'exp1');
    expect(fresh.state).toBe('new');
  });
});
