/**
 * The report's text: the model table (Markdown for report.md, HTML for report.html) and the
 * self-contained HTML page with the SVG figures inlined. Ratios are teacher / model, so the
 * teacher's own row reads 1.0x.
 */
import { bytes, int, sci } from '../format.js';
import type { Figure } from './charts.js';
import type { ModelRow } from './models.js';

export const COLUMNS = [
  'model', 'architecture', 'parameters', 'state_dict bytes', 'MACs', 'ms/clip (batch 1)', 'ms/clip (batch 128)',
  'au_fa_fr', 'epochs to threshold', 'memory ratio', 'MACs ratio',
] as const;

const ratio = (x: number): string => `${x.toFixed(1)}x`;
const ms = (x: number): string => (x >= 1 ? x.toFixed(2) : x.toFixed(3));

/** The cells of one row, in COLUMNS order. @example cells(row)[0] // the model's name */
export function cells(r: ModelRow): string[] {
  const reached = r.thresholdEpoch === null ? `not reached in ${r.epochs}` : String(r.thresholdEpoch);
  return [
    r.name,
    r.architecture,
    int(r.parameters),
    `${int(r.bytes)} (${r.dtype}, ${bytes(r.bytes)})`,
    int(r.macs),
    ms(r.msBatch1),
    ms(r.msBatch128),
    `${sci(r.auFaFr)}${r.passes ? '' : ' (fails)'}`,
    reached,
    ratio(r.memoryRatio),
    ratio(r.macsRatio),
  ];
}

const escMd = (s: string): string => s.replace(/\|/g, '\\|');

/**
 * The Markdown table, one row per model.
 * @example markdownTable(rows).join('\n')
 */
export function markdownTable(rows: readonly ModelRow[]): string[] {
  return [
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${cells(r).map(escMd).join(' | ')} |`),
  ];
}

/** Which word the models spot; runs of different words cannot be compared, and the note says so. */
function keywordNote(rows: readonly ModelRow[]): string {
  const words = [...new Set(rows.map((r) => r.keyword))];
  if (words.length === 1) return `Keyword: '${words[0]}' (every model).`;
  return `Keywords differ, so the figures do not compare: ${rows.map((r) => `${r.name} '${r.keyword}'`).join(', ')}.`;
}

/**
 * Text the page and the Markdown share: what the figures mean and how they were measured.
 * @example notes(rows, threshold, 'teacher-synth', 5)
 */
export function notes(rows: readonly ModelRow[], threshold: number, baseline: string, timingRuns: number): string[] {
  const passing = rows.filter((r) => r.passes).map((r) => r.name);
  return [
    keywordNote(rows),
    `Baseline (teacher): ${baseline}. Pass mark: au_fa_fr ≤ 1.1 × the teacher's best = ${sci(threshold)} on the same validation set${rows.some((r) => r.threshold !== threshold) ? " (distillation runs use their own measurement of the teacher, stored in summary.json)" : ''}.`,
    `Passing: ${passing.length > 0 ? passing.join(', ') : 'none'}. Epochs to threshold: the first epoch at or below the pass mark (for the teacher itself: within 1.1x of its own best).`,
    'au_fa_fr: the best epoch\'s validation value. Memory: bytes of the saved state_dict (safetensors, weights as stored). MACs: per 1 s clip by thop\'s rules. Ratios: teacher / model.',
    `Time: eval-mode forward on this machine's CPU (fp32 compute, also for F16-stored weights), median of ${timingRuns} runs after three warm-up runs, per clip.`,
  ];
}

/**
 * report.md: the notes, the table, the figures and the commands that made each run.
 * @example writeFileSync('report.md', markdownReport(rows, figures, notesLines).join('\n'));
 */
export function markdownReport(rows: readonly ModelRow[], figures: readonly Figure[], noteLines: readonly string[]): string[] {
  const commands = rows.flatMap((r) => r.commands.map((c) => `    ${c}    # ${r.name}`));
  return [
    '# Compression report',
    '',
    ...noteLines.flatMap((l) => [l, '']),
    ...markdownTable(rows),
    '',
    ...figures.flatMap((f) => [`## ${f.title}`, '', `![${f.title}](${f.id}.svg)`, '', f.caption, '']),
    ...(commands.length > 0 ? ['## Commands', '', ...commands, ''] : []),
  ];
}

const escHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function htmlTable(rows: readonly ModelRow[]): string {
  const head = COLUMNS.map((c) => `<th>${escHtml(c)}</th>`).join('');
  const body = rows.map((r) => `<tr class="${r.passes ? 'pass' : 'fail'}">${cells(r).map((c) => `<td>${escHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

const STYLE = `body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;color:#222}
table{border-collapse:collapse;font-size:13px;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px}
td:nth-child(n+3){text-align:right}tr.fail td:nth-child(8){color:#b00}figure{margin:2em 0}
figcaption{font-size:13px;color:#555;max-width:700px}pre{background:#f6f6f6;padding:8px;font-size:12px;overflow-x:auto}`;

/**
 * The self-contained page: no external file, script or font.
 * @example writeFileSync('report.html', htmlReport(rows, figures.map((f) => ({ figure: f, svg })), notesLines));
 */
export function htmlReport(rows: readonly ModelRow[], figures: readonly { figure: Figure; svg: string }[], noteLines: readonly string[]): string {
  const figs = figures.map(({ figure, svg }) => `<figure id="${figure.id}">\n<h2>${escHtml(figure.title)}</h2>\n${svg}\n<figcaption>${escHtml(figure.caption)}</figcaption>\n</figure>`);
  const commands = rows.flatMap((r) => r.commands.map((c) => `${escHtml(c)}    # ${escHtml(r.name)}`));
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>kws-ts compression report</title>',
    `<style>${STYLE}</style></head><body>`,
    '<h1>Compression report</h1>',
    ...noteLines.map((l) => `<p>${escHtml(l)}</p>`),
    htmlTable(rows),
    ...figs,
    ...(commands.length > 0 ? ['<h2>Commands</h2>', `<pre>${commands.join('\n')}</pre>`] : []),
    '</body></html>',
    '',
  ].join('\n');
}
