import { join } from 'node:path';
import { CRNN, saveModel, STUDENT_EXP2 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { cli, SUBSET, tempDir } from '../test-utils/run.js';

describe('kws-cli bench --stream', () => {
  it('times a step of the teacher and exp1 (median, p99, RTF, features) against the targets', async () => {
    const r = await cli(['bench', '--stream', '--steps', '40']);
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatch(/^streaming step = 8 frames = 80 ms of audio, window 101 frames; 40 timed steps per model; \d+ CPUs, load average/);
    expect(r.lines[1]).toMatch(/^model +engine +mode +params +median +p99 +RTF +features +target \(80 ms step\)$/);
    expect(r.lines[2]).toMatch(/^teacher +fast +staggered-4 +70,443 +[\d.,]+ µs +[\d.,]+ µs +\d\.\d\de-\d +[\d.,]+ µs {2}< 300 µs: (met|missed by [\d.,]+ µs)$/);
    expect(r.lines[3]).toMatch(/^exp1 +fast +staggered-4 +4,737 +[\d.,]+ µs .* {2}< 50 µs: /);
    // every row's cells line up under the header's
    const ends = (l: string): number[] => [...l.matchAll(/\S+(?= {2}|$)/g)].map((m) => m.index + m[0].length);
    expect(ends(r.lines[2]).slice(3, 7)).toEqual(ends(r.lines[1]).slice(3, 7));
  });

  it('--json, a checkpoint and the tensor engine; a bare `bench` asks what to time', async () => {
    const ckpt = join(tempDir('kws-bench-'), 'm.safetensors');
    saveModel(ckpt, new CRNN(STUDENT_EXP2, new Rng(0)));
    const r = await cli(['bench', '--stream', '--checkpoint', ckpt, '--steps', '20', '--tensor', '--json', '--step', '16', '--mode', 'all']);
    expect(r.code).toBe(0);
    const rows = r.lines.map((l) => JSON.parse(l) as { engine: string; mode: string; median: number; p99: number; rtf: number; audio: number });
    expect(rows.map((x) => `${x.engine} ${x.mode}`)).toEqual(['fast staggered-4', 'fast reset', 'fast carried', 'tensor staggered-4', 'tensor reset', 'tensor carried']);
    for (const x of rows) {
      expect(x.audio).toBeCloseTo(0.16, 10);
      expect(x.p99).toBeGreaterThanOrEqual(x.median);
      expect(x.rtf).toBeCloseTo(x.median / 1e6 / 0.16, 10);
    }
    const bare = await cli(['bench']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/choose a benchmark: --stream/);
  });
});

describe('kws-cli bench --train', () => {
  it('prints samples/s with min and max per backend, inference, and the ratios of the first backend', async () => {
    const r = await cli(['bench', '--train', '--models', 'exp1', '--backends', 'wasm,cpu', '--batch', '4', '--rounds', '2', '--warm', '0']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines[0]).toMatch(/^training step = forward \+ backward \+ clip \+ Adam on random features, batch 4; 2 interleaved rounds after 0 warm-up steps; \d+ CPUs, load average/);
    for (const be of ['wasm', 'cpu']) {
      expect(r.stdout).toMatch(new RegExp(`^exp1 train \\d+ samples/s \\(min \\d+, max \\d+\\) ${be}$`, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^exp1 infer batch 1 [\\d.]+ ms \\(min [\\d.]+, max [\\d.]+\\) ${be}$`, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^exp1 infer batch 4 [\\d.]+ ms .* = \\d+ samples/s ${be}$`, 'm'));
    }
    expect(r.stdout).toMatch(/^exp1 ratio wasm\/cpu: train [\d.]+x, infer batch 1 [\d.]+x, infer batch 4 [\d.]+x$/m);
  });

  it('--json gives one line per model and backend; an unknown backend is a usage error', async () => {
    const r = await cli(['bench', '--train', '--models', 'exp1', '--backends', 'cpu', '--batch', '2', '--rounds', '1', '--warm', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.lines.map((l) => JSON.parse(l) as { model: string; contender: string; train: { median: number; min: number; max: number } });
    expect(rows.map((x) => [x.model, x.contender])).toEqual([['exp1', 'cpu']]);
    expect(rows[0].train.min).toBeLessThanOrEqual(rows[0].train.median);
    const bad = await cli(['bench', '--train', '--backends', 'cpu,tpu']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown backend 'tpu'/);
  });
});

describe('kws-cli bench --pipeline', () => {
  const parts = ['batches', 'train', 'valFeatures', 'validation'] as const;

  it('times the batches, the training steps and validation of train --data on the real-clip fixture', async () => {
    const r = await cli(['bench', '--pipeline', '--data', SUBSET, '--models', 'exp1', '--batch', '4', '--steps', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines[0]).toMatch(/^pipeline of train --data .*speech-commands-mini: train 7 clips \(2 keyword, 5 other\), val 3 clips, 1 noise file; exp1 on wasm, batch 4, 1 of 2 batches of epoch 1; load average \d+\.\d\d$/);
    const rows = ['batches', 'train', 'val features', 'validation'].map((name, i) => {
      const m = new RegExp(`^${name} +([\\d,]+) samples/s +([\\d.]+) s  \\S`).exec(r.lines[i + 1]);
      expect(m, r.lines[i + 1]).not.toBeNull();
      return [Number(m![1].replace(/,/g, '')), Number(m![2])];
    });
    for (const [rate, seconds] of rows) {
      expect(rate).toBeGreaterThan(0);
      expect(seconds).toBeGreaterThan(0);
    }
    expect(r.lines[5]).toMatch(/^batches take \d+% of the training loop \(batches \+ train\)$/);
    expect(r.lines).toHaveLength(6);
    expect(r.stderr).toMatch(/loading clips: 10 clips/); // the progress goes to stderr, not among the lines
  });

  it('--json: one line with each part and its fields; one model and one backend only; --data is needed', async () => {
    const r = await cli(['bench', '--pipeline', '--data', SUBSET, '--split', 'random', '--models', 'exp1', '--backends', 'cpu', '--batch', '3', '--steps', '5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toHaveLength(1);
    const j = JSON.parse(r.lines[0]) as Record<string, unknown> & Record<(typeof parts)[number], { samples: number; seconds: number; samplesPerSec: number }>;
    expect(j).toMatchObject({ model: 'exp1', backend: 'cpu', batch: 3, steps: 5, trainClips: 11, valClips: 3, noiseFiles: 1 });
    expect(j.stepsPerEpoch).toBe(4); // 11 balanced draws in batches of 3 and 2
    // 5 batches: epoch 1's four (11 clips), then the first of epoch 2 (3 clips)
    expect([j.batches.samples, j.train.samples, j.valFeatures.samples, j.validation.samples]).toEqual([14, 14, 3, 3]);
    for (const p of parts) {
      expect(j[p].seconds, p).toBeGreaterThan(0);
      expect(j[p].samplesPerSec, p).toBeCloseTo(j[p].samples / j[p].seconds, 6);
    }
    expect(j.batchShare).toBeGreaterThan(0);
    expect(j.batchShare).toBeLessThan(1);
    const two = await cli(['bench', '--pipeline', '--data', SUBSET, '--models', 'teacher,exp1']);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/--pipeline times one model on one backend: give --models one name/);
    const none = await cli(['bench', '--pipeline']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--pipeline needs --data DIR/);
  });
});
