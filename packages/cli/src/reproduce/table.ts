/**
 * The study's Markdown: one row per model (mean ± sd over seeds beside the report's figures),
 * then one row per run, then how it was measured.
 */
import { THRESHOLD_FACTOR } from '@kws/distill';
import { int, pct, sci } from '../format.js';
import type { ModelFigures, RunFigures } from './measure.js';
import { REPORT_FIGURES } from './plan.js';

const pm = (m: { mean: number; sd: number }, f: (x: number) => string): string => `${f(m.mean)} ± ${f(m.sd)}`;
const pctPm = (m: { mean: number; sd: number }): string => pm(m, (x) => pct(x, 1));

function modelLine(m: ModelFigures, mark: number): string {
  const rep = REPORT_FIGURES[m.model];
  const ratio = (ours: number, theirs: number | undefined): string => `${ours.toFixed(1)}x${theirs === undefined ? '' : ` (${theirs}x)`}`;
  const epochs = m.model === 'teacher' ? '—' : `${m.thresholdEpochs.map((e) => e ?? '—').join(', ')}${rep?.epochs ? ` (${rep.epochs})` : ''}`;
  const times = `${(m.test.mean / (mark / THRESHOLD_FACTOR)).toFixed(2)}x the teacher`;
  const verdict = m.passes === null ? '—' : `${m.passes ? 'yes' : 'no'} (${times})`;
  return `| ${m.model} | ${m.seeds} | ${int(m.parameters)} | ${int(m.bytes)} (${m.dtype}) | ${int(m.macs)} | ${ratio(m.memoryRatio, rep?.memory)} | ${ratio(m.macsRatio, rep?.macs)} | ${pm(m.test, sci)} | [${sci(m.testCi.lo)}, ${sci(m.testCi.hi)}] | ${pctPm(m.frAtFa05)} | ${pctPm(m.frAtFa1)} | ${m.real ? pm(m.real, sci) : '—'} | ${epochs} | ${verdict} |`;
}

function runLine(r: RunFigures): string {
  const real = r.real ? `${sci(r.real.auFaFr)} [${sci(r.real.ci.lo)}, ${sci(r.real.ci.hi)}]` : '—';
  return `| ${r.model} | ${r.seed} | ${r.epochs} | ${r.bestEpoch} | ${sci(r.valAuFaFr)} | ${sci(r.test.auFaFr)} [${sci(r.test.ci.lo)}, ${sci(r.test.ci.hi)}] | ${pct(r.test.frAtFa05, 1)} | ${pct(r.test.frAtFa1, 1)} | ${real} | ${r.thresholdEpoch ?? '—'} | ${Math.round(r.trainSeconds)} |`;
}

/**
 * @example studyMarkdown(models, runs, { testClips: 434, testKeyword: 15, wallSeconds: 3600 })
 */
export function studyMarkdown(models: readonly ModelFigures[], runs: readonly RunFigures[], o: { testClips: number; testKeyword: number; realClips?: number; wallSeconds: number }): string[] {
  const teacher = models.find((m) => m.model === 'teacher');
  const mark = THRESHOLD_FACTOR * (teacher?.test.mean ?? NaN);
  return [
    '# The study, reproduced over seeds',
    '',
    `Pass mark: mean test au_fa_fr ≤ ${THRESHOLD_FACTOR} × the teacher's mean = ${sci(mark)}. Test split: ${int(o.testClips)} clips (${int(o.testKeyword)} keyword)${o.realClips ? `; real clips: ${int(o.realClips)}` : ''}.`,
    '',
    "| model | seeds | params | state_dict bytes | MACs | memory ratio (report's) | MACs ratio (report's) | test au_fa_fr, mean ± sd | 95% interval of the mean | FR at FA 0.5% | FR at FA 1% | real-clip au_fa_fr | epochs to mark, per seed (report's) | passes |",
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...models.map((m) => modelLine(m, mark)),
    '',
    '| model | seed | epochs | best epoch (val) | best val au_fa_fr | test au_fa_fr [95% interval] | FR at FA 0.5% | FR at FA 1% | real au_fa_fr [95% interval] | epoch reaching 1.1 × its teacher (val) | training s |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...runs.map(runLine),
    '',
    `Wall time of this invocation: ${Math.round(o.wallSeconds)} s; training time summed over the runs' epochs: ${Math.round(runs.reduce((s, r) => s + r.trainSeconds, 0))} s.`,
    '',
    'How it is measured: each run\'s best-validation checkpoint is scored on the test split. "95% interval of the mean": 1,000 resamples of the test clips with replacement (seed 0), the mean au_fa_fr over the seeds\' models on each resample, 2.5th-97.5th percentiles. "FR at FA a": share of keyword clips rejected when at most ⌊a × other clips⌋ other clips are accepted (both rates over their own class, unlike au_fa_fr). ± is the sample standard deviation over seeds. "Epochs to mark" counts as the report does: the first epoch whose validation au_fa_fr is ≤ 1.1 × the same-seed teacher\'s (— never). Memory is the safetensors state_dict bytes; MACs by thop\'s rules.',
  ];
}
