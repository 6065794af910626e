/** Number, time and path formatting shared by the commands' reports. */
import { relative } from 'node:path';

const EN = new Intl.NumberFormat('en-US');

/** 932224 → '932,224'. */
export function int(n: number): string {
  return EN.format(Math.round(n));
}

/** A small metric in scientific form: 3.2e-5 → '3.200e-5'; 0 → '0'. */
export function sci(x: number, digits = 3): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  return x.toExponential(digits).replace('e+', 'e');
}

/** A fraction as a percentage: 0.96123 → '96.12%'. */
export function pct(x: number, digits = 2): string {
  return `${(100 * x).toFixed(digits)}%`;
}

/** Seconds as m:ss or h:mm:ss. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A duration: '4.2 s' under a minute, else m:ss or h:mm:ss. */
export function duration(seconds: number): string {
  return seconds < 59.95 ? `${seconds.toFixed(1)} s` : clock(seconds);
}

/** Bytes in binary units: 1536 → '1.5 KiB'. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** Label/value rows aligned in two columns. */
export function rows(pairs: readonly (readonly [string, string])[], indent = 0): string[] {
  const w = Math.max(...pairs.map(([k]) => k.length)) + 2;
  return pairs.map(([k, v]) => `${' '.repeat(indent)}${k.padEnd(w)}${v}`);
}

/** A path as the user would type it: relative to the working folder when inside it, quoted if needed. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  const p = rel !== '' && !rel.startsWith('..') ? rel : path;
  return /[\s'"$]/.test(p) ? `'${p.replace(/'/g, "'\\''")}'` : p;
}
