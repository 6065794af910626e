/**
 * The models that ship with kws-ts (packages/cli/models/: the best checkpoints of the study
 * `kws-cli reproduce` ran, chosen per model by validation au_fa_fr, with models.json saying
 * where each came from and what it measured), and the `--model NAME` flag that picks one of
 * them instead of `--checkpoint FILE`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from './errors.js';

export const SHIPPED_MODELS = ['teacher', 'exp1', 'exp2', 'exp3', 'exp4'] as const;

/** The folder of shipped models (the same relative place from src/ and from dist/). */
export const SHIPPED_DIR = fileURLToPath(new URL('../models/', import.meta.url));

export const modelFlag = {
  type: 'string',
  choices: [...SHIPPED_MODELS],
  help: 'a model shipped with kws-ts instead of --checkpoint (packages/cli/models; see its models.json)',
} as const;

/** The checkpoint file of a shipped model. */
export function shippedPath(name: string): string {
  const file = `${SHIPPED_DIR}${name}.safetensors`;
  if (!existsSync(file)) throw new Error(`${file}: the shipped model '${name}' is missing from this installation`);
  return file;
}

/**
 * The checkpoint to load from exactly one of --checkpoint FILE / --model NAME.
 * @example const file = checkpointOf(f.checkpoint, f.model, path);
 */
export function checkpointOf(checkpoint: string | undefined, model: string | undefined, path: string, also = ''): string {
  const given = [checkpoint, model].filter((x) => x !== undefined).length;
  if (given !== 1) throw new UsageError(`give exactly one of --checkpoint FILE or --model ${SHIPPED_MODELS.join('|')}${also}`, path);
  return checkpoint ?? shippedPath(model ?? '');
}
