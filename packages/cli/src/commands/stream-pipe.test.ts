/**
 * The live-input path end to end, as `arecord ... | kws-cli stream --checkpoint X -` runs it: a
 * shell pipe between two child processes, the writer sending 100 ms of PCM every 50 ms. Needs the
 * built CLI (`npm test` builds first); skipped with a message when dist/ lacks the command.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CRNN, encodeWav, saveModel, StreamingKws, STUDENT_EXP1 } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-utils/run.js';
import { q16, s16le, signal } from '../test-utils/audio.js';

const BIN = resolve(import.meta.dirname, '../../bin/kws-cli.js');
const BUILT = existsSync(resolve(import.meta.dirname, '../../dist/commands/stream.js'));
if (!BUILT) console.warn('skipping the pipe test: packages/cli/dist has no stream command; run `npm run build`');

/** Sends FILE to stdout in 3,200-byte pieces (100 ms at 16 kHz) every 50 ms; logs when done. */
const WRITER = `
const fs = require('node:fs');
const bytes = fs.readFileSync(process.argv[1]);
let at = 0;
const timer = setInterval(() => {
  if (at >= bytes.length) {
    clearInterval(timer);
    process.stdout.end(() => process.stderr.write('WRITER_DONE ' + Date.now() + '\\n'));
    return;
  }
  process.stdout.write(bytes.subarray(at, at + 3200));
  at += 3200;
}, 50);`;

interface Piped {
  code: number | null;
  lines: { at: number; text: string }[];
  stderr: string;
}

function runPipe(command: string): Promise<Piped> {
  return new Promise((done, fail) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Piped['lines'] = [];
    let partial = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      const parts = (partial + b.toString()).split('\n');
      partial = parts.pop() ?? '';
      parts.forEach((text) => lines.push({ at: Date.now(), text }));
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, lines, stderr }));
  });
}

describe.skipIf(!BUILT)('kws-cli stream - through a real pipe', () => {
  it('reads PCM as it arrives: steps come out while the writer is still writing, equal to StreamingKws', async () => {
    const dir = tempDir('kws-pipe-');
    const model = new CRNN(STUDENT_EXP1, new Rng(0)).eval();
    const ckpt = join(dir, 'exp1.safetensors');
    saveModel(ckpt, model);
    const x = q16(signal(6 * 16000, 16000, 7));
    writeFileSync(join(dir, 'in.raw'), s16le(x));

    const cmd = `node -e "${WRITER.replace(/"/g, '\\"')}" '${join(dir, 'in.raw')}' | node '${BIN}' stream --checkpoint '${ckpt}' - --json`;
    const r = await runPipe(cmd);
    expect(r.stderr).toMatch(/streamed 6\.0 s of audio/);
    expect(r.code).toBe(0);
    const kws = new StreamingKws(model);
    const want = [...kws.push(x), ...kws.flush()];
    const steps = r.lines.map((l) => ({ at: l.at, ...(JSON.parse(l.text) as { type: string; time: number; p: number }) })).filter((s) => s.type === 'step');
    expect(steps.length).toBe(want.length);
    steps.forEach((s, i) => expect(Math.abs(s.p - want[i].p)).toBeLessThan(1e-6));
    const writerDone = Number(/WRITER_DONE (\d+)/.exec(r.stderr)?.[1]);
    // The writer takes 3 s; the first step needs 1.01 s of audio (about 0.5 s of writing).
    expect(steps[0].at).toBeLessThan(writerDone - 500);
  });

  it('stops quietly with exit 0 when the reader leaves (| head -1) instead of streaming the whole file', async () => {
    const dir = tempDir('kws-pipe-');
    const ckpt = join(dir, 'exp1.safetensors');
    saveModel(ckpt, new CRNN(STUDENT_EXP1, new Rng(0)));
    const wav = join(dir, 'ten-minutes.wav');
    writeFileSync(wav, encodeWav(new Float32Array(600 * 16000), 16000));
    const r = await runPipe(`{ node '${BIN}' stream --checkpoint '${ckpt}' '${wav}' --json; echo "STREAM_RC $?" >&2; } | head -1`);
    expect(r.lines).toHaveLength(1);
    expect(r.stderr).toContain('STREAM_RC 0');
    expect(r.stderr).not.toMatch(/streamed|kws-cli:/);
  });
});
