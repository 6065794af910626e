import { describe, expect, it } from 'vitest';
import { planStudy } from './plan.js';
import { recipeOf } from './recipe.js';

describe('the study recipes', () => {
  it('presets: the report\'s settings, 20 + 30 epochs, nothing added to the presets', () => {
    const r = recipeOf('presets', 'A');
    expect([r.teacherEpochs, r.studentEpochs]).toEqual([20, 30]);
    expect(r.students).toEqual({});
  });

  it('reading B: w = 1 - the preset\'s w, in place of any weight the recipe chose', () => {
    for (const name of ['presets', 'tuned'] as const) {
      const b = recipeOf(name, 'B').students;
      // The weight comes last, once; the recipe's other flags (tuned: --lr) stay.
      expect([b.exp1, b.exp2, b.exp3, b.exp4].map((a) => a?.slice(-2))).toEqual([['--hard-weight', '0.4'], ['--hard-weight', '0.7'], ['--hard-weight', '0.4'], ['--hard-weight', '0.7']]);
      for (const a of [b.exp1, b.exp2, b.exp3, b.exp4]) expect(a?.filter((x) => x === '--hard-weight')).toHaveLength(1);
      if (name === 'tuned') expect(b.exp1?.slice(0, 2)).toEqual(['--lr', '1e-3']);
    }
  });

  it('tuned: the teacher as train trains it on the built-in data, the students with the soft term weighted 0.7', () => {
    const r = recipeOf('tuned', 'A');
    expect([r.teacherEpochs, r.studentEpochs]).toEqual([12, 24]);
    expect(r.students).toEqual({ exp1: ['--hard-weight', '0.3', '--lr', '1e-3'], exp2: ['--lr', '1e-3'], exp3: ['--hard-weight', '0.3', '--lr', '1e-3'], exp4: [] });
  });

  it("tuned: a new student run gets its flags after the preset; the teacher the course's augmentation and weight decay", () => {
    const r = recipeOf('tuned', 'A');
    expect(recipeOf('presets', 'B').teacher).toEqual(['--augment', '--weight-decay', '1e-5']);
    const plan = planStudy({ out: '/nonexistent/study', seeds: 1, teacherEpochs: r.teacherEpochs, studentEpochs: r.studentEpochs, models: ['exp2'], passThrough: [], studentArgs: r.students, teacherArgs: r.teacher });
    expect(plan[0].argv.slice(0, 6)).toEqual(['train', '--seed', '0', '--augment', '--weight-decay', '1e-5']);
    expect(plan[1].argv.slice(0, 5 + (r.students.exp2?.length ?? 0))).toEqual(['distill', '--teacher', '/nonexistent/study/teacher-s0/best.safetensors', '--preset', 'exp2', ...(r.students.exp2 ?? [])]);
    expect(plan[1].epochs).toBe(r.studentEpochs);
  });
});
