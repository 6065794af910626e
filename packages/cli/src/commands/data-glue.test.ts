import { existsSync, readFileSync } from 'node:fs';
import type * as fs from 'node:fs';
import { join } from 'node:path';
import { CRNN, readWav, saveModel, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it, vi } from 'vitest';
import { shortWrites } from '../../../kws-model/src/test-utils/short-writes.js';
import { cli, SUBSET, tempDir } from '../test-utils/run.js';

// writeSync as the kernel does it under `ulimit -f` when a test turns it on (short-writes.ts).
vi.mock('node:fs', async (actual) => {
  const real = await actual<typeof fs>();
  const { shortWriteSync } = await import('../../../kws-model/src/test-utils/short-writes.js');
  return { ...real, writeSync: shortWriteSync(real) };
});

interface Sidecar {
  keyword: string;
  start: number;
  end: number;
  clips: { file: string; word: string; start: number; end: number }[];
}

describe('kws-cli data glue (real clips of the fixture) and stream over the track', () => {
  it('puts one keyword clip in the middle of other words, reproducibly, and streams over it', async () => {
    const dir = tempDir('kws-glue-');
    const out = join(dir, 'track.wav');
    const r = await cli(['data', 'glue', '--data', SUBSET, '--out', out, '--seconds', '12', '--seed', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/12 s, 'sheila' \(sheila\/.*\.wav\) at 5-6 s/);
    const { samples, sampleRate } = readWav(out);
    expect(sampleRate).toBe(16000);
    expect(samples.length).toBe(12 * 16000);
    const side = JSON.parse(readFileSync(join(dir, 'track.json'), 'utf8')) as Sidecar;
    expect([side.keyword, side.start, side.end]).toEqual(['sheila', 5, 6]);
    expect(side.clips.map((c) => c.word === 'sheila')).toEqual(side.clips.map((_, i) => i === 5));
    const testList = readFileSync(join(SUBSET, 'testing_list.txt'), 'utf8');
    side.clips.forEach((c) => expect(testList).toContain(c.file));
    const again = join(dir, 'again.wav');
    await cli(['data', 'glue', '--data', SUBSET, '--out', again, '--seconds', '12', '--seed', '3']);
    expect(readFileSync(again)).toEqual(readFileSync(out));

    const ckpt = join(dir, 'm.safetensors');
    saveModel(ckpt, new CRNN(STUDENT_EXP1, new Rng(0)));
    const s = await cli(['stream', '--checkpoint', ckpt, out, '--json', '--plot', join(dir, 'track.svg')]);
    expect(s.code).toBe(0);
    expect(s.lines.filter((l) => l.includes('"step"'))).toHaveLength(Math.floor((1201 - 101) / 8) + 1);
    expect(readFileSync(join(dir, 'track.svg'), 'utf8')).toContain("'sheila' clip");
  });

  it('checks its flags', async () => {
    const bad = await cli(['data', 'glue', '--data', SUBSET, '--out', 'x.mp3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--out must name a .wav/);
    const short = await cli(['data', 'glue', '--data', SUBSET, '--out', 'x.wav', '--seconds', '2']);
    expect(short.code).toBe(2);
  });

  it('fails naming the track when a file size limit cuts it short, instead of reporting success', async () => {
    const out = join(tempDir('kws-glue-'), 'track.wav');
    shortWrites.set({ limit: 64 * 1024 });
    try {
      const r = await cli(['data', 'glue', '--data', SUBSET, '--out', out, '--seconds', '12', '--seed', '3']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`kws-cli: ${out}: cannot write (EFBIG: file too large, write; 65536 of 384044 bytes written)`);
    } finally {
      shortWrites.reset();
    }
    expect(existsSync(out)).toBe(false);
  });
});
