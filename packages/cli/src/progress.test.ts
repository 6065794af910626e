import { describe, expect, it } from 'vitest';
import { memoryIo } from './io.js';
import type { EpochRecord, StepInfo } from '@kws/distill';
import { Progress } from './progress.js';
import { TrainReporter } from './train-report.js';

/** A clock the test moves by hand (milliseconds). */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('Progress', () => {
  it('on a terminal: redraws one line with bar, count, rate and ETA; clears it and ends with a summary', () => {
    const io = memoryIo({ isTTY: true });
    const clock = fakeClock();
    const bar = new Progress(io, { label: 'loading', total: 1000, unit: 'clips', now: clock.now });
    for (let i = 1; i <= 10; i++) {
      clock.advance(500);
      bar.update(i * 100, 'loss 0.5');
    }
    bar.done();
    expect(io.statuses[0]).toBe('loading [##----------------------]  10%  100/1,000 clips, 200 clips/s  ETA 0:05  loss 0.5');
    expect(io.statuses.at(-2)).toContain('[########################] 100%');
    expect(io.statuses.at(-1)).toBe(''); // cleared before the summary
    expect(io.stderr).toEqual(['loading: 1,000 clips in 5.0 s (200 clips/s)']);
    expect(io.stdout).toEqual([]);
  });

  it('on a terminal: throttles redraws to one per 100 ms', () => {
    const io = memoryIo({ isTTY: true });
    const clock = fakeClock();
    const bar = new Progress(io, { label: 'x', total: 1000, now: clock.now });
    for (let i = 1; i < 1000; i++) {
      clock.advance(1);
      bar.update(i);
    }
    expect(io.statuses.length).toBeGreaterThanOrEqual(9);
    expect(io.statuses.length).toBeLessThanOrEqual(11);
  });

  it('not a terminal: a plain line every 10% once a second has passed, never a redraw', () => {
    const io = memoryIo({ isTTY: false });
    const clock = fakeClock();
    const bar = new Progress(io, { label: 'loading', total: 100, unit: 'clips', now: clock.now });
    for (let i = 1; i <= 100; i++) {
      clock.advance(100);
      bar.update(i);
    }
    bar.done();
    expect(io.statuses).toEqual([]);
    // Silent for the first second (10 clips), then one line per 10%, then the summary.
    expect(io.stderr[0]).toBe('loading: 10% (10/100 clips, 10 clips/s, ETA 0:09)');
    expect(io.stderr.slice(0, -1).map((l) => l.split(' ')[1])).toEqual(['10%', '20%', '30%', '40%', '50%', '60%', '70%', '80%', '90%']);
    expect(io.stderr.at(-1)).toBe('loading: 100 clips in 10.0 s (10 clips/s)');
  });

  it('not a terminal: a slow job prints no more lines than a fast one (no extra lines by time), and never a rate of 0', () => {
    const io = memoryIo({ isTTY: false });
    const clock = fakeClock();
    const bar = new Progress(io, { label: 'scoring', total: 40, unit: 'clips', now: clock.now });
    for (let i = 1; i <= 40; i++) {
      clock.advance(7000);
      bar.update(i);
    }
    bar.done();
    expect(io.stderr).toHaveLength(10); // 10%, 20%, ... 90% and the summary, not a line every 10 s
    expect(io.stderr[0]).toBe('scoring: 10% (4/40 clips, 7.0 s each, ETA 4:12)');
    expect(io.stderr.at(-1)).toBe('scoring: 40 clips in 4:40 (7.0 s each)');
    const modes = memoryIo({ isTTY: false });
    const two = new Progress(modes, { label: 'streaming', total: 2, unit: 'modes', now: clock.now });
    clock.advance(41000);
    two.update(1);
    clock.advance(41000);
    two.update(2);
    two.done();
    expect(modes.stderr).toEqual(['streaming: 50% (1/2 modes, 41.0 s each, ETA 0:41)', 'streaming: 2 modes in 1:22 (41.0 s each)']);
    expect(modes.stderr.join('\n')).not.toMatch(/ 0 modes\/s/);
  });

  it('not a terminal, time only: a line every N seconds', () => {
    const io = memoryIo();
    const clock = fakeClock();
    const bar = new Progress(io, { label: 'epoch 1/2', total: 1000, unit: 'samples', everyPercent: 0, everySeconds: 30, now: clock.now });
    for (let i = 1; i <= 100; i++) {
      clock.advance(1000);
      bar.update(i * 5);
    }
    expect(io.stderr).toHaveLength(3); // at 30, 60 and 90 s
    expect(io.stderr[0]).toBe('epoch 1/2: 15% (150/1,000 samples, 5 samples/s, ETA 2:50)');
  });

  it('counts bytes in binary units and copes with an unknown total', () => {
    const io = memoryIo({ isTTY: true });
    const clock = fakeClock();
    const bar = new Progress(io, { label: 'downloading', unit: 'bytes', now: clock.now });
    clock.advance(2000);
    bar.update(3 * 1024 * 1024);
    expect(io.statuses[0]).toBe('downloading 3.0 MiB, 1.5 MiB/s');
    bar.done();
    expect(io.stderr).toEqual(['downloading: 3.0 MiB in 2.0 s (1.5 MiB/s)']);
  });

  it('shows no rate in the first 50 ms, and prefers a rate the caller gives', () => {
    const io = memoryIo({ isTTY: true });
    const clock = fakeClock();
    const bar = new Progress(io, { label: 'epoch 1/1', total: 1000, unit: 'samples', now: clock.now });
    clock.advance(1);
    bar.update(128);
    expect(io.statuses[0]).toBe('epoch 1/1 [###---------------------]  13%  128/1,000 samples');
    clock.advance(500);
    bar.update(256, '', 400);
    expect(io.statuses[1]).toBe('epoch 1/1 [######------------------]  26%  256/1,000 samples, 400 samples/s  ETA 0:02');
  });
});

