import { join } from 'node:path';
import { CRNN, saveModel, STUDENT_EXP2 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../test-utils/run.js';

describe('kws-cli bench --stream', () => {
  it('times a step of the teacher and exp1 (median, p99, RTF, features) against the targets', async () => {
    const r = await cli(['bench', '--stream', '--steps', '40']);
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatch(/^streaming step = 8 frames = 80 ms of audio, window 101 frames; 40 timed steps per model; \d+ CPUs, load average/);
    expect(r.lines[1]).toMatch(/^teacher +fast +70,443 +median +[\d.,]+ µs +p99 +[\d.,]+ µs +RTF \d\.\d\de-\d +features [\d.,]+ µs +\(target < 300 µs: (met|missed by [\d.,]+ µs)\)$/);
    expect(r.lines[2]).toMatch(/^exp1 +fast +4,737 +median .*\(target < 50 µs: /);
  });

  it('--json, a checkpoint and the tensor engine; a bare `bench` asks what to time', async () => {
    const ckpt = join(tempDir('kws-bench-'), 'm.safetensors');
    saveModel(ckpt, new CRNN(STUDENT_EXP2, new Rng(0)));
    const r = await cli(['bench', '--stream', '--checkpoint', ckpt, '--steps', '20', '--tensor', '--json', '--step', '16']);
    expect(r.code).toBe(0);
    const rows = r.lines.map((l) => JSON.parse(l) as { engine: string; median: number; p99: number; rtf: number; audio: number });
    expect(rows.map((x) => x.engine)).toEqual(['fast', 'tensor']);
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
