/**
 * The detection rule a command streams with: the flags the user gave, else the operating point
 * the checkpoint carries (metadata `operatingPoint`, chosen after training on held-out streams
 * for a target rate of false accepts per hour), else the old fixed defaults (threshold 0.5, no
 * moving average, 1 s refractory, staggered mode with 4 states).
 */
import { describeOperatingPoint, operatingPointOf, type GruMode } from '@kws/kws-model';

export interface DetectionRule {
  threshold: number;
  smoothSteps: number;
  refractorySec: number;
  mode: GruMode;
  states: number;
  /** One line saying where the rule came from. */
  source: string;
}

export interface RuleFlags {
  threshold: number;
  smooth: number;
  refractory: number;
  mode: GruMode;
  states: number;
  reset?: boolean;
}

/** Flags given win, one by one; the rest come from the operating point when there is one. */
export function detectionRule(metadata: Record<string, string>, path: string, f: RuleFlags, given: ReadonlySet<string>): DetectionRule {
  const op = operatingPointOf(metadata, path);
  const modeGiven = given.has('mode') || f.reset === true;
  const pick = <T>(flag: string, fromFlag: T, fromOp: T | undefined): T => (given.has(flag) || fromOp === undefined ? fromFlag : fromOp);
  const rule = {
    threshold: pick('threshold', f.threshold, op?.threshold),
    smoothSteps: pick('smooth', f.smooth, op?.smoothSteps),
    refractorySec: pick('refractory', f.refractory, op?.refractorySec),
    mode: f.reset === true ? 'reset' : modeGiven || op === undefined ? f.mode : op.mode,
    states: pick('states', f.states, op?.states),
  };
  const overridden = ['threshold', 'smooth', 'refractory', 'mode', 'states'].filter((k) => given.has(k));
  const source =
    op === undefined
      ? `detection: threshold ${rule.threshold}${given.has('threshold') ? '' : ' (the default: this checkpoint carries no operating point)'}`
      : `detection: the checkpoint's operating point, ${describeOperatingPoint(op)}${overridden.length > 0 ? `; overridden by ${overridden.map((k) => `--${k}`).join(', ')}` : ''}`;
  return { ...rule, source };
}
