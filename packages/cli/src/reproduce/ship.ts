/**
 * Shipping a study's models: per model, the seed whose run reached the best VALIDATION au_fa_fr
 * (never chosen on the test split, which only measures), copied as <name>.safetensors into a
 * folder, with models.json recording where each came from (run, seed, data, recipe) and what it
 * measured (validation, test with its interval, FR at fixed FA, real clips when measured).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile } from './json.js';
import type { ModelFigures, RunFigures } from './measure.js';

interface RunConfig {
  train: object;
  data: object;
  distill?: object;
  commands?: string[];
}

/**
 * @example shipModels('packages/cli/models', runs, models, 'kws-cli reproduce --seeds 3 --epochs 4')
 */
export function shipModels(dir: string, runs: readonly RunFigures[], models: readonly ModelFigures[], command: string): string[] {
  mkdirSync(dir, { recursive: true });
  const entries = models.map((m) => {
    const mine = runs.filter((r) => r.model === m.model);
    const pick = mine.reduce((a, b) => (b.valAuFaFr < a.valAuFaFr ? b : a));
    copyFileSync(join(pick.dir, 'best.safetensors'), join(dir, `${m.model}.safetensors`));
    const cfg = readJsonFile<RunConfig>(join(pick.dir, 'config.json'));
    const { dir: _runDir, ...figures } = pick;
    return {
      name: m.model,
      file: `${m.model}.safetensors`,
      chosen: `the seed with the best validation au_fa_fr of ${mine.length}`,
      ...figures,
      dtype: m.dtype,
      parameters: m.parameters,
      bytes: m.bytes,
      macs: m.macs,
      data: cfg.data,
      recipe: { train: cfg.train, ...(cfg.distill ? { distill: cfg.distill } : {}) },
      commands: cfg.commands ?? [],
    };
  });
  writeFileSync(join(dir, 'models.json'), `${JSON.stringify({ study: command, models: entries }, null, 2)}\n`);
  return entries.map((e) => e.file);
}
