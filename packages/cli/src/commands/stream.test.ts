import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CRNN, EventDetector, resample, saveModel, StreamingKws, STUDENT_EXP1, writeWav, type GruMode } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { main } from '../main.js';
import { checkXml } from '../test-utils/xml.js';
import { q16, s16le, signal } from '../test-utils/audio.js';
import { cli, tempDir } from '../test-utils/run.js';

interface Step { type: 'step'; time: number; p: number; smoothed: number }
interface Event { type: 'event'; time: number; keyword: string; p: number }
const parse = (lines: string[]): (Step | Event)[] => lines.map((l) => JSON.parse(l) as Step | Event);

let dir = '';
let ckpt = '';
let model: CRNN;

beforeAll(() => {
  dir = tempDir('kws-stream-');
  model = new CRNN(STUDENT_EXP1, new Rng(0)).eval();
  ckpt = join(dir, 'exp1.safetensors');
  saveModel(ckpt, model, { train: { keyword: 'marvin' } });
});

/** What the streaming class itself gives for x (16 kHz). */
function expected(x: Float32Array, mode: GruMode = 'staggered'): { time: number; p: number }[] {
  const kws = new StreamingKws(model, { mode });
  return [...kws.push(x), ...kws.flush()];
}

describe('kws-cli stream', () => {
  it('a WAV file: --json gives one line per step, equal to StreamingKws on the same samples', async () => {
    const x = q16(signal(3 * 16000));
    writeWav(join(dir, 'a.wav'), x, 16000);
    const r = await cli(['stream', '--checkpoint', ckpt, join(dir, 'a.wav'), '--json', '--threshold', '1']);
    expect(r.code).toBe(0);
    const steps = parse(r.lines).filter((l): l is Step => l.type === 'step');
    const want = expected(x);
    expect(steps.length).toBe(want.length);
    expect(steps.length).toBe(Math.floor((301 - 101) / 8) + 1);
    steps.forEach((s, i) => {
      expect(s.time).toBeCloseTo(want[i].time, 6);
      expect(Math.abs(s.p - want[i].p)).toBeLessThan(1e-6);
    });
    expect(r.stderr).toMatch(/streamed 3\.0 s of audio .*26 steps, 0 detections of 'marvin'/);
    for (const [flag, mode] of [[['--reset'], 'reset'], [['--mode', 'carried'], 'carried']] as const) {
      const other = parse((await cli(['stream', '--checkpoint', ckpt, join(dir, 'a.wav'), '--json', '--threshold', '1', ...flag])).lines).filter((l): l is Step => l.type === 'step');
      const ref = expected(x, mode);
      expect(other.length).toBe(ref.length);
      other.forEach((s, i) => expect(Math.abs(s.p - ref[i].p)).toBeLessThan(1e-6));
    }
  });

  it('a WAV at 44.1 kHz is resampled; raw PCM on stdin at 48 kHz (read in odd pieces) gives the same steps as the whole resampled', async () => {
    const x48 = q16(signal(2 * 48000, 48000, 2));
    const stdin = (async function* () {
      const bytes = s16le(x48);
      for (let at = 0; at < bytes.length; at += 4801) {
        await Promise.resolve(); // a read boundary, as a pipe gives
        yield bytes.subarray(at, at + 4801);
      }
    })();
    const io = { ...memoryIo(), stdin };
    expect(await main(['stream', '--checkpoint', ckpt, '-', '--rate', '48000', '--json', '--threshold', '0'], io)).toBe(0);
    const lines = parse(io.stdout);
    const want = expected(resample(x48, 48000, 16000));
    const steps = lines.filter((l): l is Step => l.type === 'step');
    expect(steps.length).toBe(want.length);
    steps.forEach((s, i) => expect(Math.abs(s.p - want[i].p)).toBeLessThan(1e-6));
    expect(lines[1]).toEqual({ type: 'event', time: 1, keyword: 'marvin', p: steps[0].smoothed });
    const x44 = q16(signal(44100, 44100, 3));
    writeWav(join(dir, 'b.wav'), x44, 44100);
    const r = await cli(['stream', '--checkpoint', ckpt, join(dir, 'b.wav'), '--json']);
    expect(parse(r.lines).filter((l) => l.type === 'step')).toHaveLength(1);
  });

  it('prints one line per detection, honouring --smooth and --refractory; --plot writes SVG and PNG', async () => {
    writeWav(join(dir, 'c.wav'), q16(signal(4 * 16000, 16000, 4)), 16000);
    const base = ['stream', '--checkpoint', ckpt, join(dir, 'c.wav'), '--threshold', '0'];
    const once = await cli([...base, '--refractory', '100', '--plot', join(dir, 'c.svg')]);
    expect(once.lines).toEqual([expect.stringMatching(/^1\.00s marvin p=\d\.\d\d$/)]);
    const svg = readFileSync(join(dir, 'c.svg'), 'utf8');
    expect(checkXml(svg).errors).toEqual([]);
    expect(svg).toContain('1.00s p=');
    const smooth = await cli([...base, '--refractory', '0', '--smooth', '3', '--plot', join(dir, 'c.png')]);
    expect(smooth.lines).toHaveLength(1); // p >= 0 always: one rising crossing, at the start
    expect(readFileSync(join(dir, 'c.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it("detects with the checkpoint's operating point unless a flag says otherwise", async () => {
    const x = q16(signal(6 * 16000, 16000, 7));
    writeWav(join(dir, 'op.wav'), x, 16000);
    const ps = expected(x).map((o) => o.p).sort((a, b) => a - b);
    const rule = { threshold: ps[Math.floor(ps.length * 0.6)], smoothSteps: 2, refractorySec: 0.3, mode: 'staggered', states: 4 };
    const op = { ...rule, targetFaPerHour: 0.5, faPerHour: 0, frr: 0.1, negativeHours: 1, keywordClips: 10, data: 'a test split', curve: [] };
    const withOp = join(dir, 'op.safetensors');
    saveModel(withOp, model, { train: { keyword: 'marvin' }, operatingPoint: op });
    const det = new EventDetector(rule);
    const want = expected(x).flatMap((o) => det.push(o) ?? []).map((e) => e.time);
    expect(want.length).toBeGreaterThan(0);
    const r = await cli(['stream', '--checkpoint', withOp, join(dir, 'op.wav'), '--json']);
    expect(parse(r.lines).filter((l): l is Event => l.type === 'event').map((e) => e.time)).toEqual(want.map((t) => Number(t.toFixed(2))));
    expect(r.stderr).toMatch(/detection: the checkpoint's operating point, θ \S+, moving average 2, chosen for 0\.5 FA\/h on a test split/);
    const given = await cli(['stream', '--checkpoint', withOp, join(dir, 'op.wav'), '--json', '--threshold', '1']);
    expect(parse(given.lines).filter((l) => l.type === 'event')).toEqual([]);
    expect(given.stderr).toMatch(/overridden by --threshold/);
    const none = await cli(['stream', '--checkpoint', ckpt, join(dir, 'op.wav')]);
    expect(none.stderr).toMatch(/detection: threshold 0\.5 \(the default: this checkpoint carries no operating point\)/);
  });

  it('Ctrl-C ends a live stream: the steps so far are flushed, the plot written, exit 130', async () => {
    let interrupt = (): void => undefined;
    const bytes = s16le(q16(signal(10 * 16000, 16000, 5)));
    const stdin = (async function* () {
      for (let at = 0, k = 0; at < bytes.length; at += 3200, k++) {
        if (k === 25) interrupt(); // while 2.5 s of audio have been read
        await Promise.resolve();
        yield bytes.subarray(at, at + 3200);
      }
    })();
    const onInterrupt = (h: () => void): (() => void) => {
      interrupt = h;
      return () => undefined;
    };
    const io = { ...memoryIo(), stdin, onInterrupt };
    const plot = join(dir, 'stopped.svg');
    expect(await main(['stream', '--checkpoint', ckpt, '-', '--json', '--plot', plot], io)).toBe(130);
    // 26 chunks of 0.1 s were read (the loop stops after the chunk in hand): 261 frames, 21 steps.
    expect(parse(io.stdout).filter((l) => l.type === 'step')).toHaveLength(21);
    expect(existsSync(plot)).toBe(true);
  });

  it('is listed in the help, which shows the microphone pipelines', async () => {
    expect((await cli(['--help'])).stdout).toMatch(/^ {2}stream +\S[\s\S]*^ {2}bench +\S/m);
    const help = (await cli(['stream', '--help'])).stdout;
    expect(help).toMatch(/^Usage: kws-cli stream \[options\] FILE\.wav\|-/m);
    for (const tool of ['arecord -f S16_LE -r 16000 -c 1 -t raw |', 'sox -d -t raw -r 16000 -b 16 -c 1 -e signed - |', 'ffmpeg -f alsa -i default -ac 1 -ar 16000 -f s16le - |']) expect(help).toContain(tool);
  });

  it('rejects a bad command line with exit 2, and a missing file with exit 1', async () => {
    const wav = join(dir, 'a.wav');
    for (const [argv, re] of [
      [['stream', '--checkpoint', ckpt], /give one input/],
      [['stream', '--checkpoint', ckpt, wav, '--threshold', '1.5'], /--threshold must be in \[0, 1\]/],
      [['stream', '--checkpoint', ckpt, wav, '--window', '10'], /--window must be at least 20/],
      [['stream', '--checkpoint', ckpt, wav, '--plot', 'x.pdf'], /--plot must name a .svg or .png/],
      [['stream', '--checkpoint', ckpt, wav, '--states', '12'], /--states must be at most 11/],
      [['stream', '--checkpoint', ckpt, wav, '--mode', 'other'], /--mode/],
    ] as const) {
      const r = await cli([...argv]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
    }
    writeWav(join(dir, 'e.wav'), q16(signal(16000, 16000, 6)), 16000);
    writeFileSync(join(dir, 'e.json'), '{"start": "0.5", "end": 1}');
    const sidecar = await cli(['stream', '--checkpoint', ckpt, join(dir, 'e.wav'), '--plot', join(dir, 'e.svg')]);
    expect(sidecar.code).toBe(1);
    expect(sidecar.errLines).toEqual([expect.stringMatching(/e\.json: field 'start' must be a finite number, got "0\.5"$/)]);
    const missing = await cli(['stream', '--checkpoint', ckpt, join(dir, 'nope.wav')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.wav: no such file/);
    expect(existsSync(join(dir, 'x.pdf'))).toBe(false);
  });
});
