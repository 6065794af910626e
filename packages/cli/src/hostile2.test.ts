/**
 * Inputs that gave silent wrong results, hung or crashed (the hardening issue, items 5-7): a NaN
 * sample in a streamed WAV, a FIFO or a folder as input, a checkpoint that is not a 2-class model,
 * flags out of range. Each now fails fast with one line naming the file or flag, or warns.
 */
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as tar from 'tar';
import { CRNN, encodeSafetensors, encodeWav, saveModel, STUDENT_EXP1, type NamedTensor } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { describe, expect, it } from 'vitest';
import { signal } from './test-utils/audio.js';
import { cli, tempDir } from './test-utils/run.js';
import { toyFolder } from './test-utils/toy-folder.js';

const dir = tempDir('kws-hostile2-');
const ckpt = join(dir, 'exp1.safetensors');
saveModel(ckpt, new CRNN(STUDENT_EXP1, new Rng(0)), { train: { keyword: 'sheila' } });

describe('hostile inputs to the CLI, second round', () => {
  it('stream: a float WAV with a NaN sample fails naming the file and the time, in every mode', async () => {
    const x = signal(16000 * 3);
    x[16000 * 2] = NaN;
    const wav = join(dir, 'nan.wav');
    writeFileSync(wav, encodeWav(x, 16000, 32));
    for (const mode of ['staggered', 'carried']) {
      const r = await cli(['stream', '--checkpoint', ckpt, wav, '--mode', mode, '--json']);
      expect(r.code).toBe(1);
      expect(r.errLines.at(-1)).toBe(`kws-cli: ${wav}: sample 32000 (at 2.000 s) is NaN`);
      expect(r.stdout).not.toContain('"p":null');
    }
  });

  it('eval and train refuse a split with one class only, whose au_fa_fr is 0 whatever the model', async () => {
    // Keyword clips in training only: the validation list names other words alone.
    const data = toyFolder(3, ['sheila', 'yes', 'no']);
    writeFileSync(join(data, 'validation_list.txt'), 'yes/clip2.wav\nno/clip2.wav\n');
    const e = await cli(['eval', '--checkpoint', ckpt, '--data', data]);
    expect(e.code).toBe(1);
    expect(e.errLines.at(-1)).toBe(`kws-cli: ${data}: the val split has no 'sheila' clips (2 clips (0 keyword, 2 other)); au_fa_fr needs keyword and other clips, else it is 0 whatever the model does`);
    const onlyKeyword = toyFolder(3, ['sheila', 'yes']);
    writeFileSync(join(onlyKeyword, 'validation_list.txt'), 'sheila/clip2.wav\n');
    const o = await cli(['eval', '--checkpoint', ckpt, '--data', onlyKeyword, '--stream']);
    expect(o.code).toBe(1);
    expect(o.errLines.at(-1)).toMatch(/the val split has only 'sheila' clips/);
    const t = await cli(['train', '--data', data, '--arch', 'exp1', '--epochs', '1', '--out', join(dir, 'one-class')]);
    expect(t.code).toBe(1);
    expect(t.errLines.at(-1)).toBe(`kws-cli: ${data}: the validation split has no 'sheila' clips (2 clips (0 keyword, 2 other)); au_fa_fr needs keyword and other clips, else it is 0 whatever the model does`);
  });

  it('a checkpoint that is not a 2-class model is refused; one without metadata is loaded with a warning naming the assumed stride', async () => {
    const three = join(dir, 'three.safetensors');
    saveModel(three, new CRNN({ ...STUDENT_EXP1, numClasses: 3 }, new Rng(0)));
    writeFileSync(join(dir, 'short.wav'), encodeWav(signal(16000), 16000));
    const message = `kws-cli: ${three}: a 3-class model; keyword spotting needs 2 classes (other, keyword), p(keyword) being the second`;
    const s3 = await cli(['stream', '--checkpoint', three, join(dir, 'short.wav')]);
    expect([s3.code, s3.errLines.at(-1)]).toEqual([1, message]);
    const e3 = await cli(['eval', '--checkpoint', three, '--data', toyFolder(2), '--split', 'all']);
    expect([e3.code, e3.errLines.at(-1)]).toEqual([1, message]);

    const bare = join(dir, 'bare.safetensors');
    const tensors = new Map<string, NamedTensor>([...new CRNN(STUDENT_EXP1, new Rng(0)).stateDict()].map(([k, v]) => [k, { shape: [...v.shape], data: Float32Array.from(v.data) }]));
    writeFileSync(bare, encodeSafetensors(tensors));
    const r = await cli(['stream', '--checkpoint', bare, join(dir, 'short.wav')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.errLines[0]).toMatch(new RegExp(`^warning: ${bare} has no kws-ts metadata: .*the course's conv stride 2 x 8 assumed .*loadModel\\(file, \\{ stride \\}\\)`));
    const own = await cli(['stream', '--checkpoint', ckpt, join(dir, 'short.wav')]);
    expect(own.stderr).not.toContain('no kws-ts metadata');
  });

  it('a device, a FIFO or a folder is refused as a checkpoint or a stream input instead of read for ever', async () => {
    const info = await cli(['info', '--checkpoint', '/dev/zero']);
    expect([info.code, info.errLines]).toEqual([1, ['kws-cli: /dev/zero: cannot read (a device, not a file)']]);
    const fifo = join(dir, 'fifo.safetensors');
    execFileSync('mkfifo', [fifo]);
    const f = await cli(['eval', '--checkpoint', fifo, '--data', toyFolder(2)]);
    expect([f.code, f.errLines]).toEqual([1, [`kws-cli: ${fifo}: cannot read (a FIFO, not a file)`]]);
    const pipe = join(dir, 'pipe.wav');
    execFileSync('mkfifo', [pipe]);
    const s = await cli(['stream', '--checkpoint', ckpt, pipe]);
    expect([s.code, s.errLines.at(-1)]).toEqual([1, `kws-cli: ${pipe}: is a FIFO, not a WAV file; to stream from a pipe, give - and feed it raw s16le PCM on stdin (kws-cli stream ... - < ${pipe})`]);
    mkdirSync(join(dir, 'folder.wav'));
    const d = await cli(['stream', '--checkpoint', ckpt, join(dir, 'folder.wav')]);
    expect([d.code, d.errLines.at(-1)]).toEqual([1, `kws-cli: ${join(dir, 'folder.wav')}: is a folder, not a WAV file`]);
  });

  it('eval --stream: --gap and --negative-minutes are bounded (usage errors), and --curve into a missing folder fails before the streaming', async () => {
    const data = toyFolder(2);
    const base = ['eval', '--stream', '--checkpoint', ckpt, '--data', data, '--split', 'all'];
    const gap = await cli([...base, '--gap', '101']);
    expect([gap.code, gap.errLines.find((l) => l.startsWith('kws-cli:'))]).toEqual([2, "kws-cli: --gap must be at most 100 clips, got '101'"]);
    const minutes = await cli([...base, '--negative-minutes', '1e9']);
    expect([minutes.code, minutes.errLines.find((l) => l.startsWith('kws-cli:'))]).toEqual([2, "kws-cli: --negative-minutes must be at most 1440 (a day), got '1000000000'"]);
    const curve = join(dir, 'missing', 'c.csv');
    const c = await cli([...base, '--negative-minutes', '0.1', '--curve', curve]);
    expect([c.code, c.errLines.at(-1)]).toEqual([1, `kws-cli: --curve ${curve}: no folder ${join(dir, 'missing')} (create it first)`]);
    expect(c.stdout).not.toContain('negative track');
  });

  it('smaller ones: --out under /proc, --port 65536, integers in 1e1 or 0x10, --reset with --mode carried, an epoch that is not a number, --states from a checkpoint', async () => {
    const out = await cli(['train', '--out', '/proc/kws-x', '--data', toyFolder(2), '--arch', 'exp1', '--epochs', '1']);
    expect([out.code, out.errLines.at(-1)]).toEqual([1, 'kws-cli: /proc/kws-x: cannot create the folder (ENOENT)']);
    const port = await cli(['serve', '--port', '65536']);
    expect([port.code, port.errLines[0]]).toEqual([2, "kws-cli: --port must be 0-65535, got '65536'"]);
    for (const raw of ['1e1', '0x10', '0b11', '1.0']) {
      const r = await cli(['stream', '--checkpoint', ckpt, '-', '--step', raw]);
      expect([r.code, r.errLines[0]], raw).toEqual([2, `kws-cli: --step must be a positive integer, got '${raw}'`]);
    }
    const both = await cli(['stream', '--checkpoint', ckpt, '-', '--reset', '--mode', 'carried']);
    expect([both.code, both.errLines[0]]).toEqual([2, 'kws-cli: --reset (--mode reset) and --mode carried contradict each other; give one']);
    const odd = join(dir, 'odd-epoch.safetensors');
    const model = new CRNN(STUDENT_EXP1, new Rng(0));
    const tensors = new Map<string, NamedTensor>([...model.stateDict()].map(([k, v]) => [k, { shape: [...v.shape], data: Float32Array.from(v.data) }]));
    writeFileSync(odd, encodeSafetensors(tensors, { metadata: { format: 'kws-ts', config: JSON.stringify(model.config), epoch: 'xy' } }));
    const info = await cli(['info', '--checkpoint', odd]);
    expect([info.code, info.errLines]).toEqual([1, [`kws-cli: ${odd}: metadata 'epoch' is not a whole number (got "xy")`]]);
    const states = await cli(['stream', '--checkpoint', ckpt, join(dir, 'short.wav'), '--window', '30']);
    expect([states.code, states.errLines.find((l) => l.startsWith('kws-cli:'))]).toEqual([2, "kws-cli: --window 30 leaves 2 conv columns, fewer than the 4 GRU states of --mode staggered (the checkpoint's operating point or the default); give --states 2 or less, or a larger --window"]);
  });

  it('data download --archive clears setuid, setgid and sticky bits, and its help says when the SHA-256 is checked', async () => {
    const src = join(dir, 'suid-src');
    mkdirSync(join(src, 'sheila'), { recursive: true });
    writeFileSync(join(src, 'sheila', 'a.wav'), encodeWav(signal(1600), 16000));
    writeFileSync(join(src, 'validation_list.txt'), '');
    chmodSync(join(src, 'sheila', 'a.wav'), 0o6755);
    chmodSync(join(src, 'sheila'), 0o1755);
    const archive = join(dir, 'suid.tar.gz');
    await tar.c({ gzip: true, file: archive, cwd: src }, readdirSync(src));
    const out = join(dir, 'suid-out');
    const r = await cli(['data', 'download', '--archive', archive, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect((statSync(join(out, 'sheila', 'a.wav')).mode & 0o7777).toString(8)).toBe('755');
    expect((statSync(join(out, 'sheila')).mode & 0o7000).toString(8)).toBe('0');
    const help = await cli(['data', 'download', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('a local --archive is checked only when this is given');
  });
});
