import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CRNN, readWav, saveModel, StreamingKws, STUDENT_EXP1, thresholdGrid, wakeWordCurve, writeWav } from '@kws/kws-model';
import { Rng } from '@kws/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { signal } from '../test-utils/audio.js';
import { cli, tempDir } from '../test-utils/run.js';

let dir = '';
let ckpt = '';
let model: CRNN;

/** A Speech Commands folder made here: 3 'sheila' clips and 4 each of 'yes' and 'no' (all split). */
beforeAll(() => {
  dir = tempDir('kws-evalstream-');
  let seed = 1;
  for (const [word, n] of [['sheila', 3], ['yes', 4], ['no', 4]] as const) {
    mkdirSync(join(dir, 'data', word), { recursive: true });
    for (let i = 0; i < n; i++) writeWav(join(dir, 'data', word, `s${i}_nohash_0.wav`), signal(16000, 16000, seed++), 16000);
  }
  model = new CRNN(STUDENT_EXP1, new Rng(0)).eval();
  // Random-init logits are tiny (p ≈ 0.5 everywhere); scaled up, p moves with the audio and the curve has steps.
  const w = model.classifier.weight.data.data;
  for (let i = 0; i < w.length; i++) w[i] *= 300;
  ckpt = join(dir, 'm.safetensors');
  saveModel(ckpt, model);
});

function streamFile(path: string): { time: number; p: number }[] {
  const kws = new StreamingKws(model, { mode: 'carried' });
  return [...kws.push(readWav(path).samples), ...kws.flush()];
}

describe('kws-cli eval --stream', () => {
  it("reports the checkpoint's own operating point, run over the tracks of its mode, equal to the curve's point at its threshold", async () => {
    const data = join(dir, 'data');
    const argv = ['eval', '--stream', '--data', data, '--split', 'all', '--negative-minutes', '0.5', '--modes', 'carried', '--fa-per-hour', '5'];
    const plain = await cli([...argv, '--checkpoint', ckpt, '--curve', join(dir, 'op-curve.csv')]);
    expect(plain.stdout).toMatch(/^the checkpoint carries no operating point/m);
    // An operating point at a threshold of the grid, chosen for the carried mode: its line must equal that grid point.
    const rows = readFileSync(join(dir, 'op-curve.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    const [threshold, faPerHour, falseAccepts, frr, misses] = rows[60].slice(1);
    const op = { threshold, smoothSteps: 1, refractorySec: 1, mode: 'carried', states: 4, targetFaPerHour: 1, faPerHour: 0, frr: 0, negativeHours: 1, keywordClips: 3, data: 'test clips', curve: [] };
    const withOp = join(dir, 'op.safetensors');
    saveModel(withOp, model, { operatingPoint: op });
    const r = await cli([...argv, '--checkpoint', withOp]);
    expect(r.code, r.stderr).toBe(0);
    const line = r.lines.find((l) => l.startsWith("at the checkpoint's operating point"));
    expect(line).toBe(`at the checkpoint's operating point (θ ${threshold.toPrecision(4)}, moving average 1, carried; chosen for 1 FA/h on test clips): ${faPerHour.toFixed(1)} FA/h (${falseAccepts} false accepts), FR ${(100 * frr).toFixed(1)}% (${misses} of 3 keyword clips missed)`);
    // A mode not in --modes is streamed for it.
    const other = await cli([...argv.slice(0, -4), '--modes', 'reset', '--checkpoint', withOp]);
    expect(other.lines.find((l) => l.startsWith("at the checkpoint's operating point"))).toBe(line);
  });

  it('glues the tracks, streams them per mode, and reports FR at FA/h equal to the curve of the written tracks', async () => {
    const out = join(dir, 'out');
    const argv = ['eval', '--stream', '--checkpoint', ckpt, '--data', join(dir, 'data'), '--split', 'all', '--negative-minutes', '0.5', '--modes', 'staggered-2,carried'];
    const r = await cli([...argv, '--curve', join(dir, 'curve.csv'), '--plot', join(dir, 'curve.svg'), '--tracks', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/negative track +0\.5 min: 8 other-word clips, each about 3\.8 times/);
    expect(r.stdout).toMatch(/keyword track +3 'sheila' clips, each after 2 other-word clips \(11 s\)/);
    expect(r.stdout).toMatch(/^mode +stream time +FR at 0\.5 FA\/h +FR at 1 FA\/h +FR at 5 FA\/h$/m);
    expect(r.stdout).toMatch(/^staggered-2 +[\d.]+ s +(none|[\d.]+% \(θ [\d.e-]+, [\d.]+ FA\/h\))/m);
    const neg = JSON.parse(readFileSync(join(out, 'negative.json'), 'utf8')) as { seconds: number };
    const kw = JSON.parse(readFileSync(join(out, 'keyword.json'), 'utf8')) as { keywordAt: number[]; clips: { word: string }[] };
    expect(neg.seconds).toBe(30);
    expect(kw.clips.map((c) => c.word === 'sheila')).toEqual(kw.clips.map((_, i) => kw.keywordAt.includes(i)));
    // The carried mode's curve, recomputed from the WAV tracks it wrote: the same points.
    const want = wakeWordCurve(
      { negative: streamFile(join(out, 'negative.wav')), hours: 30 / 3600, keyword: streamFile(join(out, 'keyword.wav')), spans: kw.keywordAt.map((i) => [i, i + 1] as const) },
      thresholdGrid(),
    );
    const csv = readFileSync(join(dir, 'curve.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('mode,threshold,fa_per_hour,false_accepts,frr,misses,stray');
    const carried = csv.filter((l) => l.startsWith('carried,')).map((l) => l.split(',').map(Number));
    expect(carried).toHaveLength(181);
    // The WAV holds 16-bit samples, the stream floats: compare counts, which agree unless p sits on a threshold.
    const differ = carried.filter((row, i) => row[3] !== want[i].falseAccepts || row[5] !== want[i].misses).length;
    expect(differ).toBeLessThanOrEqual(2);
    expect(new Set(want.map((p) => p.falseAccepts)).size).toBeGreaterThanOrEqual(3); // not a flat curve
    expect(new Set(want.map((p) => p.misses)).size).toBeGreaterThanOrEqual(2);
    expect(readFileSync(join(dir, 'curve.svg'), 'utf8')).toContain('false accepts per hour');
  });

  it('is reproducible from its seed and checks its flags', async () => {
    const argv = ['eval', '--stream', '--checkpoint', ckpt, '--data', join(dir, 'data'), '--split', 'all', '--negative-minutes', '0.2', '--modes', 'carried'];
    const table = (s: string): string => s.split('\n').filter((l) => l.startsWith('carried')).map((l) => l.replace(/ [\d.]+ s /, ' '))[0];
    const [a, b] = [await cli(argv), await cli(argv)];
    expect(table(a.stdout)).toBe(table(b.stdout));
    for (const [extra, re] of [
      [['--modes', 'fast'], /--modes takes a comma list/],
      [['--tolerance', '2'], /--tolerance must be shorter than --gap/],
      [['--fa-per-hour', '1,x'], /--fa-per-hour takes a comma list/],
      [['--modes', 'staggered', '--states', '12'], /--states \(or staggered-K\) must be 1 to 11/],
      [['--modes', 'reset-2'], /--modes takes a comma list/],
      [['--plot', 'a.pdf'], /--plot must name a .svg or .png/],
    ] as const) {
      // A flag given twice is refused on its own, so a case that sets --modes replaces the base one.
      const base = extra[0] === '--modes' ? argv.slice(0, -2) : argv;
      const r = await cli([...base, ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
    }
  });
});
