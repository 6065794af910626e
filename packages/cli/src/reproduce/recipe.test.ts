import { describe, expect, it } from 'vitest';
import { planStudy } from './plan.js';
import { recipeOf } from './recipe.js';

describe('the study recipes', () => {
  it('presets: the report\'s settings, 20 + 30 epochs, nothing added to the presets', () => {
    const r = recipeOf('presets', 'A');
    expect([r.teacherEpochs, r.studentEpochs]).toEqual([20, 30]);
    expect(r.students).toEqual({});
  });

  it('reading B swaps each preset\'s hard weight w for 1 - w and keeps the recipe\'s other flags', () => {
    const b = recipeOf('presets', 'B').students;
    expect([b.exp1, b.exp2, b.exp3, b.exp4]).toEqual([['--hard-weight', '0.4'], ['--hard-weight', '0.7'], ['--hard-weight', '0.4'], ['--hard-weight', '0.7']]);
    const tunedA = recipeOf('tuned', 'A').students.exp1 ?? [];
    const tunedB = recipeOf('tuned', 'B').students.exp1 ?? [];
    expect(tunedB.filter((x, i) => x !== '--hard-weight' && tunedB[i - 1] !== '--hard-weight')).toEqual(tunedA.filter((x, i) => x !== '--hard-weight' && tunedA[i - 1] !== '--hard-weight'));
  });

  it('tuned: a new student run gets its flags after the preset; the teacher none', () => {
    const r = recipeOf('tuned', 'A');
    const plan = planStudy({ out: '/nonexistent/study', seeds: 1, teacherEpochs: r.teacherEpochs, studentEpochs: r.studentEpochs, models: ['exp2'], passThrough: [], studentArgs: r.students });
    expect(plan[0].argv.slice(0, 3)).toEqual(['train', '--seed', '0']);
    expect(plan[1].argv.slice(0, 5 + (r.students.exp2?.length ?? 0))).toEqual(['distill', '--teacher', '/nonexistent/study/teacher-s0/best.safetensors', '--preset', 'exp2', ...(r.students.exp2 ?? [])]);
    expect(plan[1].epochs).toBe(r.studentEpochs);
  });
});
