/**
 * `kws-cli reproduce`: the report's study end to end, over seeds. Trains the teacher and the
 * students exp1-exp3 (each `--seeds` times; see reproduce/plan.ts for resuming), scores every
 * best checkpoint on the test split (and `--real DIR`), and writes <out>/reproduce.md and
 * reproduce.json (mean ± sd over seeds, bootstrap intervals, FR at fixed FA, the pass mark,
 * epochs to the mark, the report's figures beside ours) plus the usual report of the seed-0
 * runs in <out>/report.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineCommand } from '../command.js';
import { computeFlags } from '../compute.js';
import { UsageError } from '../errors.js';
import { clock, shown } from '../format.js';
import { aggregate, loadClipSets, measureRun, type RunFigures } from '../reproduce/measure.js';
import { shipModels } from '../reproduce/ship.js';
import { planStudy, runDir, STUDY_MODELS, type StudyModel } from '../reproduce/plan.js';
import { recipeOf, RECIPES } from '../reproduce/recipe.js';
import { studyMarkdown } from '../reproduce/table.js';
import { distill } from './distill.js';
import { report } from './report.js';
import { train } from './train.js';

const flags = {
  out: { type: 'string', default: 'runs/reproduce', metavar: 'DIR', help: 'the study folder: one run folder per model and seed (<model>-s<seed>), reproduce.md/json, report/' },
  seeds: { type: 'int', range: 'positive', default: 3, metavar: 'N', help: 'seeds 0..N-1 for every model (a seed drives initialisation and sampling; student seed s learns from teacher seed s)' },
  recipe: { type: 'string', choices: [...RECIPES], defaultText: 'tuned on the built-in data, presets with --data', help: "tuned: the teacher as train trains it on the built-in data (12 epochs) but with the course's per-clip augmentation (--augment, as the study was run; both recipes give the teacher it) and the students as chosen there on the validation split (24 epochs; the soft term weighted 0.7 for every student, i.e. exp1/exp3 --hard-weight 0.3; lr 1e-3 for exp1-exp3, the preset's 3e-3 for exp4; README, \"Tuning the students\"); presets: the report's settings as the distill presets hold them (T 10, reading A, lr 3e-3), teacher 20 and students 30 epochs" },
  hardWeightReading: { type: 'string', choices: ['A', 'B'], default: 'A', help: "the report's two readings of its loss weights (see distill --help): A as the presets (exp1/exp3 w 0.6, exp2/exp4 0.3), B the other (w -> 1 - w)" },
  epochs: { type: 'int', range: 'positive', metavar: 'E', defaultText: "the recipe's", help: 'epochs for every run (overridden by the two flags below)' },
  teacherEpochs: { type: 'int', range: 'positive', metavar: 'E', defaultText: "--epochs, else the recipe's: tuned 12, presets 20", help: "the teacher's epochs" },
  studentEpochs: { type: 'int', range: 'positive', metavar: 'E', defaultText: "--epochs, else the recipe's: tuned 8, presets 30", help: "the students' epochs" },
  models: { type: 'string', default: 'exp1,exp2,exp3,exp4', metavar: 'LIST', help: "the students to run (comma-separated; exp4 is beyond the report); the teacher always runs" },
  data: { type: 'string', metavar: 'DIR', help: 'a Speech Commands folder (default: the built-in synthetic set, as train)' },
  real: { type: 'string', metavar: 'DIR', help: 'also score every model on all the clips of this folder (measuring only, never training)' },
  backend: { ...computeFlags.backend, default: undefined, defaultText: "train's, wasm", help: 'passed to every train/distill run (cpu|wasm|gpujs; see train --help)' },
  threads: { type: 'int', range: 'positive', metavar: 'N', help: 'passed to every train/distill run' },
  noTrain: { type: 'boolean', help: 'only measure and write the tables (every run must be finished)' },
  timingRuns: { type: 'int', range: 'positive', default: 5, metavar: 'N', help: "timed forward passes per speed figure in the seed-0 report (as report's --timing-runs)" },
  ship: { type: 'string', metavar: 'DIR', help: "copy each model's best seed (by validation au_fa_fr) to DIR/<model>.safetensors with DIR/models.json (packages/cli/models is what --model loads)" },
} as const;

function parseModels(list: string, path: string): StudyModel[] {
  const names = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const n of names) if (!(STUDY_MODELS as readonly string[]).includes(n) || n === 'teacher') throw new UsageError(`--models: unknown student '${n}' (choose from exp1, exp2, exp3, exp4)`, path);
  return names as StudyModel[];
}

export const reproduce = defineCommand({
  name: 'reproduce',
  summary: "the report's study over seeds: teacher + exp1-exp3, mean ± sd, intervals, pass mark, report",
  description: [
    "Runs every (model, seed) as a train/distill run folder under --out, skipping finished runs and resuming partial ones (--resume), so rerunning the same command continues where it stopped. Then scores each best checkpoint on the test split: au_fa_fr with a 95% bootstrap interval, FR at FA 0.5% and 1% of the other clips, and au_fa_fr on --real clips; per model the mean ± sd over seeds. A student passes when its mean test au_fa_fr <= 1.1 x the teacher's mean.",
    "On the built-in data the default recipe ('tuned') trains the teacher 12 epochs (with the course's per-clip augmentation) and the students 24, exp1/exp3 with --hard-weight 0.3, exp1-exp3 with --lr 1e-3; --recipe presets runs the report's settings (20 + 30 epochs, hours on two cores). --epochs/--seeds make a small study.",
  ],
  flags,
  examples: ['kws-cli reproduce', 'kws-cli reproduce --seeds 3 --epochs 3 --out runs/repro-small', 'kws-cli reproduce --real ../shared/data/speech_commands_v0.01_subset --no-train'],
  async run(args, io, path) {
    const f = args.flags;
    const t0 = performance.now();
    const out = resolve(f.out);
    const passThrough = [
      ...(f.data !== undefined ? ['--data', f.data] : []),
      ...(f.backend !== undefined ? ['--backend', f.backend] : []),
      ...(f.threads !== undefined ? ['--threads', String(f.threads)] : []),
    ];
    const recipe = recipeOf(f.recipe ?? (f.data === undefined ? 'tuned' : 'presets'), f.hardWeightReading === 'B' ? 'B' : 'A');
    const teacherEpochs = f.teacherEpochs ?? f.epochs ?? recipe.teacherEpochs;
    const studentEpochs = f.studentEpochs ?? f.epochs ?? recipe.studentEpochs;
    const plan = planStudy({ out, seeds: f.seeds, teacherEpochs, studentEpochs, models: parseModels(f.models, path), passThrough, studentArgs: recipe.students, teacherArgs: recipe.teacher });
    for (const [i, run] of plan.entries()) {
      const label = `[${i + 1}/${plan.length}] ${run.model} seed ${run.seed}, ${run.epochs} epochs (${clock((performance.now() - t0) / 1000)} elapsed)`;
      if (run.state === 'done') {
        io.out(`${label}: finished already, skipped`);
        continue;
      }
      if (f.noTrain) throw new Error(`${shown(run.dir)} is not finished (--no-train measures finished runs only)`);
      io.out(`${label}: ${run.state === 'partial' ? 'resuming' : 'starting'}: kws-cli ${run.argv.join(' ')}`);
      const code = await (run.model === 'teacher' ? train : distill).run(run.argv.slice(1), io);
      if (code !== 0) {
        io.out(`stopped at ${run.model} seed ${run.seed}; run the same command again to resume`);
        return code;
      }
    }
    const sets = loadClipSets(io, runDir(out, 'teacher', 0), f.real);
    const measured = plan.map((r) => measureRun(r, sets));
    const runs: RunFigures[] = measured.map((m) => m.figures);
    const models = aggregate(runs, measured.map((m) => m.probs), sets.test.labels);
    const keyword = sets.test.labels.reduce((s, y) => s + y, 0);
    const wallSeconds = (performance.now() - t0) / 1000;
    const md = studyMarkdown(models, runs, { testClips: sets.test.labels.length, testKeyword: keyword, realClips: sets.real?.labels.length, wallSeconds });
    writeFileSync(join(out, 'reproduce.md'), `${md.join('\n')}\n`);
    writeFileSync(join(out, 'reproduce.json'), `${JSON.stringify({ models, runs, wallSeconds }, null, 2)}\n`);
    md.slice(4, 5 + models.length + 1).forEach((l) => io.out(l));
    const seed0 = plan.filter((r) => r.seed === 0).map((r) => r.dir);
    await report.run([...seed0, '--out', join(out, 'report'), '--timing-runs', String(f.timingRuns)], { ...io, out: () => undefined });
    if (f.ship !== undefined) {
      const files = shipModels(resolve(f.ship), runs, models, ['kws-cli', 'reproduce', ...args.argv].join(' '));
      io.out(`shipped ${files.join(', ')} and models.json to ${shown(resolve(f.ship))}`);
    }
    io.out(`wrote ${shown(join(out, 'reproduce.md'))}, reproduce.json and the seed-0 report in ${shown(join(out, 'report'))}`);
    return 0;
  },
});
