/**
 * `kws-cli report RUNS... --out DIR`: the compression report of run folders (teacher and
 * students): report.html (self-contained, SVG figures inlined), report.md (one table row per
 * model), and the figures (training curves, metric vs MACs, metric vs memory) as SVG and PNG.
 */
import { join } from 'node:path';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { shown } from '../format.js';
import { markdownTable } from '../report/document.js';
import { writeReport } from '../report/write.js';

const flags = {
  out: { type: 'string', required: true, metavar: 'DIR', help: 'the report folder (created if needed; files in it are replaced)' },
  baseline: { type: 'string', metavar: 'RUN', defaultText: 'the run with the most MACs', help: 'the teacher run (folder or name) that ratios and the pass mark refer to' },
  timingRuns: { type: 'int', range: 'positive', default: 5, metavar: 'N', help: 'timed forward passes per speed measurement; the median is reported' },
} as const;

export const report = defineCommand({
  name: 'report',
  summary: 'compression report of runs: table, training curves, metric vs MACs and memory (HTML, Markdown, SVG, PNG)',
  description: [
    'Per model: parameters, state_dict bytes (weights as stored), MACs per 1 s clip (thop rules), measured ms per clip at batch 1 and 128, best validation au_fa_fr, the first epoch at <= 1.1x the teacher, and memory and MACs ratios against the teacher.',
  ],
  flags,
  positionals: [{ name: 'RUNS...', help: 'run folders written by `kws-cli train` or `kws-cli distill`', variadic: true }],
  examples: ['npx kws-cli report runs/teacher-synth runs/exp1-synth runs/exp2-synth runs/exp3-synth --out reports/latest'],
  async run(args, io, path) {
    if (args.positionals.length === 0) throw new UsageError('name at least one run folder', path);
    const r = await writeReport(args.positionals, { out: args.flags.out, baseline: args.flags.baseline, timingRuns: args.flags.timingRuns });
    markdownTable(r.rows).forEach((l) => io.out(l));
    io.out(`baseline: ${r.baseline}; passing: ${r.rows.filter((x) => x.passes).map((x) => x.name).join(', ') || 'none'}`);
    io.out(`wrote ${r.files.length} files; open ${shown(join(args.flags.out, 'report.html'))}`);
    return 0;
  },
});
