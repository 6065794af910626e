/**
 * What the study trains with. Two recipes:
 *   presets  the report's settings as the distill presets hold them (T 10, reading A of the loss
 *            weights, lr 3e-3 constant), teacher 20 epochs and students 30 (the course's and the
 *            presets'); the default with --data.
 *   tuned    the default on the built-in data: the teacher as `kws-cli train` trains it there
 *            (12 epochs), and per student the distill flags chosen on the validation split of the
 *            built-in data (README, "Tuning the students"; the test split only reports).
 * `--hard-weight-reading B` swaps the presets' loss weights for the report's other reading
 * (w → 1 − w), in either recipe.
 */
import { distillPreset } from '@kws/distill';
import { BUILT_IN_RECIPE } from '../commands/train.js';
import type { StudyModel } from './plan.js';

export const RECIPES = ['tuned', 'presets'] as const;
export type RecipeName = (typeof RECIPES)[number];

export interface Recipe {
  teacherEpochs: number;
  studentEpochs: number;
  /** Flags added to each student's `distill` command (after --preset). */
  students: Readonly<Partial<Record<StudyModel, readonly string[]>>>;
}

const PRESETS: Recipe = { teacherEpochs: 20, studentEpochs: 30, students: {} };

/** Chosen on seed 0's validation split; see the README's tuning table for what else was tried. */
const TUNED_STUDENT = ['--lr-schedule', 'cosine'];
const TUNED: Recipe = {
  teacherEpochs: BUILT_IN_RECIPE.epochs,
  studentEpochs: 12,
  students: { exp1: TUNED_STUDENT, exp2: TUNED_STUDENT, exp3: TUNED_STUDENT, exp4: TUNED_STUDENT },
};

/**
 * The recipe by name, with reading B of the loss weights when asked.
 * @example recipeOf('presets', 'A').studentEpochs // 30
 */
export function recipeOf(name: RecipeName, reading: 'A' | 'B'): Recipe {
  const r = name === 'tuned' ? TUNED : PRESETS;
  if (reading === 'A') return r;
  const students: Partial<Record<StudyModel, readonly string[]>> = {};
  for (const m of ['exp1', 'exp2', 'exp3', 'exp4'] as const) {
    const own = r.students[m] ?? [];
    const w = hardWeightOf(own) ?? distillPreset(m).hardWeight;
    students[m] = [...withoutFlag(own, '--hard-weight'), '--hard-weight', String(Number((1 - w).toFixed(6)))];
  }
  return { ...r, students };
}

function hardWeightOf(argv: readonly string[]): number | undefined {
  const i = argv.indexOf('--hard-weight');
  return i < 0 ? undefined : Number(argv[i + 1]);
}

function withoutFlag(argv: readonly string[], flag: string): string[] {
  const i = argv.indexOf(flag);
  return i < 0 ? [...argv] : [...argv.slice(0, i), ...argv.slice(i + 2)];
}
