/**
 * Detection events from a stream of keyword probabilities.
 *
 *   smoothing   s_i = (1/m) Σ_{k=i−m+1..i} p_k, m = min(smoothSteps, i + 1): a moving average over
 *               the last `smoothSteps` outputs (1 = none), which damps one-step spikes.
 *   trigger     an event fires at step i when s_i ≥ threshold and s_{i−1} < threshold (a rising
 *               crossing; the first step counts as rising), unless it is within `refractorySec` of
 *               the previous event, so one utterance whose probability wobbles around the threshold
 *               fires once. The event carries the step's time and its smoothed p.
 * `EventDetector` does this online (one step at a time, for a live stream); `detectEvents` runs it
 * over a finished list.
 */
import type { StreamOutput } from './streaming.js';

export interface DetectOptions {
  /** Smoothed probability at or above which an event fires (default 0.5). */
  threshold?: number;
  /** Outputs in the moving average (default 1: no smoothing). */
  smoothSteps?: number;
  /** Seconds after an event during which no other fires (default 1). */
  refractorySec?: number;
}

export interface DetectionEvent {
  time: number;
  /** The smoothed probability at the crossing. */
  p: number;
}

/**
 * @example
 * const det = new EventDetector({ threshold: 0.7, smoothSteps: 3 });
 * for (const step of kws.push(chunk)) { const e = det.push(step); if (e) console.log(e.time); }
 */
export class EventDetector {
  readonly threshold: number;
  readonly smoothSteps: number;
  readonly refractorySec: number;
  private readonly recent: Float64Array;
  private count = 0;
  private above = false;
  private lastEvent = -Infinity;

  constructor(opts: DetectOptions = {}) {
    this.threshold = opts.threshold ?? 0.5;
    this.smoothSteps = opts.smoothSteps ?? 1;
    this.refractorySec = opts.refractorySec ?? 1;
    if (!Number.isInteger(this.smoothSteps) || this.smoothSteps < 1) throw new RangeError(`EventDetector: smoothSteps must be a positive integer, got ${this.smoothSteps}`);
    if (!(this.refractorySec >= 0)) throw new RangeError(`EventDetector: refractorySec must be >= 0, got ${this.refractorySec}`);
    this.recent = new Float64Array(this.smoothSteps);
  }

  /** The smoothed probability of the latest step (NaN before the first). */
  smoothed = NaN;

  /** Feed one step; returns the event it fires, if any. */
  push(step: StreamOutput): DetectionEvent | null {
    const m = this.smoothSteps;
    this.recent[this.count % m] = step.p;
    this.count++;
    // Summed afresh each step (m is small): no drift from a running sum over a long stream.
    const n = Math.min(this.count, m);
    let sum = 0;
    for (let k = 0; k < n; k++) sum += this.recent[k];
    const s = sum / n;
    this.smoothed = s;
    const rising = s >= this.threshold && !this.above;
    this.above = s >= this.threshold;
    if (!rising || step.time - this.lastEvent < this.refractorySec) return null;
    this.lastEvent = step.time;
    return { time: step.time, p: s };
  }
}

/**
 * Events of a whole list of steps.
 * @example detectEvents(steps, { threshold: 0.5, refractorySec: 1 }) // [{ time: 7.52, p: 0.93 }]
 */
export function detectEvents(steps: readonly StreamOutput[], opts: DetectOptions = {}): DetectionEvent[] {
  const det = new EventDetector(opts);
  const out: DetectionEvent[] = [];
  for (const s of steps) {
    const e = det.push(s);
    if (e) out.push(e);
  }
  return out;
}
