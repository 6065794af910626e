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
    expect(r.lines[1]).toBe('model     engine   params     median        p99       RTF   features  target (80 ms step)');
    expect(r.lines[2]).toMatch(/^teacher +fast +70,443 +[\d.,]+ µs +[\d.,]+ µs +\d\.\d\de-\d +[\d.,]+ µs {2}< 300 µs: (met|missed by [\d.,]+ µs)$/);
    expect(r.lines[3]).toMatch(/^exp1 +fast +4,737 +[\d.,]+ µs .* {2}< 50 µs: /);
    // every row's cells line up under the header's
    const ends = (l: string): number[] => [...l.matchAll(/\S+(?= {2}|$)/g)].map((m) => m.index + m[0].length);
    expect(ends(r.lines[2]).slice(2, 6)).toEqual(ends(r.lines[1]).slice(2, 6));
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