describe('fitting the line to the terminal', () => {
  const run = (columns: number, note: string): string => {
    const io = memoryIo({ isTTY: true, columns });
    const clock = fakeClock();
    const bar = new Progress(io, { label: 'epoch 12/20', total: 3000, unit: 'samples', now: clock.now });
    clock.advance(2000);
    bar.update(1200, note);
    return io.statuses[0];
  };

  it('a wide terminal gets the whole line, a narrower one a shorter bar, then no rate, no count, no bar', () => {
    const note = 'loss 0.2134';
    const full = 'epoch 12/20 [##########--------------]  40%  1,200/3,000 samples, 600 samples/s  ETA 0:03  loss 0.2134';
    expect(run(200, note)).toBe(full);
    expect(run(full.length, note).length).toBe(full.length - 1);
    expect(run(full.length, note)).toMatch(/^epoch 12\/20 \[#+-+\] {2}40% {2}1,200\/3,000 samples, 600 samples\/s {2}ETA 0:03 {2}loss 0\.2134$/);
    expect(run(80, note)).toBe('epoch 12/20 [###-----]  40%  1,200/3,000 samples  ETA 0:03  loss 0.2134');
    expect(run(60, note)).toBe('epoch 12/20 [###-----]  40%  ETA 0:03  loss 0.2134');
    expect(run(45, note)).toBe('epoch 12/20  40%  ETA 0:03  loss 0.2134');
    expect(run(30, note)).toBe('epoch 12/20  40%  ETA 0:03  l'); // 29 columns: the last resort cuts
  });

  it('on 80 columns a training step shows the loss and the whole run\'s elapsed time and ETA', () => {
    const io = memoryIo({ isTTY: true, columns: 80 });
    let t = 0;
    const reporter = new TrainReporter(io, 20, 4000, 32, () => t);
    const step = (epoch: number, k: number): void => reporter.onStep({ epoch, step: k, loss: 0.5, samplesPerSec: 400 } as StepInfo);
    step(1, 1);
    t = 5000;
    step(1, 63); // 2,016 of 4,000 samples after 5 s
    const line = io.statuses.at(-1)!;
    expect(line.length).toBeLessThanOrEqual(79);
    // this epoch: 1,984 samples / 400 per s = 5 s; then 19 epochs × 4,000 / 400 s = 190 s.
    expect(line).toMatch(/^epoch 1\/20 .*50% .*ETA 0:05 {2}loss 0\.5000 {2}run: 0:05 elapsed, ETA 3:15$/);
    t = 12000;
    reporter.onEpoch({ epoch: 1, trainLoss: 0.5, valLoss: 0.4, valAccuracy: 0.9, auFaFr: 0.01, seconds: 12, samplesPerSec: 400, best: true } as EpochRecord);
    expect(io.stdout[0]).toMatch(/^\(\* on an epoch line: the best val au_fa_fr so far/);
    expect(io.stdout[1]).toMatch(/^epoch {2}1\/20 .* {2}\*$/);
    step(2, 1);
    t = 17000;
    step(2, 63);
    // the finished epoch took 12 s (validation included): 5 s left in this one + 18 × 12 s.
    expect(io.statuses.at(-1)).toMatch(/run: 0:17 elapsed, ETA 3:41$/);
    reporter.onEpoch({ epoch: 2, trainLoss: 0.5, valLoss: 0.4, valAccuracy: 0.9, auFaFr: 0.02, seconds: 12, samplesPerSec: 400, best: false } as EpochRecord);
    expect(io.stdout.filter((l) => l.startsWith('(*'))).toHaveLength(1);
  });
});
