/**
 * JSON that a user can edit (a run's config.json, summary.json, a data glue sidecar, a distill
 * state's metadata, synth.json): parse it, then check every field the caller reads against a
 * small schema, so that a hand-edited file fails with one line naming the file and the field
 * instead of a `Cannot read properties of undefined` three calls later.
 *
 * A schema maps field names to kinds; a kind ending in `?` may be absent (or null). The result
 * is typed from the schema; fields not named in it are kept as they are (unknown).
 */
import { readFileSync } from 'node:fs';

type BaseKind = 'number' | 'string' | 'boolean' | 'object' | 'string[]' | 'number{}';
export type JsonKind = BaseKind | `${BaseKind}?`;
export type JsonSchema = Readonly<Record<string, JsonKind>>;

interface KindTypes {
  number: number;
  string: string;
  boolean: boolean;
  object: Record<string, unknown>;
  'string[]': string[];
  'number{}': Record<string, number>;
}

type Required<S extends JsonSchema> = { [K in keyof S as S[K] extends BaseKind ? K : never]: KindTypes[S[K] & BaseKind] };
type Optional<S extends JsonSchema> = { [K in keyof S as S[K] extends BaseKind ? never : K]?: S[K] extends `${infer B extends BaseKind}?` ? KindTypes[B] : never };
export type FromSchema<S extends JsonSchema> = Required<S> & Optional<S> & Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const CHECKS: { readonly [K in BaseKind]: (v: unknown) => boolean } = {
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  object: isObject,
  'string[]': (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  'number{}': (v) => isObject(v) && Object.values(v).every((x) => typeof x === 'number' && Number.isFinite(x)),
};

const DESCRIBE: { readonly [K in BaseKind]: string } = {
  number: 'a finite number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  'string[]': 'a list of strings',
  'number{}': 'an object of numbers',
};

/** A short, one-line rendering of a bad value for an error message. */
function shown(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * Check `value` against `schema`; `where` names the file (and section) in errors.
 * @example checkJson(JSON.parse(text), { start: 'number', end: 'number' }, 'track.json')
 */
export function checkJson<S extends JsonSchema>(value: unknown, schema: S, where: string): FromSchema<S> {
  if (!isObject(value)) throw new Error(`${where}: expected a JSON object, got ${shown(value)}`);
  for (const [name, kind] of Object.entries(schema)) {
    const optional = kind.endsWith('?');
    const base = (optional ? kind.slice(0, -1) : kind) as BaseKind;
    const v = value[name];
    if ((v === undefined || v === null) && optional) continue;
    if (v === undefined) throw new Error(`${where}: field '${name}' is missing (expected ${DESCRIBE[base]})`);
    if (!CHECKS[base](v)) throw new Error(`${where}: field '${name}' must be ${DESCRIBE[base]}, got ${shown(v)}`);
  }
  return value as FromSchema<S>;
}

/**
 * Parse JSON text; a syntax error names `where`.
 * @example parseJsonText(metadata.stepper, 'state.safetensors: metadata stepper')
 */
export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`${where}: not valid JSON (${(err as Error).message})`);
  }
}

/**
 * Read, parse and check a JSON file in one step.
 * @example const { commands } = readJsonFile('runs/teacher-synth/config.json', { commands: 'string[]?' });
 */
export function readJsonFile<S extends JsonSchema>(path: string, schema: S): FromSchema<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return checkJson(parseJsonText(text, path), schema, path);
}
