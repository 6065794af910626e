/**
 * `writeReport`: run folders in, report folder out: report.html (self-contained), report.md
 * (the table), and each figure as .svg and .png.
 */
import { mkdirSync } from 'node:fs';
import { writeOutput } from '../paths.js';
import { join } from 'node:path';
import { THRESHOLD_FACTOR } from '@kws/distill';
import { costFigure, curvesFigure, renderSvg, svgToPng, type Figure } from './charts.js';
import { htmlReport, markdownReport, notes } from './document.js';
import { modelRows, pickBaseline, readRun, type ModelRow } from './models.js';

export interface ReportOptions {
  out: string;
  /** The teacher run's folder or name (default: the run with the most MACs). */
  baseline?: string;
  /** Timed forward passes per measurement (the median is reported). */
  timingRuns: number;
}

export interface ReportResult {
  rows: ModelRow[];
  files: string[];
  baseline: string;
}

/**
 * Write the report for `dirs` into `opts.out`.
 * @example await writeReport(['runs/teacher', 'runs/exp1'], { out: 'reports/latest', timingRuns: 5 });
 */
export async function writeReport(dirs: readonly string[], opts: ReportOptions): Promise<ReportResult> {
  const runs = dirs.map(readRun);
  const base = pickBaseline(runs, opts.baseline);
  const rows = modelRows(runs, { baseline: base.dir, timingRuns: opts.timingRuns });
  const baseRow = rows[runs.indexOf(base)];
  const threshold = THRESHOLD_FACTOR * baseRow.auFaFr;
  const figures: Figure[] = [curvesFigure(rows, threshold), costFigure(rows, threshold, 'macs'), costFigure(rows, threshold, 'memory')];
  mkdirSync(opts.out, { recursive: true });
  const files: string[] = [];
  const put = (name: string, data: string | Buffer): void => {
    const path = join(opts.out, name);
    writeOutput(path, data);
    files.push(path);
  };
  const rendered: { figure: Figure; svg: string }[] = [];
  for (const figure of figures) {
    const svg = await renderSvg(figure.spec);
    put(`${figure.id}.svg`, svg);
    put(`${figure.id}.png`, await svgToPng(svg));
    rendered.push({ figure, svg });
  }
  const noteLines = notes(rows, threshold, base.name, opts.timingRuns);
  put('report.md', markdownReport(rows, figures, noteLines).join('\n'));
  put('report.html', htmlReport(rows, rendered, noteLines));
  return { rows, files, baseline: base.name };
}
