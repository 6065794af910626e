/**
 * Fault injection: a training run is killed at every file operation of every epoch save (each
 * write, torn in half; each rename; each folder fsync; each removal), and inside an epoch. After
 * each kill, `resume` must either continue to the same weights, optimiser state and history as
 * an uninterrupted run, bit for bit, or refuse with one clear line (only possible before the
 * first commit, when there is nothing to resume), after which a fresh run again matches.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRNN, loadModel, loadSafetensors, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { readHistoryFile } from './history.js';
import { NODE_FS, type RunFs } from './run-commit.js';
import { toyData } from './test-utils/toy-data.js';
import { COURSE_DEFAULTS, trainModel, type EpochRecord } from './trainer.js';

class Killed extends Error {}

/** NODE_FS without the fsyncs: a killed process (unlike a power cut) loses no written bytes, and fsync is slow. */
const FAST: RunFs = { ...NODE_FS, write: (path, bytes) => writeFileSync(path, bytes), syncDir: () => undefined };

/** FAST that dies at operation number `at` (1-based): a write there is left torn in half. */
function killingFs(at: number): RunFs & { ops: number } {
  let ops = 0;
  const tick = (): boolean => ++ops >= at;
  return {
    get ops() {
      return ops;
    },
    write(path, bytes) {
      if (ops >= at) throw new Killed();
      if (tick()) {
        FAST.write(path, bytes.subarray(0, bytes.length >> 1));
        throw new Killed();
      }
      FAST.write(path, bytes);
    },
    rename(from, to) {
      if (tick()) throw new Killed();
      FAST.rename(from, to);
    },
    remove(path) {
      if (tick()) throw new Killed();
      FAST.remove(path);
    },
    syncDir(dir) {
      if (tick()) throw new Killed();
      FAST.syncDir(dir);
    },
  };
}

const data = toyData(8, 4);
const cfg = { ...COURSE_DEFAULTS, epochs: 2, batchSize: 4, lr: 3e-3 };
const fresh = (): CRNN => new CRNN(STUDENT_EXP1, new Rng(0));
const tmp = (): string => mkdtempSync(join(tmpdir(), 'kws-fault-'));

/** What must match an uninterrupted run: weights, Adam's state, history without wall-clock fields. */
function state(dir: string): unknown {
  const optim = loadSafetensors(join(dir, 'last.optim.safetensors'));
  return {
    last: loadModel(join(dir, 'last.safetensors')).model.parameters().map((p) => p.toArray()),
    best: loadModel(join(dir, 'best.safetensors')).model.parameters().map((p) => p.toArray()),
    optim: [...optim.tensors].map(([k, t]) => [k, Array.from(t.data)]),
    step: optim.metadata.step,
    history: readHistoryFile(join(dir, 'history.jsonl')).map(({ seconds: _s, samplesPerSec: _r, ...rest }: EpochRecord) => rest),
    leftovers: readdirSync(dir).filter((n) => n.endsWith('.tmp')),
  };
}

describe('killing a training run at every write of its saves', () => {
  it('resume continues bit-identically, or refuses clearly before the first commit', async () => {
    const whole = tmp();
    const counting = killingFs(Infinity);
    await trainModel(fresh(), data, cfg, { outDir: whole, fs: counting });
    const expected = state(whole);
    const total = counting.ops;
    expect(total).toBeGreaterThan(20); // 3 commits (epochs 0, 1, 2) of 3-4 files each
    let refused = 0;
    for (let at = 1; at <= total; at++) {
      const dir = tmp();
      await expect(trainModel(fresh(), data, cfg, { outDir: dir, fs: killingFs(at) }), `kill at op ${at}`).rejects.toThrow(Killed);
      const resumed = trainModel(fresh(), data, cfg, { outDir: dir, resume: true, fs: FAST });
      if (!existsSync(join(dir, 'commit.json'))) {
        await expect(resumed).rejects.toThrow(/^nothing to resume in .* start the run again without --resume$/);
        refused++;
        await trainModel(fresh(), data, cfg, { outDir: dir, fs: FAST });
      } else await resumed;
      expect(state(dir), `kill at op ${at}`).toEqual(expected);
    }
    expect(refused).toBeLessThan(8); // only the kills inside the epoch-0 save, before its commit
  });

  it('a kill inside an epoch (between steps) resumes bit-identically', async () => {
    const whole = tmp();
    await trainModel(fresh(), data, cfg, { outDir: whole });
    const dir = tmp();
    let steps = 0;
    const kill = (): void => {
      if (++steps === 3) throw new Killed();
    };
    await expect(trainModel(fresh(), data, cfg, { outDir: dir, hooks: { onStep: kill } })).rejects.toThrow(Killed);
    await trainModel(fresh(), data, cfg, { outDir: dir, resume: true });
    expect(state(dir)).toEqual(state(whole));
  });
});
