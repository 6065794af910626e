import { describe, expect, expectTypeOf, it } from 'vitest';
import { flagName, parseArgs } from './args.js';
import { UsageError } from './errors.js';
import { optionsTable, usageLine, wrap } from './help.js';

const specs = {
  epochs: { type: 'int', range: 'positive', default: 20, help: 'epochs to train' },
  lr: { type: 'number', range: 'positive', default: 3e-4, help: 'learning rate' },
  seed: { type: 'int', range: 'non-negative', default: 0, help: 'seed' },
  shift: { type: 'number', help: 'any number' },
  data: { type: 'string', metavar: 'DIR', help: 'data folder' },
  checkpoint: { type: 'string', required: true, metavar: 'FILE', help: 'the model' },
  split: { type: 'string', choices: ['train', 'val', 'test', 'all'], default: 'val', help: 'which clips' },
  resume: { type: 'boolean', help: 'continue' },
  noAugment: { type: 'boolean', help: 'no augmentation' },
} as const;

const parse = (argv: string[]): ReturnType<typeof parseArgs<typeof specs>> => parseArgs(argv, specs, 'train');
const usage = (argv: string[]): string => {
  try {
    parse(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).command).toBe('train');
    return (err as Error).message;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
};

describe('parseArgs', () => {
  it('reads --name value, --name=value, booleans, positionals and --, and fills defaults', () => {
    const r = parse(['pos1', '--epochs', '3', '--lr=0.01', '--resume', '--checkpoint', 'a.st', '--no-augment', '--shift', '-1.5', '--', '--x']);
    expect(r.flags).toEqual({ epochs: 3, lr: 0.01, seed: 0, shift: -1.5, data: undefined, checkpoint: 'a.st', split: 'val', resume: true, noAugment: true });
    expect(r.positionals).toEqual(['pos1', '--x']);
    expect([...r.given].sort()).toEqual(['checkpoint', 'epochs', 'lr', 'noAugment', 'resume', 'shift']);
    expect(r.help).toBe(false);
  });

  it('types each flag from its spec', () => {
    const f = parse(['--checkpoint', 'x']).flags;
    expectTypeOf(f.epochs).toEqualTypeOf<number>();
    expectTypeOf(f.shift).toEqualTypeOf<number | undefined>();
    expectTypeOf(f.data).toEqualTypeOf<string | undefined>();
    expectTypeOf(f.checkpoint).toEqualTypeOf<string>();
    expectTypeOf(f.split).toEqualTypeOf<'train' | 'val' | 'test' | 'all'>();
    expectTypeOf(f.resume).toEqualTypeOf<boolean>();
  });

  it('refuses a flag given twice (which one was meant is a guess)', () => {
    expect(usage(['--checkpoint', 'a', '--epochs', '2', '--epochs=5'])).toBe('--epochs is given twice; give it once');
  });

  it('rejects bad numbers with the flag, the rule and the value', () => {
    expect(usage(['--checkpoint', 'a', '--epochs', 'x'])).toBe("--epochs must be a positive integer, got 'x'");
    expect(usage(['--checkpoint', 'a', '--epochs', '0'])).toBe("--epochs must be a positive integer, got '0'");
    expect(usage(['--checkpoint', 'a', '--epochs', '2.5'])).toBe("--epochs must be a positive integer, got '2.5'");
    expect(usage(['--checkpoint', 'a', '--epochs='])).toBe("--epochs must be a positive integer, got ''");
    expect(usage(['--checkpoint', 'a', '--seed', '-1'])).toBe("--seed must be a non-negative integer, got '-1'");
    expect(usage(['--checkpoint', 'a', '--lr', '1e-3x'])).toBe("--lr must be a positive number, got '1e-3x'");
    expect(usage(['--checkpoint', 'a', '--shift', 'Infinity'])).toBe("--shift must be a number, got 'Infinity'");
    expect(parse(['--checkpoint', 'a', '--seed', '0', '--lr', '1e-3']).flags).toMatchObject({ seed: 0, lr: 0.001 });
  });

  it('rejects unknown flags (suggesting a near one), missing values, bad choices, values on booleans, missing required', () => {
    expect(usage(['--epoch', '3'])).toBe("unknown flag '--epoch' (did you mean --epochs?)");
    expect(usage(['--zzz'])).toBe("unknown flag '--zzz'");
    expect(usage(['-x'])).toBe("unknown flag '-x'");
    expect(usage(['--checkpoint', 'a', '--epochs'])).toBe('--epochs needs a value');
    expect(usage(['--checkpoint', '--resume'])).toBe('--checkpoint needs a value');
    expect(usage(['--checkpoint', 'a', '--split', 'dev'])).toBe("--split must be one of train, val, test, all, got 'dev'");
    expect(usage(['--checkpoint', 'a', '--resume=yes'])).toBe("--resume takes no value, got 'yes'");
    expect(usage([])).toBe('--checkpoint is required');
  });

  it('reports --help / -h before anything else, even with bad flags', () => {
    expect(parse(['--epochs', 'x', '--help']).help).toBe(true);
    expect(parse(['-h']).help).toBe(true);
    expect(parse(['--checkpoint', 'a', '--', '--help']).help).toBe(false);
  });

  it('spells camelCase keys in kebab-case', () => {
    expect(flagName('batchSize')).toBe('--batch-size');
    expect(flagName('noSpecAugment')).toBe('--no-spec-augment');
  });
});

describe('help text from the same specs', () => {
  it('lists every flag with its placeholder, help and default; required flags go into the usage line', () => {
    const text = optionsTable(specs).join('\n');
    expect(text).toMatch(/--epochs N +epochs to train \(default: 20\)/);
    expect(text).toMatch(/--lr X +learning rate \(default: 0\.0003\)/);
    expect(text).toMatch(/--checkpoint FILE +the model \(required\)/);
    expect(text).toMatch(/--split train\|val\|test\|all +which clips \(default: val\)/);
    expect(text).toMatch(/--no-augment +no augmentation$/m);
    expect(text).toMatch(/-h, --help +show this help/);
    expect(usageLine('eval', specs)).toBe('Usage: kws-cli eval --checkpoint FILE [options]');
  });

  it('wraps long text to the width', () => {
    const lines = wrap('a '.repeat(100), 20);
    expect(lines.every((l) => l.length <= 20)).toBe(true);
    expect(lines.join(' ').split(' ')).toHaveLength(100);
  });
});
