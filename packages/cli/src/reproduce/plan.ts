/**
 * The study `kws-cli reproduce` runs: the teacher and the report's three students, each with
 * several seeds (a seed drives initialisation and every epoch's sampling). Student seed s learns
 * from teacher seed s, so the spread over seeds includes the teacher's. Each run is a plain
 * `train` or `distill` run folder under the study folder, so it can be inspected, reported and
 * resumed like any other; a run's state decides what happens to it:
 *   done     history.jsonl reaches the wanted epochs and best.safetensors exists → skipped
 *   partial  last.safetensors or commit.json exists (a kill during a save's renames can leave
 *            the commit without last.safetensors; --resume finishes it) → `--resume --epochs E`
 *            (the trainer replays from there)
 *   new      otherwise → started
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readHistoryFile } from '@kws/distill';

export const STUDY_MODELS = ['teacher', 'exp1', 'exp2', 'exp3', 'exp4'] as const;
export type StudyModel = (typeof STUDY_MODELS)[number];

/** The report's own figures (shared/seed-report.md): memory and MACs ratios, epochs to the mark. */
export const REPORT_FIGURES: Readonly<Partial<Record<StudyModel, { memory: number; macs: number; epochs: number | null }>>> = {
  exp1: { memory: 11.7, macs: 10.3, epochs: null },
  exp2: { memory: 12.9, macs: 10.2, epochs: 25 },
  exp3: { memory: 19.2, macs: 10.3, epochs: 19 },
};

export interface StudyOptions {
  out: string;
  seeds: number;
  teacherEpochs: number;
  studentEpochs: number;
  models: readonly StudyModel[];
  /** Passed through to every run. */
  passThrough: string[];
  /** Added to a student's new `distill` run after its preset (the study's recipe; a resumed run keeps its config.json). */
  studentArgs?: Readonly<Partial<Record<StudyModel, readonly string[]>>>;
  /** Added to a teacher's new `train` run (the study's recipe). */
  teacherArgs?: readonly string[];
}

export interface PlannedRun {
  model: StudyModel;
  seed: number;
  dir: string;
  epochs: number;
  state: 'done' | 'partial' | 'new';
  argv: string[];
}

export const runDir = (out: string, model: StudyModel, seed: number): string => join(out, `${model}-s${seed}`);

function stateOf(dir: string, epochs: number): PlannedRun['state'] {
  const last = readHistoryFile(join(dir, 'history.jsonl')).at(-1)?.epoch ?? 0;
  if (last >= epochs && existsSync(join(dir, 'best.safetensors'))) return 'done';
  return ['last.safetensors', 'commit.json'].some((f) => existsSync(join(dir, f))) ? 'partial' : 'new';
}

/** The command line (after `kws-cli`) that starts or resumes one run. */
function argvOf(o: StudyOptions, model: StudyModel, seed: number, dir: string, epochs: number, state: PlannedRun['state']): string[] {
  const common = ['--out', dir, '--epochs', String(epochs), ...o.passThrough];
  if (state === 'partial') return [model === 'teacher' ? 'train' : 'distill', '--resume', ...common];
  if (model === 'teacher') return ['train', '--seed', String(seed), ...(o.teacherArgs ?? []), ...common];
  const teacher = join(runDir(o.out, 'teacher', seed), 'best.safetensors');
  return ['distill', '--teacher', teacher, '--preset', model, ...(o.studentArgs?.[model] ?? []), '--seed', String(seed), ...common];
}

/**
 * Every run of the study in order (teachers first: the students need them), with its state.
 * @example planStudy({ out: 'runs/reproduce', seeds: 3, teacherEpochs: 20, studentEpochs: 30, models: STUDY_MODELS, passThrough: [] })
 */
export function planStudy(o: StudyOptions): PlannedRun[] {
  const models = STUDY_MODELS.filter((m) => m === 'teacher' || o.models.includes(m));
  const runs: PlannedRun[] = [];
  for (const model of models) {
    for (let seed = 0; seed < o.seeds; seed++) {
      const dir = runDir(o.out, model, seed);
      const epochs = model === 'teacher' ? o.teacherEpochs : o.studentEpochs;
      const state = stateOf(dir, epochs);
      runs.push({ model, seed, dir, epochs, state, argv: argvOf(o, model, seed, dir, epochs, state) });
    }
  }
  return runs;
}
