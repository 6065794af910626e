/**
 * A small typed flag parser. Each command declares its flags once (name, type, default, help);
 * the same table parses argv, types the result and writes the help text.
 *
 * Accepted forms: `--name value`, `--name=value`, boolean `--flag`, positional arguments, `--`
 * (everything after it is positional), `-h`/`--help`. Flag keys are camelCase and spelled in
 * kebab-case on the command line (`batchSize` is `--batch-size`).
 *
 * @example
 * const { flags } = parseArgs(['--epochs', '3'], { epochs: { type: 'int', default: 20, help: '...' } });
 * flags.epochs; // 3 (typed number)
 */
import { editDistance } from '@kws/kws-model';
import { UsageError } from './errors.js';

/** 'positive': > 0; 'non-negative': >= 0; 'any': any finite value. */
export type Range = 'positive' | 'non-negative' | 'any';

interface FlagBase {
  help: string;
  /** The value's placeholder in help (default: the upper-cased type, e.g. N, X, DIR). */
  metavar?: string;
  /** Shown instead of the default in help, for defaults computed at run time. */
  defaultText?: string;
}
export interface StringFlag extends FlagBase {
  type: 'string';
  default?: string;
  required?: boolean;
  choices?: readonly string[];
}
export interface IntFlag extends FlagBase {
  type: 'int';
  default?: number;
  required?: boolean;
  range?: Range;
}
export interface NumberFlag extends FlagBase {
  type: 'number';
  default?: number;
  required?: boolean;
  range?: Range;
}
export interface BooleanFlag extends FlagBase {
  type: 'boolean';
}
export type FlagSpec = StringFlag | IntFlag | NumberFlag | BooleanFlag;
export type FlagSpecs = Record<string, FlagSpec>;

/** The parsed type of one flag: defaults and `required` remove `undefined`; choices narrow strings. */
export type ValueOf<S extends FlagSpec> = S extends BooleanFlag
  ? boolean
  : S extends { type: 'string'; choices: readonly (infer C extends string)[] }
    ? S extends { default: string } | { required: true } ? C : C | undefined
    : S extends StringFlag
      ? S extends { default: string } | { required: true } ? string : string | undefined
      : S extends { default: number } | { required: true } ? number : number | undefined;

export type Values<F extends FlagSpecs> = { -readonly [K in keyof F]: ValueOf<F[K]> };

export interface Parsed<F extends FlagSpecs> {
  flags: Values<F>;
  positionals: string[];
  /** Keys of the flags that were written on the command line (not defaulted). */
  given: ReadonlySet<string>;
  help: boolean;
  /** The arguments as given (for records such as a run's config.json). */
  argv: readonly string[];
}

/** `batchSize` → `--batch-size`. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

const RANGE_WORDS: Record<Range, string> = { positive: 'a positive ', 'non-negative': 'a non-negative ', any: '' };

/** Converts and checks one value; the error names the flag and quotes what was given. */
export function convert(key: string, spec: FlagSpec, raw: string, command = ''): string | number {
  const name = flagName(key);
  if (spec.type === 'string') {
    if (spec.choices && !spec.choices.includes(raw)) {
      throw new UsageError(`${name} must be one of ${spec.choices.join(', ')}, got '${raw}'`, command);
    }
    return raw;
  }
  if (spec.type === 'boolean') throw new UsageError(`${name} takes no value, got '${raw}'`, command);
  const range = spec.range ?? 'any';
  const kind = spec.type === 'int' ? 'integer' : 'number';
  // An integer is written in plain decimal: Number() would also take '1e1', '0x10' and '0b11'.
  const v = raw.trim() === '' || (spec.type === 'int' && !/^\s*[-+]?\d+\s*$/.test(raw)) ? NaN : Number(raw);
  const ok =
    Number.isFinite(v) &&
    (spec.type !== 'int' || Number.isSafeInteger(v)) &&
    (range === 'any' || (range === 'positive' ? v > 0 : v >= 0));
  const article = range === 'any' ? (kind === 'integer' ? 'an ' : 'a ') : RANGE_WORDS[range];
  if (!ok) throw new UsageError(`${name} must be ${article}${kind}, got '${raw}'`, command);
  return v;
}

/**
 * What is wrong with `value`, restored from a file (a run's config.json) for the flag `key`, by
 * the same rules as the flag on the command line (type, choices, integer, range); undefined if
 * nothing. One set of rules for both: a saved `"lr": -1` would otherwise run gradient ascent.
 * @example restoredProblem('lr', { type: 'number', range: 'positive', help: '' }, -1) // "--lr must be a positive number, got '-1'"
 */
export function restoredProblem(key: string, spec: FlagSpec, value: unknown): string | undefined {
  const want = spec.type === 'int' || spec.type === 'number' ? 'number' : spec.type;
  if (typeof value !== want) return `${flagName(key)} takes ${spec.type === 'int' ? 'an integer' : `a ${want}`}, got ${JSON.stringify(value) ?? String(value)}`;
  if (spec.type === 'boolean') return undefined;
  try {
    convert(key, spec, String(value));
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The closest flag name within two edits, for "did you mean". */
function suggest(word: string, keys: string[]): string | undefined {
  const best = keys.map((k) => ({ k, d: editDistance(word, flagName(k)) })).sort((x, y) => x.d - y.d)[0];
  return best !== undefined && best.d <= 2 ? flagName(best.k) : undefined;
}

function unknownFlag(token: string, specs: FlagSpecs, command: string): UsageError {
  const near = suggest(token, Object.keys(specs));
  return new UsageError(`unknown flag '${token}'${near ? ` (did you mean ${near}?)` : ''}`, command);
}

/** Fills defaults, checks required flags. */
function finish<F extends FlagSpecs>(specs: F, raw: Record<string, string | number | boolean>, command: string): Values<F> {
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const [key, spec] of Object.entries(specs)) {
    if (key in raw) out[key] = raw[key];
    else if (spec.type === 'boolean') out[key] = false;
    else if (spec.required) throw new UsageError(`${flagName(key)} is required`, command);
    else out[key] = spec.default;
  }
  return out as Values<F>;
}

/**
 * Parses `argv` against `specs`. Throws UsageError (exit 2) for unknown flags, a flag given
 * twice (which of the two was meant is a guess), missing values, bad numbers and missing required flags; with `--help` only the help request is reported.
 */
export function parseArgs<F extends FlagSpecs>(argv: readonly string[], specs: F, command = ''): Parsed<F> {
  if (wantsHelp(argv)) return { flags: {} as Values<F>, positionals: [], given: new Set(), help: true, argv };
  const byName = new Map(Object.keys(specs).map((k) => [flagName(k), k]));
  const raw: Record<string, string | number | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') positionals.push(token);
    else {
      const eq = token.indexOf('=');
      const name = eq > 0 ? token.slice(0, eq) : token;
      const key = byName.get(name);
      if (key === undefined) throw unknownFlag(name, specs, command);
      if (key in raw) throw new UsageError(`${name} is given twice; give it once`, command);
      const spec = specs[key];
      if (spec.type === 'boolean' && eq < 0) raw[key] = true;
      else if (eq > 0) raw[key] = convert(key, spec, token.slice(eq + 1), command);
      else if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError(`${name} needs a value`, command);
      else raw[key] = convert(key, spec, argv[++i], command);
    }
  }
  return { flags: finish(specs, raw, command), positionals, given: new Set(Object.keys(raw)), help: false, argv };
}

/** True if `-h` or `--help` comes before any `--`. */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((t) => t === '-h' || t === '--help');
}
