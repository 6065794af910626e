import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COURSE_DEFAULTS, distillPreset, distillRun, trainModel, type TrainData } from '@kws/distill';
import { countMacs, CRNN, modelBytes, STUDENT_EXP1, TEACHER } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-utils/run.js';
import { checkXml } from '../test-utils/xml.js';
import { labelSides, logFloor, spreadLabels } from './charts.js';
import { COLUMNS } from './document.js';
import { writeReport } from './write.js';

/** Tones (keyword, every 4th clip) against noise: learnable in an epoch or two. */
function toyClips(n: number, rng: Rng): TrainData['train'] {
  const clips: Float32Array[] = [];
  const labels = Int32Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0));
  for (let i = 0; i < n; i++) {
    const f = 300 + rng.uniform(0, 200);
    clips.push(Float32Array.from({ length: 16000 }, (_, t) => (labels[i] ? 0.3 * Math.sin((2 * Math.PI * f * t) / 16000) : rng.normal(0, 0.05))));
  }
  return { clips, labels };
}

/** A teacher run (train) and an exp3 student run (distill: F16 checkpoint, summary.json). */
async function makeRuns(): Promise<{ teacherDir: string; studentDir: string; teacher: CRNN }> {
  const rng = new Rng(1);
  const data: TrainData = { train: toyClips(32, rng), val: toyClips(16, rng), noises: [] };
  const cfg = { ...COURSE_DEFAULTS, epochs: 2, batchSize: 16, lr: 1e-2, augment: false, specAugment: false };
  const root = tempDir('kws-report-');
  const teacherDir = join(root, 'teacher');
  const teacher = new CRNN(TEACHER, new Rng(0));
  await trainModel(teacher, data, cfg, { outDir: teacherDir });
  writeFileSync(join(teacherDir, 'config.json'), JSON.stringify({ commands: ['kws-cli train --epochs 2'] }));
  const studentDir = join(root, 'exp3');
  const preset = distillPreset('exp3');
  await distillRun(teacher, new CRNN(preset.student, new Rng(0)), data, { outDir: studentDir, preset, train: { ...cfg, lr: preset.lr } });
  return { teacherDir, studentDir, teacher };
}

describe('writeReport', () => {
  let runs: Awaited<ReturnType<typeof makeRuns>>;
  beforeAll(async () => {
    runs = await makeRuns();
  });

  it('writes report.html, report.md and each figure as SVG and PNG', async () => {
    const out = join(tempDir(), 'report');
    const r = await writeReport([runs.teacherDir, runs.studentDir], { out, timingRuns: 2 });
    expect(r.baseline).toBe('teacher');
    for (const f of ['report.html', 'report.md', 'curves.svg', 'curves.png', 'macs.svg', 'macs.png', 'memory.svg', 'memory.png']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    for (const id of ['curves', 'macs', 'memory']) {
      const svg = readFileSync(join(out, `${id}.svg`), 'utf8');
      const xml = checkXml(svg);
      expect(xml.errors, id).toEqual([]);
      expect(xml.elements[0]).toBe('svg');
      expect(xml.elements).toContain('path');
      expect(svg).toContain('exp3');
      expect(svg).toMatch(/>(Training curves|Best validation au_fa_fr against)[^<]*</); // the title is in the image
      expect(svg).toMatch(/>pass mark \d\.\d\de[-+]\d \(1\.1 × teacher\)</);
      expect([...readFileSync(join(out, `${id}.png`)).subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    }
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).not.toMatch(/(src|href)="(https?:|\/\/|[^#"][^"]*\.(svg|png|js|css))/);
    expect(checkXml(html.replace('<!doctype html>', '').replace('<meta charset="utf-8">', '')).errors).toEqual([]);
    expect(html).toContain('kws-cli train --epochs 2');
  });

  it('has one table row per model with the right columns and ratios against the teacher', async () => {
    const out = join(tempDir(), 'report');
    const { rows } = await writeReport([runs.studentDir, runs.teacherDir], { out, timingRuns: 1 });
    const md = readFileSync(join(out, 'report.md'), 'utf8').split('\n');
    const header = md.findIndex((l) => l.startsWith('| model |'));
    const split = (l: string): string[] => l.slice(2, -2).split(' | ');
    expect(split(md[header])).toEqual([...COLUMNS]);
    const [student, teacher] = [split(md[header + 2]), split(md[header + 3])];
    expect(student[0]).toBe('exp3');
    expect(teacher[0]).toBe('teacher');
    expect(teacher.slice(-2)).toEqual(['1.0x', '1.0x']);
    const studentBytes = modelBytes(new CRNN(STUDENT_EXP1, new Rng(0)), 'F16');
    const teacherBytes = modelBytes(runs.teacher, 'F32');
    expect(rows[0].bytes).toBe(studentBytes);
    expect(rows[0].dtype).toBe('F16');
    expect(rows[0].memoryRatio).toBeCloseTo(teacherBytes / studentBytes, 10);
    expect(rows[0].macsRatio).toBeCloseTo(932224 / countMacs(STUDENT_EXP1).total, 10);
    expect(student.slice(-2)).toEqual([`${(teacherBytes / studentBytes).toFixed(1)}x`, `${(932224 / countMacs(STUDENT_EXP1).total).toFixed(1)}x`]);
    expect(teacher[2]).toBe('70,443');
    expect(teacher[4]).toBe('932,224');
    for (const r of rows) {
      expect(r.msBatch1).toBeGreaterThan(0);
      expect(r.msBatch128).toBeGreaterThan(0);
    }
    // The student's threshold is its own summary's (the teacher measured on the same split).
    const summary = JSON.parse(readFileSync(join(runs.studentDir, 'summary.json'), 'utf8')) as { threshold: number; thresholdReachedEpoch: number | null };
    expect(rows[0].threshold).toBe(summary.threshold);
    expect(rows[0].thresholdEpoch).toBe(summary.thresholdReachedEpoch);
  });

  it('names a bad run folder, and places zeros on a log axis at a tenth of the smallest value', async () => {
    await expect(writeReport([join(tempDir(), 'nope')], { out: tempDir(), timingRuns: 1 })).rejects.toThrow(/nope: no such run folder/);
    expect(logFloor([0, 1e-3, 5e-3])).toBeCloseTo(1e-4, 12);
    expect(logFloor([0])).toBe(1e-6);
  });

  it('labels the rightmost third of points on their left, so the largest model\'s name stays on the axis', () => {
    expect(labelSides([1e4, 1e5, 1e6])).toEqual(['right', 'right', 'left']);
    expect(labelSides([9e4, 9.3e5, 9e4])).toEqual(['right', 'left', 'right']);
    expect(labelSides([5e4])).toEqual(['right']);
  });

  it('moves a label off one it would overlap, and leaves distant ones alone', () => {
    const [a, b, c] = spreadLabels([[9e4, 6e-4], [9.1e4, 6.2e-4], [9e5, 6e-4]]);
    expect(a).toBe(6e-4);
    expect(b).toBeCloseTo(6.2e-4 * 0.7, 12);
    expect(c).toBe(6e-4);
  });
});
