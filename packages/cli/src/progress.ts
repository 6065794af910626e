/**
 * Progress of a long loop. On a terminal: one line redrawn in place with a bar, the count, the
 * rate and the ETA. Otherwise (a log file, CI): a plain line every `everyPercent` percent (at
 * most ten, however slow the job), or, without percentages (no total, or `everyPercent` 0), every
 * `everySeconds`, so logs stay short but show the job is alive. Either way `done()` ends with one
 * summary line (count, time, rate). A rate below one unit a second is shown as the time each unit
 * takes ("30.0 s each"), never as "0 modes/s".
 *
 * @example
 * const bar = new Progress(io, { label: 'loading clips', total: clips.length, unit: 'clips' });
 * loadClips(root, clips, (n) => bar.update(n));
 * bar.done();
 */
import { bytes, clock, duration, int } from './format.js';
import type { Io } from './io.js';

export interface ProgressOptions {
  label: string;
  /** The count at the end; 0 or undefined when unknown (no bar, no ETA). */
  total?: number;
  /** What is counted: 'clips', 'samples'... 'bytes' prints KiB/MiB. */
  unit?: string;
  /** Plain mode: a line each time this many percent pass (0: only by time). Default 10. */
  everyPercent?: number;
  /** Plain mode without percentages (no total, or everyPercent 0): a line this often while running. Default 10. */
  everySeconds?: number;
  /** Plain mode: no running lines before this many seconds (a fast job prints only its summary). Default 1. */
  quietSeconds?: number;
  /** Milliseconds clock (injectable for tests). */
  now?: () => number;
}

const BAR = 24;
const REDRAW_MS = 100;

export class Progress {
  private readonly start: number;
  private readonly now: () => number;
  private lastDraw = -Infinity;
  private lastLine: number;
  private nextPct: number;
  private count = 0;
  private drawn = false;
  private givenRate: number | undefined;

  constructor(private readonly io: Io, private readonly opts: ProgressOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.start = this.now();
    this.lastLine = this.start;
    this.nextPct = this.step();
  }

  private step(): number {
    return this.opts.everyPercent ?? 10;
  }

  private get total(): number {
    return this.opts.total ?? 0;
  }

  private amount(n: number): string {
    return this.opts.unit === 'bytes' ? bytes(n) : int(n);
  }

  /** `512 clips/s`; below one a second, the time each takes (`41.0 s each`), so a slow job never reads `0 modes/s`. */
  private speed(rate: number, unit: string): string {
    if (rate < 1 && this.opts.unit !== 'bytes') return `${duration(1 / rate)} each`;
    return `${this.amount(rate)}${this.opts.unit === 'bytes' ? '' : unit}/s`;
  }

  /** Units per second: as given to update(), else measured since the start (0 until 50 ms passed). */
  rate(): number {
    if (this.givenRate !== undefined) return this.givenRate;
    const s = (this.now() - this.start) / 1000;
    return s >= 0.05 ? this.count / s : 0;
  }

  private counts(): { frac: number; text: string; eta: string } {
    const unit = this.opts.unit === 'bytes' ? '' : ` ${this.opts.unit ?? ''}`.trimEnd();
    const rate = this.rate();
    const known = this.total > 0;
    const frac = known ? Math.min(1, this.count / this.total) : 0;
    const amount = known ? `${this.amount(this.count)}/${this.amount(this.total)}${unit}` : `${this.amount(this.count)}${unit}`;
    const speed = rate > 0 ? `, ${this.speed(rate, unit)}` : '';
    const eta = known && rate > 0 ? clock((this.total - this.count) / rate) : '';
    return { frac, text: `${amount}${speed}`, eta };
  }

  /**
   * The in-place line: `label [#####-----]  40%  1,234/3,000 clips, 512 clips/s  ETA 0:03  note`,
   * fitted to the terminal (io.columns − 1, so it never wraps): the bar narrows to 8 marks, then
   * the rate, the count and the bar go, in that order; the percentage, ETA and note stay.
   */
  private barLine(note: string): string {
    const { frac, text, eta } = this.counts();
    const width = (this.io.columns ?? Infinity) - 1;
    const known = this.total > 0;
    const pctText = `${(100 * frac).toFixed(0).padStart(3)}%`;
    const line = (bar: number, count: string): string => {
      const head = known ? `${bar > 0 ? `[${'#'.repeat(Math.round(frac * bar)).padEnd(bar, '-')}] ` : ''}${pctText}  ` : '';
      return [`${this.opts.label} ${head}${count}`.trimEnd(), eta && `ETA ${eta}`, note].filter((s) => s !== '').join('  ');
    };
    const full = line(BAR, text);
    if (full.length <= width) return full;
    const bar = BAR - (full.length - width);
    if (bar >= 8) return line(bar, text);
    const noRate = text.split(', ')[0];
    for (const candidate of [line(8, noRate), line(8, ''), line(0, '')]) if (candidate.length <= width) return candidate;
    return line(0, '').slice(0, width);
  }

  /** The plain line: `label: 40% (1,234/3,000 clips, 512 clips/s, ETA 0:03) note`. */
  private plainLine(note: string): string {
    const { frac, text, eta } = this.counts();
    const pct = this.total > 0 ? `${(100 * frac).toFixed(0)}% ` : '';
    return `${this.opts.label}: ${pct}(${text}${eta && `, ETA ${eta}`})${note && ` ${note}`}`;
  }

  /**
   * Report `done` units finished (absolute, not an increment); `note` is appended (e.g. a loss);
   * `rate` overrides the measured units/s when the caller knows better.
   */
  update(done: number, note = '', rate?: number): void {
    this.count = done;
    this.givenRate = rate;
    const t = this.now();
    if (this.io.isTTY && this.io.status) {
      if (t - this.lastDraw < REDRAW_MS && done < this.total) return;
      this.lastDraw = t;
      this.drawn = true;
      this.io.status(this.barLine(note));
      return;
    }
    if (this.total > 0 && done >= this.total) return; // done() prints the last line
    if (t - this.start < (this.opts.quietSeconds ?? 1) * 1000) return;
    const pct = this.total > 0 ? (100 * done) / this.total : 0;
    const percentages = this.step() > 0 && this.total > 0;
    const byPct = percentages && pct >= this.nextPct;
    // With percentages a slow job prints no more lines than a fast one (a long eval printed one every 10 s).
    const byTime = !percentages && t - this.lastLine >= (this.opts.everySeconds ?? 10) * 1000;
    if (!byPct && !byTime) return;
    if (byPct) this.nextPct = (Math.floor(pct / this.step()) + 1) * this.step();
    this.lastLine = t;
    this.io.err(this.plainLine(note));
  }

  /** Remove the in-place bar (before printing other lines); a no-op when not a terminal. */
  clear(): void {
    if (this.drawn) this.io.status?.('');
    this.drawn = false;
  }

  /** End with one summary line: `label: 300 clips in 1.2 s (250 clips/s)`. */
  done(note = ''): void {
    this.clear();
    const seconds = (this.now() - this.start) / 1000;
    const unit = this.opts.unit === 'bytes' ? '' : ` ${this.opts.unit ?? ''}`.trimEnd();
    const speed = seconds > 0 && this.count > 0 ? ` (${this.speed(this.count / seconds, unit)})` : '';
    this.io.err(`${this.opts.label}: ${this.amount(this.count)}${unit} in ${duration(seconds)}${speed}${note && ` ${note}`}`);
  }
}
