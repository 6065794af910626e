/**
 * The run folder's lock (run-lock.ts): a second run into a folder in use is refused, naming the
 * folder and the owner's pid; a lock whose process is gone is taken over; the lock goes when the
 * run ends, however it ends. "Another process" is a real child process here: its pid is alive
 * while it sleeps, and dead once it has exited.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readHistoryFile } from '@kws/distill';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './test-utils/run.js';
import { toyFolder } from './test-utils/toy-folder.js';

const data = toyFolder();
const base = ['--data', data, '--batch-size', '8', '--arch', 'exp1', '--no-augment', '--no-spec-augment', '--epochs', '1'];
const lockOf = (pid: number): string => `${JSON.stringify({ pid, host: hostname() })}\n`;
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the run folder lock', () => {
  it("refuses train and distill while another process holds the folder, and leaves that run's lock alone", async () => {
    const out = join(tempDir(), 'busy');
    mkdirSync(out);
    const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const pid = owner.pid ?? 0;
      writeFileSync(join(out, '.lock'), lockOf(pid));
      const r = await cli(['train', ...base, '--out', out]);
      expect(r.code).toBe(1);
      expect(r.errLines).toEqual([expect.stringMatching(new RegExp(`^kws-cli: ${esc(out)} is in use by another run \\(pid ${pid}\\); `))]);
      expect(readdirSync(out)).toEqual(['.lock']);
      expect(readFileSync(join(out, '.lock'), 'utf8')).toBe(lockOf(pid));
      const resumed = await cli(['train', '--resume', '--out', out]);
      expect(resumed.errLines).toEqual([expect.stringMatching(/is in use by another run/)]);
      const distilled = await cli(['distill', '--teacher', join(out, 'best.safetensors'), '--preset', 'exp1', '--out', out]);
      expect(distilled.errLines).toEqual([expect.stringMatching(/is in use by another run/)]);
    } finally {
      owner.kill();
    }
  });

  it('takes over the lock of a process that is gone, with a note, and removes it at the end', async () => {
    const out = join(tempDir(), 'stale');
    mkdirSync(out);
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(out, '.lock'), lockOf(gone));
    const r = await cli(['train', ...base, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.errLines).toContain(`note: took over the lock of ${out}: its run (pid ${gone}) is no longer running`);
    expect(existsSync(join(out, '.lock'))).toBe(false);
    expect(readHistoryFile(join(out, 'history.jsonl')).map((x) => x.epoch)).toEqual([1]);
  });

  it('of two trains started at once into one folder, one runs and the other is refused', async () => {
    const out = join(tempDir(), 'race');
    const [a, b] = await Promise.all([cli(['train', ...base, '--out', out]), cli(['train', ...base, '--out', out])]);
    expect([a.code, b.code].sort()).toEqual([0, 1]);
    expect((a.code === 1 ? a : b).errLines).toEqual([`kws-cli: ${out} is in use by another run (pid ${process.pid}); wait for it to end, or use another --out (${join(out, '.lock')} is its lock)`]);
    expect(existsSync(join(out, '.lock'))).toBe(false);
    expect(readHistoryFile(join(out, 'history.jsonl')).map((x) => x.epoch)).toEqual([1]);
  });

  it('is removed when the run fails or stops at Ctrl-C', async () => {
    const root = tempDir();
    const failed = await cli(['train', '--resume', '--out', join(root, 'none')]);
    expect(failed.code).toBe(1);
    expect(existsSync(join(root, 'none'))).toBe(false); // made for the lock only, so removed with it
    const out = join(root, 'stopped');
    const onInterrupt = (handler: () => void): (() => void) => {
      handler();
      return () => undefined;
    };
    expect((await cli(['train', ...base, '--out', out], { io: { onInterrupt } })).code).toBe(130);
    expect(existsSync(join(out, 'commit.json'))).toBe(true);
    expect(existsSync(join(out, '.lock'))).toBe(false);
  });
});
