/**
 * Help text, written from the same flag tables that parse the command line, so the two never
 * disagree: each flag with its value placeholder, what it does, and its default.
 */
import { flagName, type FlagSpec, type FlagSpecs } from './args.js';

export const PROGRAM = 'kws-cli';
/**
 * What a user types to run it: in a clone the bin is in node_modules/.bin, so only `npx kws-cli`
 * works (it also works when installed globally). Every printed hint uses this.
 */
export const RUN = `npx ${PROGRAM}`;
const WIDTH = 100;

/** Joins words that must stay on one line (a default and its value). */
const GLUE = '\u00a0';

/** Greedy word wrap of `text` to `width` columns; words joined by GLUE never split. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/[ \t\r\n]+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.length > 0 ? lines.map((l) => l.replaceAll(GLUE, ' ')) : [''];
}

/** The value placeholder: choices (a|b), the metavar, or one derived from the type. */
function metavar(spec: FlagSpec): string {
  if (spec.type === 'boolean') return '';
  if (spec.type === 'string' && spec.choices) return spec.choices.join('|');
  return spec.metavar ?? (spec.type === 'int' ? 'N' : spec.type === 'number' ? 'X' : 'VALUE');
}

/** `--name META`, as in usage lines and the options table. */
export function flagLabel(key: string, spec: FlagSpec): string {
  const meta = metavar(spec);
  return meta === '' ? flagName(key) : `${flagName(key)} ${meta}`;
}

function describeFlag(spec: FlagSpec): string {
  if (spec.type !== 'boolean' && spec.required) return `${spec.help} (required)`;
  if (spec.defaultText !== undefined) return `${spec.help} (default:${GLUE}${spec.defaultText})`;
  if (spec.type !== 'boolean' && spec.default !== undefined) return `${spec.help} (default:${GLUE}${String(spec.default)})`;
  return spec.help;
}

/** Two-column rows: labels padded to one width, descriptions wrapped beside them. */
export function table(rows: [string, string][], indent = 2): string[] {
  const col = Math.min(30, Math.max(...rows.map(([l]) => l.length)) + 2);
  const out: string[] = [];
  for (const [label, text] of rows) {
    const body = wrap(text, WIDTH - indent - col);
    const pad = ' '.repeat(indent);
    if (label.length + 2 > col) out.push(pad + label);
    else out.push(pad + label.padEnd(col) + body.shift());
    for (const rest of body) out.push(pad + ' '.repeat(col) + rest);
  }
  return out;
}

/** The options table of a flag set, ending with -h/--help. */
export function optionsTable(flags: FlagSpecs): string[] {
  const rows: [string, string][] = Object.entries(flags).map(([k, s]) => [flagLabel(k, s), describeFlag(s)]);
  rows.push(['-h, --help', 'show this help']);
  return table(rows);
}

/** `kws-cli eval --checkpoint FILE --data DIR [options]`: required flags first. */
export function usageLine(path: string, flags: FlagSpecs, positionals: readonly { name: string }[] = []): string {
  const required = Object.entries(flags)
    .filter(([, s]) => s.type !== 'boolean' && s.required === true)
    .map(([k, s]) => flagLabel(k, s));
  const optional = Object.values(flags).some((s) => s.type === 'boolean' || s.required !== true);
  const parts = [PROGRAM, path, ...required, ...(optional ? ['[options]'] : []), ...positionals.map((p) => p.name)];
  return `Usage: ${parts.filter((p) => p !== '').join(' ')}`;
}

/** A titled block (blank line first), or nothing when empty. */
export function section(title: string, lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : ['', `${title}:`, ...lines];
}

/** Paragraphs wrapped to the help width. */
export function paragraphs(texts: readonly string[] = []): string[] {
  return texts.flatMap((t) => ['', ...wrap(t, WIDTH)]);
}
