/**
 * Loading a checkpoint for a command that spots the keyword (eval, stream, serve, bench,
 * distill's teacher): every one reads p(keyword) as softmax(logits)[1], so a model must have the
 * two classes (other, keyword); a 3-class model would run and print meaningless numbers (stream
 * printed p = 2.23 and fired). A file without kws-ts metadata (a PyTorch state_dict) has its
 * architecture read from the tensor shapes, with the conv stride assumed; that is said once.
 */
import { loadModel, type CheckpointInfo, type CRNN } from '@kws/kws-model';
import type { Io } from './io.js';

/** The warning for a checkpoint without metadata, or undefined when it has some. */
export function inferredWarning(file: string, info: CheckpointInfo): string | undefined {
  if (info.metadata.config !== undefined) return undefined;
  const [h, w] = info.config.stride;
  return `warning: ${file} has no kws-ts metadata: its architecture is read from the tensor shapes, with the course's conv stride ${h} x ${w} assumed (the stride is not in the shapes); a model trained with another stride (exp4's 2 x 12) scores wrongly: load it with loadModel(file, { stride }) and save it with saveModel, which records the config`;
}

/**
 * @example const { model, info } = loadKeywordModel('best.safetensors', io);
 */
export function loadKeywordModel(file: string, io: Io): { model: CRNN; info: CheckpointInfo } {
  const loaded = loadModel(file);
  const n = loaded.info.config.numClasses;
  if (n !== 2) throw new Error(`${file}: a ${n}-class model; keyword spotting needs 2 classes (other, keyword), p(keyword) being the second`);
  const warning = inferredWarning(file, loaded.info);
  if (warning !== undefined) io.err(warning);
  return loaded;
}
