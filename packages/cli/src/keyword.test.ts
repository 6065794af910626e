import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CRNN, loadModel, saveModel, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir, tinySpeechCommands } from './test-utils/run.js';
import { runFolder } from './train-setup.js';

/**
 * A model trained with --keyword marvin must say so wherever it is used: the keyword travels in
 * the checkpoint's metadata (train.keyword), and nothing falls back to 'sheila' unless the
 * checkpoint records no keyword.
 */
describe('the keyword travels with the checkpoint', () => {
  const data = tinySpeechCommands(); // 2 marvin clips: one in train, one in val
  const root = tempDir('kws-keyword-');
  const run = join(root, 'marvin');
  const best = join(run, 'best.safetensors');
  const clip = join(data, 'marvin', '6a27a9bf_nohash_0.wav');

  beforeAll(async () => {
    const r = await cli(['train', '--data', data, '--keyword', 'marvin', '--arch', 'exp1', '--epochs', '1', '--batch-size', '16', '--out', run]);
    expect(r.code, r.stderr).toBe(0);
    // The closing hint needs no --keyword for eval: the checkpoint knows its word.
    expect(r.stdout).toMatch(new RegExp(`evaluate it: +npx kws-cli eval --checkpoint ${best} --data ${data} --split test$`, 'm'));
  });

  it('train records it in best and last; info prints it', async () => {
    for (const f of ['best.safetensors', 'last.safetensors']) expect(loadModel(join(run, f)).info.train?.keyword, f).toBe('marvin');
    const r = await cli(['info', '--checkpoint', best]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toContain('keyword: marvin');
  });

  it('stream names it in detections, --json events and its summary', async () => {
    const r = await cli(['stream', '--checkpoint', best, clip, '--threshold', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const events = r.lines.map((l) => JSON.parse(l) as { type: string; keyword?: string }).filter((e) => e.type === 'event');
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.keyword).toBe('marvin');
    expect(r.stderr).toMatch(/detections? of 'marvin'/);
    const plain = await cli(['stream', '--checkpoint', best, clip, '--threshold', '0']);
    expect(plain.lines[0]).toMatch(/^\d+\.\d\ds marvin p=/);
  });

  it('eval and eval --stream score against it without --keyword', async () => {
    const r = await cli(['eval', '--checkpoint', best, '--data', data, '--split', 'all']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/keyword 'marvin'/);
    expect(r.stdout).toMatch(/^clips +14 clips \(2 keyword, 12 other\)$/m);
    const s = await cli(['eval', '--stream', '--checkpoint', best, '--data', data, '--split', 'all', '--negative-minutes', '0.2', '--modes', 'reset']);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/keyword track +2 'marvin' clips/);
  });

  it('a --keyword that disagrees is exit 2 with one line, unless --force-keyword', async () => {
    for (const cmd of [['eval', '--data', data], ['eval', '--stream', '--data', data], ['calibrate', '--data', data, '--split', 'all']]) {
      const r = await cli([...cmd, '--checkpoint', best, '--keyword', 'sheila']);
      expect(r.code, cmd.join(' ')).toBe(2);
      expect(r.errLines[0]).toMatch(/^kws-cli: --keyword sheila: .*best\.safetensors was trained on 'marvin'; drop --keyword, or add --force-keyword/);
    }
    const agree = await cli(['eval', '--checkpoint', best, '--data', data, '--split', 'all', '--keyword', 'marvin']);
    expect(agree.code, agree.stderr).toBe(0);
    const forced = await cli(['eval', '--checkpoint', best, '--data', data, '--split', 'all', '--keyword', 'sheila', '--force-keyword']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/keyword 'sheila'/);
  });

  it("a checkpoint without the field keeps 'sheila', and takes any --keyword", async () => {
    const old = join(root, 'old.safetensors');
    saveModel(old, new CRNN(STUDENT_EXP1, new Rng(0)));
    const r = await cli(['eval', '--checkpoint', old, '--data', data, '--split', 'all']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/keyword 'sheila'/);
    const other = await cli(['eval', '--checkpoint', old, '--data', data, '--split', 'all', '--keyword', 'marvin']);
    expect(other.code, other.stderr).toBe(0);
    expect(other.stdout).toMatch(/keyword 'marvin'/);
    expect((await cli(['info', '--checkpoint', old])).lines).toContain('keyword: sheila (not recorded in the checkpoint: the default)');
  });

  it("distill's student inherits the teacher's keyword; a disagreeing --keyword is exit 2; report names it", async () => {
    const student = join(root, 'exp1-marvin');
    const r = await cli(['distill', '--teacher', best, '--preset', 'exp1', '--data', data, '--epochs', '1', '--batch-size', '16', '--out', student]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^train: 7 clips \(1 keyword, 6 other\)/m); // marvin's clips, not sheila's 2
    expect(loadModel(join(student, 'best.safetensors')).info.train?.keyword).toBe('marvin');
    const bad = await cli(['distill', '--teacher', best, '--preset', 'exp1', '--data', data, '--keyword', 'sheila', '--out', join(root, 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.errLines[0]).toMatch(/^kws-cli: --keyword sheila: the teacher .* was trained on 'marvin'/);
    const out = join(root, 'report');
    const rep = await cli(['report', run, student, '--out', out, '--timing-runs', '1']);
    expect(rep.code, rep.stderr).toBe(0);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain("Keyword: 'marvin' (every model).");
  });
});

describe('default run folders', () => {
  it('add the keyword when it is not sheila, so a second keyword does not collide with the first', () => {
    expect(runFolder(undefined, undefined, { data: undefined, arch: 'teacher', keyword: 'sheila' })).toBe(resolve('runs', 'teacher-synth'));
    expect(runFolder(undefined, undefined, { data: undefined, arch: 'teacher', keyword: 'computer' })).toBe(resolve('runs', 'teacher-synth-computer'));
    expect(runFolder(undefined, undefined, { data: 'data/speech_commands_v0.01', arch: 'exp1', keyword: 'hey computer' })).toBe(resolve('runs', 'exp1-speech_commands_v0.01-hey_computer'));
    expect(runFolder(undefined, 'mine', { data: undefined, arch: 'teacher', keyword: 'computer' })).toBe(resolve('runs', 'mine'));
    expect(runFolder('elsewhere', undefined, { data: undefined, arch: 'teacher', keyword: 'computer' })).toBe(resolve('elsewhere'));
  });

  it('train and distill --help say so', async () => {
    for (const cmd of ['train', 'distill']) {
      const r = await cli([cmd, '--help']);
      expect(r.stdout, cmd).toMatch(/-<keyword> added for a (--)?keyword other than sheila/);
    }
  });
});
