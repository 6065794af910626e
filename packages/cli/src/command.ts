/**
 * Commands and command groups. A command owns its flag table; `defineCommand` turns it into a
 * parser, a help text and a runner. A group (`kws-cli data ...`, and the program itself) picks a
 * subcommand by its first positional argument; adding one is one entry in its list.
 */
import { parseArgs, wantsHelp, type FlagSpecs, type Parsed } from './args.js';
import { UsageError } from './errors.js';
import { optionsTable, paragraphs, PROGRAM, RUN, section, table, usageLine } from './help.js';
import type { Io } from './io.js';

export interface Command {
  name: string;
  summary: string;
  /** Run with the arguments after the command's name; `prefix` is the parent path ('data'). */
  run(argv: string[], io: Io, prefix?: string): Promise<number>;
  help(prefix?: string): string[];
}

export interface Positional {
  name: string;
  help: string;
  /** Takes all remaining arguments (only the last positional): `report RUNS...`. */
  variadic?: boolean;
}

export interface CommandDef<F extends FlagSpecs> {
  name: string;
  summary: string;
  description?: string[];
  flags: F;
  /** Accepted positional arguments (none by default: any is a usage error). */
  positionals?: Positional[];
  examples?: string[];
  run(args: Parsed<F>, io: Io, path: string): Promise<number>;
}

const join = (prefix: string | undefined, name: string): string => (prefix ? `${prefix} ${name}` : name);

/** @example export const info = defineCommand({ name: 'info', summary: '...', flags: {...}, run: async (a, io) => 0 }); */
export function defineCommand<const F extends FlagSpecs>(def: CommandDef<F>): Command {
  const help = (prefix?: string): string[] => {
    const path = join(prefix, def.name);
    return [
      `${PROGRAM} ${path}: ${def.summary}`,
      '',
      usageLine(path, def.flags, def.positionals),
      ...paragraphs(def.description),
      ...section('Arguments', def.positionals ? table(def.positionals.map((p) => [p.name, p.help])) : []),
      ...section('Options', optionsTable(def.flags)),
      ...section('Examples', (def.examples ?? []).map((e) => `  ${e}`)),
    ];
  };
  const run = async (argv: string[], io: Io, prefix?: string): Promise<number> => {
    const path = join(prefix, def.name);
    const args = parseArgs(argv, def.flags, path);
    if (args.help) {
      help(prefix).forEach((l) => io.out(l));
      return 0;
    }
    const max = def.positionals?.at(-1)?.variadic ? Infinity : (def.positionals?.length ?? 0);
    if (args.positionals.length > max) throw new UsageError(`unexpected argument '${args.positionals[max]}'`, path);
    return def.run(args, io, path);
  };
  return { name: def.name, summary: def.summary, run, help };
}

export interface GroupDef {
  name: string;
  summary: string;
  description?: string[];
  commands: Command[];
  footer?: string[];
}

/** Lines listing a group's subcommands. */
function listing(commands: readonly Command[]): string[] {
  return table(commands.map((c) => [c.name, c.summary]));
}

/** A command made of subcommands: `kws-cli data download ...`. */
export function defineGroup(def: GroupDef): Command {
  const help = (prefix?: string): string[] => {
    const path = join(prefix, def.name);
    return [
      `${PROGRAM}${path ? ` ${path}` : ''}: ${def.summary}`,
      '',
      `Usage: ${[PROGRAM, path, '<command>', '[options]'].filter((p) => p !== '').join(' ')}`,
      ...paragraphs(def.description),
      ...section('Commands', listing(def.commands)),
      '',
      `Run '${[RUN, path, '<command>', '--help'].filter((p) => p !== '').join(' ')}' for a command's flags and defaults.`,
      ...(def.footer ?? []),
    ];
  };
  const run = async (argv: string[], io: Io, prefix?: string): Promise<number> => {
    const path = join(prefix, def.name);
    const [first, ...rest] = argv;
    if (first === undefined || (first.startsWith('-') && wantsHelp([first]))) {
      help(prefix).forEach((l) => io.out(l));
      return 0;
    }
    if (first.startsWith('-')) throw new UsageError(`unknown flag '${first}'; a command comes first`, path);
    const cmd = def.commands.find((c) => c.name === first);
    const what = path === '' ? 'command' : `${path} command`;
    if (!cmd) throw new UsageError(`unknown ${what} '${first}' (choose from ${def.commands.map((c) => c.name).join(', ')})`, path);
    return cmd.run(rest, io, path);
  };
  return { name: def.name, summary: def.summary, run, help };
}
