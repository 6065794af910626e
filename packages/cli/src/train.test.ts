import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, operatingPointOf, scanSpeechCommands } from '@kws/kws-model';
import { describe, expect, it } from 'vitest';
import { cli, tempDir, tinySpeechCommands } from './test-utils/run.js';

const history = (dir: string): Record<string, unknown>[] =>
  readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

const EPOCH_LINE = /^epoch \d\/\d {2}loss \d+\.\d{4} {2}val loss \d+\.\d{4} {2}val acc \d+\.\d\d% {2}au_fa_fr \S+ \[\S+, \S+\] {2}\d+\.\d s {2}[\d,]+ samples\/s( {2}\*)?$/;

describe('kws-cli train on the tiny real-clip fixture (14 clips)', () => {
  const data = tinySpeechCommands();

  it('trains, writes config/history/checkpoints that eval reads, refuses to overwrite, resumes', async () => {
    const out = join(tempDir(), 'run');
    const r = await cli(['train', '--data', data, '--epochs', '2', '--batch-size', '16', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^train: 7 clips \(2 keyword, 5 other\); val: 3 clips \(1 keyword, 2 other\)$/m);
    expect(r.lines.filter((l) => l.startsWith('epoch '))).toHaveLength(2);
    for (const l of r.lines.filter((x) => x.startsWith('epoch '))) expect(l).toMatch(EPOCH_LINE);
    expect(r.stdout).toMatch(/^best checkpoint: .*best\.safetensors \(epoch \d, val au_fa_fr \S+\)$/m);
    const ckpt = join(out, 'best.safetensors');
    expect(r.lines.slice(-4)).toEqual([
      'next:',
      `  evaluate it:      npx kws-cli eval --checkpoint ${ckpt} --data ${data} --split test`,
      `  stream a track:   npx kws-cli data glue --data ${data} --out tracks/demo.wav && npx kws-cli stream --checkpoint ${ckpt} tracks/demo.wav`,
      `  distil a student: npx kws-cli distill --teacher ${ckpt} --preset exp1 --data ${data}`,
    ]);

    const rows = history(out);
    expect(rows.map((x) => x.epoch)).toEqual([1, 2]);
    for (const k of ['trainLoss', 'valLoss', 'valAccuracy', 'auFaFr', 'seconds', 'samplesPerSec']) expect(typeof rows[1][k]).toBe('number');
    expect(loadModel(join(out, 'last.safetensors')).info.epoch).toBe(2);
    expect(loadModel(join(out, 'best.safetensors')).model.numParameters()).toBe(70443);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, Record<string, unknown>> & { commands: string[] };
    expect(config.model.hidden).toBe(64);
    expect(config.train).toMatchObject({ epochs: 2, batchSize: 16, lr: 3e-4, weightDecay: 1e-5, seed: 0, augment: true });
    expect(config.data).toMatchObject({ source: 'folder', keyword: 'sheila', split: 'official', trainClips: 7, valClips: 3 });
    expect(config.commands).toEqual([`kws-cli train --data ${data} --epochs 2 --batch-size 16 --out ${out}`]);

    const ev = await cli(['eval', '--checkpoint', join(out, 'best.safetensors'), '--data', data, '--split', 'test']);
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stdout).toMatch(/^clips +4 clips \(1 keyword, 3 other\)$/m);

    const again = await cli(['train', '--data', data, '--epochs', '2', '--out', out]);
    expect(again.code).toBe(1);
    expect(again.errLines).toHaveLength(1);
    expect(again.errLines[0]).toMatch(/already holds a training run; continue it with --resume --out /);

    // --data and --batch-size come back from config.json.
    const resumed = await cli(['train', '--resume', '--out', out, '--epochs', '3']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.lines.filter((l) => l.startsWith('epoch '))).toEqual([expect.stringMatching(/^epoch 3\/3 /)]);
    expect(history(out).map((x) => x.epoch)).toEqual([1, 2, 3]);
    expect(loadModel(join(out, 'last.safetensors')).info.epoch).toBe(3);
    expect((JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { train: { batchSize: number } }).train.batchSize).toBe(16);

    const noop = await cli(['train', '--resume', '--out', out, '--epochs', '3']);
    expect(noop.code).toBe(0);
    expect(noop.stdout).toMatch(/nothing to do: the run already finished 3 epochs/);
  });

  it('--mine-rounds: a round of mined negatives after the main epochs; resumed into the round, the run ends bitwise as an unbroken one', async () => {
    const base = ['--data', data, '--arch', 'exp1', '--batch-size', '4', '--epochs', '1'];
    const straight = join(tempDir(), 'mined');
    const r = await cli(['train', ...base, '--mine-rounds', '1', '--mine-epochs', '2', '--out', straight]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^mining round 1\/1: \d+ windows of the training split's other words streamed as one track .*; training epochs 2-3 with them as negatives$/m);
    expect(history(straight).map((x) => x.epoch)).toEqual([1, 2, 3]);
    const mined = JSON.parse(readFileSync(join(straight, 'mined-1.json'), 'utf8')) as { round: number; seed: number; times: number[] };
    expect([mined.round, mined.seed]).toEqual([1, 0]);
    expect(mined.times.length).toBeGreaterThan(0); // else the resumed round would not test the rebuilt windows
    // The same run made in two parts: the main epoch, then --resume with the round.
    const parts = join(tempDir(), 'parts');
    expect((await cli(['train', ...base, '--out', parts])).code).toBe(0);
    const resumed = await cli(['train', '--resume', '--out', parts, '--mine-rounds', '1', '--mine-epochs', '2']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(join(parts, 'mined-1.json'), 'utf8')).toBe(readFileSync(join(straight, 'mined-1.json'), 'utf8'));
    const weights = (dir: string): number[][] => loadModel(join(dir, 'last.safetensors')).model.parameters().map((p) => p.toArray());
    expect(weights(parts)).toEqual(weights(straight));
    const ens = await cli(['train', ...base, '--ensemble', '2', '--mine-rounds', '1', '--out', join(tempDir(), 'e')]);
    expect([ens.code, ens.stderr]).toEqual([2, expect.stringMatching(/--mine-rounds works on single runs/)]);
  });

  it('Ctrl-C: stops after the step, saves last, says how to resume, exits 130; --resume then finishes', async () => {
    const out = join(tempDir(), 'stopped');
    let removed = false;
    const onInterrupt = (handler: () => void): (() => void) => {
      handler(); // as if Ctrl-C came during the first step
      return () => void (removed = true);
    };
    const r = await cli(['train', '--data', data, '--epochs', '1', '--batch-size', '16', '--out', out, '--no-augment'], { io: { onInterrupt } });
    expect(r.code).toBe(130);
    expect(removed).toBe(true);
    expect(r.stderr).toMatch(/stopping after this step/);
    expect(r.stdout).toMatch(/Resume with: npx kws-cli train --resume --out /);
    expect(existsSync(join(out, 'last.safetensors'))).toBe(true);
    expect(readFileSync(join(out, 'history.jsonl'), 'utf8')).toBe(''); // the epoch-0 commit: no rows yet
    const resumed = await cli(['train', '--resume', '--out', out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(history(out).map((x) => x.epoch)).toEqual([1]);
  });

  const weightsAfter = async (extra: string[]): Promise<Map<string, number[]>> => {
    const out = join(tempDir(), `run-${extra.join('')}`);
    const r = await cli(['train', '--data', data, '--epochs', '1', '--batch-size', '16', '--out', out, ...extra]);
    expect(r.code, r.stderr).toBe(0);
    const sd = loadModel(join(out, 'last.safetensors')).model.stateDict();
    return new Map([...sd].map(([k, v]) => [k, Array.from(v.data)]));
  };

  it('--backend cpu --threads: matmul on 3 threads trains to bitwise the same weights as on 1', async () => {
    expect(await weightsAfter(['--backend', 'cpu', '--threads', '3'])).toEqual(await weightsAfter(['--backend', 'cpu', '--threads', '1']));
  });

  it('the default wasm backend: a seeded run repeats bitwise, and stays near the cpu backend', async () => {
    const [a, b, cpu] = [await weightsAfter([]), await weightsAfter(['--seed', '0']), await weightsAfter(['--backend', 'cpu', '--threads', '1'])];
    expect(a).toEqual(b);
    // float32 sums instead of doubles: after one epoch the weights differ, but only slightly
    for (const [k, v] of a) v.forEach((x, i) => expect(Math.abs(x - cpu.get(k)![i])).toBeLessThan(1e-3));
  });

  it('--spec-masks clip: a mask pair per clip, kept in config.json, trains to other weights than the shared pair', async () => {
    const out = join(tempDir(), 'clip-masks');
    const r = await cli(['train', '--data', data, '--epochs', '1', '--batch-size', '16', '--out', out, '--spec-masks', 'clip']);
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { train: Record<string, unknown> };
    expect(config.train.specAugmentMasks).toBe('clip');
    const weights = (dir: string): number[] => [...loadModel(join(dir, 'last.safetensors')).model.stateDict().values()].flatMap((v) => Array.from(v.data));
    const shared = await weightsAfter([]);
    expect(weights(out)).not.toEqual([...shared.values()].flat());
    const bad = await cli(['train', '--data', data, '--spec-masks', 'row']);
    expect(bad.code).toBe(2);
    expect(bad.errLines[0]).toMatch(/--spec-masks/);
    const both = await cli(['train', '--data', data, '--spec-masks', 'clip', '--no-spec-augment', '--out', join(tempDir(), 'both')]);
    expect(both.code).toBe(2);
    expect(both.errLines[0]).toBe('kws-cli: --spec-masks clip has nothing to mask with --no-spec-augment; give one');
  });

  it('--resume with nothing to resume, or bad flags: clear errors', async () => {
    const r = await cli(['train', '--data', data, '--resume', '--out', join(tempDir(), 'empty')]);
    expect(r.code).toBe(1);
    expect(r.errLines[0]).toMatch(/^kws-cli: nothing to resume in .* \(no last\.safetensors\)/);
    const bad = await cli(['train', '--batch-size', '-3']);
    expect(bad.code).toBe(2);
    expect(bad.errLines[0]).toBe("kws-cli: --batch-size must be a positive integer, got '-3'");
  });
});

describe('the built-in synthetic set: kws-cli data synth, then kws-cli train without --data', () => {
  it('generates the set into the cache once; train says which data it uses, reuses the cache and trains', async () => {
    const cache = tempDir();
    const synth = ['--cache', cache, '--speakers', '2'];
    const made = await cli(['data', 'synth', ...synth]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/^generated [\d,]+ clips from 4 speakers \(2 training\) in .*synth-0-2spk-flite$/m);
    // The bar's total is the number of clips made (it once announced one more than it made).
    const announced = /generating synthetic clips: ([\d,]+) clips in/.exec(made.stderr)?.[1];
    expect(announced).toBe(/^generated ([\d,]+) clips/m.exec(made.stdout)?.[1]);
    // The 30 Speech Commands words, plus sound-alikes of the keyword and common words.
    expect(scanSpeechCommands(join(cache, 'synth-0-2spk-flite')).words.length).toBeGreaterThan(60);

    const args = [...synth, '--epochs', '1', '--batch-size', '32', '--split', 'random', '--arch', 'exp1', '--out', join(cache, 'run')];
    const r = await cli(['train', ...args]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines[0]).toMatch(/^data: the built-in synthetic set .* in .*synth-0-2spk-flite; for the real Speech Commands run `npx kws-cli data download` and pass --data /);
    expect(r.lines[1]).toMatch(/^data: reusing \d+ synthetic clips already in the cache$/);
    expect(r.stderr).not.toMatch(/generating/);
    expect(r.stdout).toMatch(/--split val --split-by random$/m);
    // The built-in recipe: weight decay 1e-4, no per-clip augmentation unless --augment (the set varies noise itself).
    expect(r.stdout).toMatch(/^built-in data recipe: batch 32, lr 0.001, 1 epochs, weight decay 0.0001, weight average 0.999, no per-clip augmentation \(/m);
    expect(r.stdout).not.toMatch(/^mining round/m);
    type Config = { data: { source: string; synth: { speakers: number } }; train: { augment: boolean; weightDecay: number } };
    const config = JSON.parse(readFileSync(join(cache, 'run', 'config.json'), 'utf8')) as Config;
    expect(config.data.source).toBe('synthetic');
    expect(config.data.synth.speakers).toBe(2);
    expect(config.train.augment).toBe(false);
    expect(config.train.weightDecay).toBe(1e-4);
    // The wake-word operating point, chosen on the validation split streamed as one track, travels in best.safetensors.
    expect(r.stdout).toMatch(/^operating point \(stored in best\.safetensors; stream and serve use it\): θ \S+, moving average [123], chosen for 0\.5 FA\/h on the validation split of /m);
    const op = operatingPointOf(loadModel(join(cache, 'run', 'best.safetensors')).info.metadata, 'best');
    expect(op).toMatchObject({ targetFaPerHour: 0.5, mode: 'staggered', states: 4, refractorySec: 1 });
    // Within the target, or the grid's highest threshold when none is that quiet.
    expect(op !== undefined && (op.faPerHour <= 0.5 || op.threshold === op.curve.at(-1)?.[0])).toBe(true);
    // Flags given win over the recipe.
    const on = await cli(['train', ...args.slice(0, -1), join(cache, 'run-aug'), '--augment', '--weight-decay', '1e-5']);
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toMatch(/, weight decay 0.00001, weight average 0.999, with per-clip augmentation \(/);
    const onConfig = JSON.parse(readFileSync(join(cache, 'run-aug', 'config.json'), 'utf8')) as Config;
    expect(onConfig.train.augment).toBe(true);
    expect(onConfig.train.weightDecay).toBe(1e-5);
    const both = await cli(['train', ...args.slice(0, -1), join(cache, 'run-both'), '--augment', '--no-augment']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--augment and --no-augment contradict each other/);
  }, 240_000); // ~290 clips: seconds on a quiet machine, a minute or more on a loaded one
});
